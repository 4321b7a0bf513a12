import { KEYS, readKey, SCHEMAS } from "./storage";

/** One key per waiting update, in arrival order: `inbox:<sequence>`. */
const PREFIX = "inbox:";
const SEQUENCE = "inboxSeq";
const SIZE = "inboxSize";
/** Set when an update was dropped because the inbox was full; the chat gets one notice once it catches up. */
const OVERFLOWED = "inboxOverflowed";

export type StoredUpdate = Record<string, unknown> & { update_id: number };

const keyOf = (sequence: number) => `${PREFIX}${String(sequence).padStart(16, "0")}`;

/**
 * The chat's durable inbox: updates accepted from the webhook and not yet handled, one storage key per
 * update (a flood never rewrites, or grows, one value past the storage limit) with a hard cap
 * (INBOX_LIMIT): past it, new updates are dropped and the chat is told once. Callers serialise access
 * (the object's inbox chain). The old form, one key holding the whole list, is moved over on first use.
 */
export function createInbox(storage: DurableObjectStorage, limit: () => number) {
  let migrated = false;

  async function migrate(): Promise<void> {
    if (migrated) return;
    migrated = true;
    const old = await readKey(storage, KEYS.inbox, SCHEMAS.inbox);
    if (old === undefined) return;
    let sequence = (await storage.get<number>(SEQUENCE)) ?? 0;
    let size = (await storage.get<number>(SIZE)) ?? 0;
    const entries: Record<string, unknown> = {};
    for (const update of old) {
      entries[keyOf(sequence++)] = update;
      size++;
    }
    // Puts take at most 128 keys at a time.
    const keys = Object.keys(entries);
    for (let start = 0; start < keys.length; start += 100) {
      const slice = Object.fromEntries(keys.slice(start, start + 100).map((key) => [key, entries[key]]));
      await storage.put(slice);
    }
    await storage.put({ [SEQUENCE]: sequence, [SIZE]: size });
    await storage.delete(KEYS.inbox);
  }

  return {
    /** Stores an update behind the others; "full" when the cap is reached (the update is not stored). */
    async add(update: StoredUpdate, alongside: Record<string, unknown>): Promise<"added" | "full"> {
      await migrate();
      const size = (await storage.get<number>(SIZE)) ?? 0;
      if (size >= limit()) {
        await storage.put({ ...alongside, [OVERFLOWED]: true });
        return "full";
      }
      const sequence = (await storage.get<number>(SEQUENCE)) ?? 0;
      await storage.put({ ...alongside, [keyOf(sequence)]: update, [SEQUENCE]: sequence + 1, [SIZE]: size + 1 });
      return "added";
    },

    /** The oldest waiting update and its key, or undefined when none waits. */
    async head(): Promise<{ key: string; update: StoredUpdate } | undefined> {
      await migrate();
      for (const [key, value] of await storage.list({ prefix: PREFIX, limit: 1 })) {
        const parsed = SCHEMAS.inbox.element.safeParse(value);
        if (parsed.success) return { key, update: parsed.data };
        // Unreadable (written by a broken version): dropped, so it cannot stall the chat.
        await this.remove(key);
        return this.head();
      }
      return undefined;
    },

    async remove(key: string): Promise<void> {
      if (!(await storage.delete(key))) return;
      const size = (await storage.get<number>(SIZE)) ?? 1;
      // An empty inbox leaves no key behind (a forgotten chat stores nothing).
      if (size <= 1) await storage.delete([SIZE, SEQUENCE]);
      else await storage.put(SIZE, size - 1);
    },

    async size(): Promise<number> {
      await migrate();
      return (await storage.get<number>(SIZE)) ?? 0;
    },

    /** True once after updates were dropped for a full inbox (cleared by this call). */
    async takeOverflow(): Promise<boolean> {
      if (!(await storage.get<boolean>(OVERFLOWED))) return false;
      await storage.delete(OVERFLOWED);
      return true;
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
