import { number, object, string, enum as zEnum } from "zod";

/**
 * The per-chat NemoVideo credentials and project, kept in KV so an operator can inspect them and a fresh
 * Durable Object instance finds them. Only the chat's Durable Object writes them, and only on change:
 * KV takes one write per second per key.
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

export type ChatRecord = ReturnType<typeof ChatRecordSchema.parse>;

export interface ChatStore {
  /** The chat's record, or undefined when absent or unreadable (an unreadable record is treated as absent). */
  read(chatId: number): Promise<ChatRecord | undefined>;
  /** Writes the record when it differs from what was last read or written; returns whether it wrote. */
  write(chatId: number, record: ChatRecord): Promise<boolean>;
  remove(chatId: number): Promise<void>;
}

const keyOf = (chatId: number) => `chat:${chatId}`;

export function createChatStore(kv: KVNamespace): ChatStore {
  const lastSeen = new Map<number, string>();
  return {
    async read(chatId) {
      const raw = await kv.get(keyOf(chatId));
      if (raw === null) return undefined;
      lastSeen.set(chatId, raw);
      try {
        const parsed = ChatRecordSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    async write(chatId, record) {
      const { updatedAt: _ignored, ...comparable } = record;
      const serialisedForCompare = JSON.stringify(comparable);
      const previous = lastSeen.get(chatId);
      if (previous !== undefined) {
        try {
          const { updatedAt: _old, ...previousComparable } = JSON.parse(previous) as Record<string, unknown>;
          if (JSON.stringify(previousComparable) === serialisedForCompare) return false;
        } catch {
          // An unreadable previous value is simply overwritten.
        }
      }
      const value = JSON.stringify({ ...record, updatedAt: Date.now() });
      await kv.put(keyOf(chatId), value);
      lastSeen.set(chatId, value);
      return true;
    },
    async remove(chatId) {
      await kv.delete(keyOf(chatId));
      lastSeen.delete(chatId);
    },
  };
}
