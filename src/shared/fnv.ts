/** FNV-1a (32 bit) of a string as 8 hex digits: cheap, synchronous and stable, for ids and fingerprints. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
