import type { Config } from "./config";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** Fields a log line may carry. Message texts, tokens and URLs with secrets are never passed here. */
export type LogFields = {
  event: string;
  chat?: number;
  updateId?: number;
  route?: string;
  outcome?: string;
  ms?: number;
  [key: string]: string | number | boolean | undefined;
};

/**
 * One structured JSON line. The chat id is replaced by a keyed hash (see chatHash) so logs can be
 * correlated without identifying the chat.
 */
export function logEvent(config: Pick<Config, "LOG_LEVEL">, level: Level, fields: LogFields): void {
  const threshold = LEVELS[(config.LOG_LEVEL as Level) in LEVELS ? (config.LOG_LEVEL as Level) : "info"];
  if (LEVELS[level] < threshold) return;
  const { chat, ...rest } = fields;
  const line = JSON.stringify({ level, ...rest, ...(chat === undefined ? {} : { chat: hashChatId(chat) }) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * Chat hashes are HMAC-SHA256 of the chat id under a secret salt, so a log reader cannot turn a hash back
 * into a chat by trying ids (a 32-bit unsalted hash of a ~10-digit id gave that away). The salt is derived
 * from WEBHOOK_SECRET with HMAC and a fixed label: no new setting to manage, the secret itself never
 * reaches a log, and it is required, secret and at least 32 characters. Rotating it changes the hashes.
 * HMAC is asynchronous, so each chat's hash is prepared once (edge and chat object do it before
 * logging) and log lines look it up synchronously.
 */
const HASH_LABEL = "nemo-bot chat-hash v1";
const HASHES_KEPT = 10_000;
const hashes = new Map<number, string>();

/** The chat's log hash: 16 hex digits of HMAC-SHA256(salt, chat id), salt = HMAC-SHA256(secret, label). */
export async function chatHash(secret: string, chatId: number): Promise<string> {
  const encoder = new TextEncoder();
  const hmac = async (key: BufferSource, data: string) => {
    const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return crypto.subtle.sign("HMAC", imported, encoder.encode(data));
  };
  const salt = await hmac(encoder.encode(secret), HASH_LABEL);
  const digest = new Uint8Array(await hmac(salt, String(chatId)));
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Computes and caches the chat's hash so `logEvent` can use it; call before logging about a chat. */
export async function prepareChatHash(config: Pick<Config, "WEBHOOK_SECRET">, chatId: number): Promise<void> {
  if (hashes.has(chatId)) return;
  const hash = await chatHash(config.WEBHOOK_SECRET, chatId);
  if (hashes.size >= HASHES_KEPT) hashes.delete(hashes.keys().next().value as number);
  hashes.set(chatId, hash);
}

/** The prepared hash; a chat nobody prepared is logged as "unprepared", never by its id. */
export function hashChatId(chatId: number): string {
  return hashes.get(chatId) ?? "unprepared";
}
