import { literal, number, object, string, union, enum as zEnum } from "zod";
import { logEvent } from "../log";
import { type Clock, systemClock } from "../shared/clock";
import { open, type Sealed, SealedValueUnreadableError, seal, type TokenKeys } from "./crypto";

/**
 * The per-chat NemoVideo credentials and project, kept in KV so an operator can inspect them and a fresh
 * Durable Object instance finds them. Only the chat's Durable Object writes them, and only on change:
 * KV takes one write per second per key. With TOKEN_ENCRYPTION_KEY set the secrets (the anonymous token,
 * the user's own token and the client id) are stored sealed (AES-GCM, bound to the record's KV key) and
 * everything else stays readable.
 */
const ChatRecordSchema = object({
  clientId: string().min(1).max(64),
  token: string().min(1).optional(),
  /** The user's own NemoVideo API token (/token); takes precedence over NEMO_TOKEN and anonymous tokens. */
  ownToken: string().min(1).optional(),
  tokenExpiresAt: string().optional(),
  anonUserId: string().optional(),
  sessionId: string().min(1).optional(),
  taskId: string().optional(),
  language: zEnum(["en", "zh"]).optional(),
  languageCode: string().optional(),
  updatedAt: number().optional(),
});

const SealedSchema = object({ v: union([literal(1), literal(2)]), kid: string(), iv: string(), ct: string() });

/** The fields sealed when a key is configured, and the name each sealed form is stored under. */
const SECRET_FIELDS = [
  ["token", "sealedToken"],
  ["ownToken", "sealedOwnToken"],
  ["clientId", "sealedClientId"],
] as const;

/** The KV form: the record, with each secret either in clear (no key configured) or sealed. */
const StoredRecordSchema = ChatRecordSchema.extend({
  clientId: string().min(1).max(64).optional(),
  sealedToken: SealedSchema.optional(),
  sealedOwnToken: SealedSchema.optional(),
  sealedClientId: SealedSchema.optional(),
});

/** What /forget keeps: the anonymous identity (client id and its token), so forgetting mints no new credits. */
const IDENTITY_FIELDS = ["clientId", "sealedClientId", "token", "sealedToken", "tokenExpiresAt", "anonUserId"];

export type ChatRecord = ReturnType<typeof ChatRecordSchema.parse>;

export interface ChatStore {
  /** The chat's record, or undefined when absent or unreadable (an unreadable record is treated as absent). */
  read(chatId: number): Promise<ChatRecord | undefined>;
  /** Writes the record when it differs from what was last read or written; returns whether it wrote. */
  write(chatId: number, record: ChatRecord): Promise<boolean>;
}

export const chatRecordKey = (chatId: number) => `chat:${chatId}`;

/** `keys` turns on encryption of the token; without it tokens are stored as NemoVideo issued them. */
export function createChatStore(
  kv: KVNamespace,
  options: { keys?: () => Promise<TokenKeys | undefined>; now?: Clock } = {},
): ChatStore {
  const now = options.now ?? systemClock;
  /** What was last read or written, as comparable plaintext (without updatedAt); absent = must write. */
  const lastSeen = new Map<number, string>();
  const comparable = ({ updatedAt: _ignored, ...rest }: ChatRecord) => JSON.stringify(rest);
  const keys = async () => options.keys?.();

  async function decode(
    raw: string,
    boundTo: string,
  ): Promise<{ record: ChatRecord; needsRewrite: boolean } | undefined> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = StoredRecordSchema.safeParse(json);
    if (!parsed.success) return undefined;
    const { sealedToken: _t, sealedOwnToken: _o, sealedClientId: _c, ...clear } = parsed.data;
    const active = await keys();
    const opened: Record<string, string | undefined> = {};
    let needsRewrite = false;
    for (const [field, sealedField] of SECRET_FIELDS) {
      const sealed = parsed.data[sealedField];
      if (!sealed) {
        // A secret in clear after encryption was turned on: reseal it now.
        if (active && clear[field] !== undefined) needsRewrite = true;
        continue;
      }
      if (!active) continue;
      try {
        const result = await open(active, sealed as Sealed, boundTo);
        opened[field] = result.plaintext;
        needsRewrite ||= result.stale;
      } catch (error) {
        if (!(error instanceof SealedValueUnreadableError)) throw error;
        // A secret nobody can decrypt is as good as none: the session asks NemoVideo for a fresh token.
        logEvent({ LOG_LEVEL: "warn" }, "warn", { event: "token_unreadable", kid: sealed.kid, field });
      }
    }
    if (clear.clientId === undefined && opened.clientId === undefined && parsed.data.sealedClientId) {
      // The client id was sealed with a key no longer configured: the chat keeps its project and gets a
      // new id (the operator lost the key; a fresh anonymous account is the cost, as for the token).
      opened.clientId = crypto.randomUUID();
      needsRewrite = true;
    }
    const record = ChatRecordSchema.safeParse({ ...clear, ...opened });
    if (!record.success) return undefined;
    return { record: record.data, needsRewrite };
  }

  async function encode(record: ChatRecord, boundTo: string): Promise<string> {
    const active = await keys();
    const stored: Record<string, unknown> = { ...record, updatedAt: now() };
    if (!active) return JSON.stringify(stored);
    for (const [field, sealedField] of SECRET_FIELDS) {
      const value = record[field];
      if (value === undefined) continue;
      delete stored[field];
      stored[sealedField] = await seal(active, value, boundTo);
    }
    return JSON.stringify(stored);
  }

  const store: ChatStore = {
    async read(chatId) {
      const raw = await kv.get(chatRecordKey(chatId));
      if (raw === null) return undefined;
      const decoded = await decode(raw, chatRecordKey(chatId));
      if (!decoded) return undefined;
      if (decoded.needsRewrite) {
        // A clear secret after encryption was turned on, or one sealed with the previous key or before
        // values were bound to their key: reseal now.
        lastSeen.delete(chatId);
        await store.write(chatId, decoded.record);
      } else {
        lastSeen.set(chatId, comparable(decoded.record));
      }
      return decoded.record;
    },
    async write(chatId, record) {
      if (lastSeen.get(chatId) === comparable(record)) return false;
      await kv.put(chatRecordKey(chatId), await encode(record, chatRecordKey(chatId)));
      lastSeen.set(chatId, comparable(record));
      return true;
    },
  };
  return store;
}

/**
 * /forget: drops the chat's project, language and the user's own token, and keeps only the anonymous
 * identity (client id and its token, still sealed as they were). Forgetting the identity would let
 * /forget + /start mint a fresh anonymous account with fresh credits as often as one likes.
 */
export async function forgetAllButIdentity(kv: KVNamespace, chatId: number): Promise<void> {
  const key = chatRecordKey(chatId);
  const raw = await kv.get(key);
  let json: unknown;
  try {
    json = raw === null ? undefined : JSON.parse(raw);
  } catch {
    json = undefined;
  }
  if (typeof json !== "object" || json === null) {
    await kv.delete(key);
    return;
  }
  const kept = Object.fromEntries(
    Object.entries(json as Record<string, unknown>).filter(([field]) => IDENTITY_FIELDS.includes(field)),
  );
  if ("clientId" in kept || "sealedClientId" in kept) await kv.put(key, JSON.stringify(kept));
  else await kv.delete(key);
}
