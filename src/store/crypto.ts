/**
 * AES-256-GCM for secrets kept in KV (NemoVideo tokens), through WebCrypto. A sealed value names the key
 * that sealed it (a short fingerprint, not the key), so during a rotation values sealed with the previous
 * key still open while every new value is sealed with the current one.
 */

/** What is stored in place of a plaintext secret. */
export type Sealed = { v: 1; kid: string; iv: string; ct: string };

export type TokenKeys = {
  /** Seals and opens. */
  current: CryptoKey;
  currentId: string;
  /** Opens only: the key being rotated out. */
  previous?: { key: CryptoKey; id: string };
};

/** The stored value was sealed with a key this Worker does not have, or was tampered with. */
export class SealedValueUnreadableError extends Error {
  override readonly name = "SealedValueUnreadableError";
}

/** Imports the base64 keys from the settings; undefined when encryption is off (no current key). */
export async function importTokenKeys(settings: {
  TOKEN_ENCRYPTION_KEY?: string;
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;
}): Promise<TokenKeys | undefined> {
  if (!settings.TOKEN_ENCRYPTION_KEY) return undefined;
  const current = await importKey(settings.TOKEN_ENCRYPTION_KEY);
  const previous = settings.TOKEN_ENCRYPTION_KEY_PREVIOUS
    ? await importKey(settings.TOKEN_ENCRYPTION_KEY_PREVIOUS)
    : undefined;
  return { current: current.key, currentId: current.id, ...(previous ? { previous } : {}) };
}

async function importKey(base64: string): Promise<{ key: CryptoKey; id: string }> {
  const raw = bytesOf(base64);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  // The key id is a fingerprint: 8 hex chars of SHA-256, enough to pick between two keys, useless to guess one.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  const id = [...digest.slice(0, 4)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return { key, id };
}

/** Encrypts with the current key and a fresh 96-bit IV. */
export async function seal(keys: TokenKeys, plaintext: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, keys.current, new TextEncoder().encode(plaintext));
  return { v: 1, kid: keys.currentId, iv: base64Of(iv), ct: base64Of(new Uint8Array(ct)) };
}

/** Decrypts with whichever configured key sealed the value; `stale` says it should be re-sealed. */
export async function open(keys: TokenKeys, sealed: Sealed): Promise<{ plaintext: string; stale: boolean }> {
  const key =
    sealed.kid === keys.currentId ? keys.current : sealed.kid === keys.previous?.id ? keys.previous.key : undefined;
  if (!key) throw new SealedValueUnreadableError(`sealed with key ${sealed.kid}, which is not configured`);
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytesOf(sealed.iv) }, key, bytesOf(sealed.ct));
    return { plaintext: new TextDecoder().decode(plain), stale: key !== keys.current };
  } catch {
    throw new SealedValueUnreadableError(`value sealed with key ${sealed.kid} failed authentication`);
  }
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
