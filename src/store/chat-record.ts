import { literal, number, object, string, enum as zEnum } from "zod";
import { logEvent } from "../log";
import { open, type Sealed, SealedValueUnreadableError, seal, type TokenKeys } from "./crypto";

/**
 * The per-chat NemoVideo credentials and project, kept in KV so an operator can inspect them and a fresh
 * Durable Object instance finds them. Only the chat's Durable Object writes them, and only on change:
 * KV takes one write per second per key. With TOKEN_ENCRYPTION_KEY set the token is stored sealed
 * (AES-GCM) and everything else stays readable.
 */
const ChatRecordSchema = object({
  clientId: string().min(1).max(64),
  token: string().min(1).optional(),
  tokenExpiresAt: string().optional(),
  anonUserId: string().optional(),
  sessionId: string().min(1).optional(),
  taskId: string().optional(),
  language: zEnum(["en", "zh"]).optional(),
  languageCode: string().optional(),
  updatedAt: number().optional(),
});

const SealedSchema = object({ v: literal(1), kid: string(), iv: string(), ct: string() });

/** The KV form: the record, with the token either in clear (no key configured) or sealed. */
const StoredRecordSchema = ChatRecordSchema.extend({ sealedToken: SealedSchema.optional() });

export type ChatRecord = ReturnType<typeof ChatRecordSchema.parse>;

export interface ChatStore {
  /** The chat's record, or undefined when absent or unreadable (an unreadable record is treated as absent). */
  read(chatId: number): Promise<ChatRecord | undefined>;
  /** Writes the record when it differs from what was last read or written; returns whether it wrote. */
  write(chatId: number, record: ChatRecord): Promise<boolean>;
  remove(chatId: number): Promise<void>;
}

export const chatRecordKey = (chatId: number) => `chat:${chatId}`;

/** `keys` turns on encryption of the token; without it tokens are stored as NemoVideo issued them. */
export function createChatStore(
  kv: KVNamespace,
  options: { keys?: () => Promise<TokenKeys | undefined> } = {},
): ChatStore {
  /** What was last read or written, as comparable plaintext (without updatedAt); absent = must write. */
  const lastSeen = new Map<number, string>();
  const comparable = ({ updatedAt: _ignored, ...rest }: ChatRecord) => JSON.stringify(rest);
  const keys = async () => options.keys?.();

  async function decode(raw: string): Promise<{ record: ChatRecord; needsRewrite: boolean } | undefined> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = StoredRecordSchema.safeParse(json);
    if (!parsed.success) return undefined;
    const { sealedToken, ...record } = parsed.data;
    const active = await keys();
    if (!sealedToken) return { record, needsRewrite: active !== undefined && record.token !== undefined };
    if (!active) return { record, needsRewrite: false };
    try {
      const opened = await open(active, sealedToken as Sealed);
      return { record: { ...record, token: opened.plaintext }, needsRewrite: opened.stale };
    } catch (error) {
      if (!(error instanceof SealedValueUnreadableError)) throw error;
      // A token nobody can decrypt is as good as none: the session asks NemoVideo for a fresh one.
      logEvent({ LOG_LEVEL: "warn" }, "warn", { event: "token_unreadable", kid: sealedToken.kid });
      return { record, needsRewrite: false };
    }
  }

  async function encode(record: ChatRecord): Promise<string> {
    const active = await keys();
    const stamped = { ...record, updatedAt: Date.now() };
    const token = record.token;
    if (!active || token === undefined) return JSON.stringify(stamped);
    const { token: _clear, ...rest } = stamped;
    return JSON.stringify({ ...rest, sealedToken: await seal(active, token) });
  }

  const store: ChatStore = {
    async read(chatId) {
      const raw = await kv.get(chatRecordKey(chatId));
      if (raw === null) return undefined;
      const decoded = await decode(raw);
      if (!decoded) return undefined;
      if (decoded.needsRewrite) {
        // A clear token after encryption was turned on, or one sealed with the previous key: reseal now.
        lastSeen.delete(chatId);
        await store.write(chatId, decoded.record);
      } else {
        lastSeen.set(chatId, comparable(decoded.record));
      }
      return decoded.record;
    },
    async write(chatId, record) {
      if (lastSeen.get(chatId) === comparable(record)) return false;
      await kv.put(chatRecordKey(chatId), await encode(record));
      lastSeen.set(chatId, comparable(record));
      return true;
    },
    async remove(chatId) {
      await kv.delete(chatRecordKey(chatId));
      lastSeen.delete(chatId);
    },
  };
  return store;
}
