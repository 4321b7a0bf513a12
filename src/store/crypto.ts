/**
 * AES-256-GCM for secrets kept in KV (NemoVideo tokens), through WebCrypto. A sealed value names the key
 * that sealed it (a short fingerprint, not the key), so during a rotation values sealed with the previous
 * key still open while every new value is sealed with the current one.
 */

/**
 * What is stored in place of a plaintext secret. v2 binds the value to where it is stored (the KV key as
 * AES-GCM associated data), so a sealed value copied under another chat's key fails to open; v1 (no
 * associated data) is what earlier versions wrote: it still opens and is reported stale, so it is resealed.
 */
export type Sealed = { v: 1 | 2; kid: string; iv: string; ct: string };

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

/**
 * Encrypts with the current key and a fresh 96-bit IV. `boundTo` (e.g. the KV key the value is stored
 * under) becomes associated data: the value opens only with the same `boundTo`.
 */
export async function seal(keys: TokenKeys, plaintext: string, boundTo?: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: "AES-GCM", iv, ...associated(boundTo) };
  const ct = await crypto.subtle.encrypt(params, keys.current, new TextEncoder().encode(plaintext));
  return { v: boundTo === undefined ? 1 : 2, kid: keys.currentId, iv: base64Of(iv), ct: base64Of(new Uint8Array(ct)) };
}

/**
 * Decrypts with whichever configured key sealed the value; `stale` says it should be re-sealed (an older
 * key, or a v1 value sealed before values were bound to their place).
 */
export async function open(
  keys: TokenKeys,
  sealed: Sealed,
  boundTo?: string,
): Promise<{ plaintext: string; stale: boolean }> {
  const key =
    sealed.kid === keys.currentId ? keys.current : sealed.kid === keys.previous?.id ? keys.previous.key : undefined;
  if (!key) throw new SealedValueUnreadableError(`sealed with key ${sealed.kid}, which is not configured`);
  const bound = sealed.v === 2 ? boundTo : undefined;
  if (sealed.v === 2 && bound === undefined)
    throw new SealedValueUnreadableError("bound value opened without its place");
  try {
    const params = { name: "AES-GCM", iv: bytesOf(sealed.iv), ...associated(bound) };
    const plain = await crypto.subtle.decrypt(params, key, bytesOf(sealed.ct));
    const unbound = boundTo !== undefined && sealed.v === 1;
    return { plaintext: new TextDecoder().decode(plain), stale: key !== keys.current || unbound };
  } catch {
    throw new SealedValueUnreadableError(`value sealed with key ${sealed.kid} failed authentication`);
  }
}

function associated(boundTo: string | undefined): { additionalData?: Uint8Array<ArrayBuffer> } {
  if (boundTo === undefined) return {};
  const encoded = new TextEncoder().encode(boundTo);
  const bytes = new Uint8Array(encoded.length);
  bytes.set(encoded);
  return { additionalData: bytes };
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
