import { ITEM_SCHEMAS, inboxKey, KEYS, PREFIXES, readItem, SCHEMAS, setAside } from "../storage";

export type StoredUpdate = Record<string, unknown> & { update_id: number };

/**
 * The chat's durable inbox: updates accepted from the webhook and not yet handled, one storage key per
 * update (a flood never rewrites, or grows, one value past the storage limit) with a hard cap
 * (INBOX_LIMIT): past it, new updates are dropped and the chat is told once. Callers serialise access
 * (the object's inbox chain). The older form, one key holding the whole list, is moved over by
 * storage/migrate.ts when the object starts.
 */
export function createInbox(storage: DurableObjectStorage, limit: () => number) {
  const size = async () => (await readItem(storage, KEYS.inboxSize, SCHEMAS.inboxSize)) ?? 0;

  /** One update fewer; an empty inbox leaves no key behind (a forgotten chat stores nothing). */
  async function shrink(): Promise<void> {
    const left = (await readItem(storage, KEYS.inboxSize, SCHEMAS.inboxSize)) ?? 1;
    if (left <= 1) await storage.delete([KEYS.inboxSize, KEYS.inboxSequence]);
    else await storage.put(KEYS.inboxSize, left - 1);
  }

  return {
    /** Stores an update behind the others; "full" when the cap is reached (the update is not stored). */
    async add(update: StoredUpdate, alongside: Record<string, unknown>): Promise<"added" | "full"> {
      const waiting = await size();
      if (waiting >= limit()) {
        await storage.put({ ...alongside, [KEYS.inboxOverflowed]: true });
        return "full";
      }
      const sequence = (await readItem(storage, KEYS.inboxSequence, SCHEMAS.inboxSequence)) ?? 0;
      await storage.put({
        ...alongside,
        [inboxKey(sequence)]: update,
        [KEYS.inboxSequence]: sequence + 1,
        [KEYS.inboxSize]: waiting + 1,
      });
      return "added";
    },

    /** The oldest waiting update and its key, or undefined when none waits. */
    async head(): Promise<{ key: string; update: StoredUpdate } | undefined> {
      for (;;) {
        const [first] = await storage.list({ prefix: PREFIXES.inbox, limit: 1 });
        if (!first) return undefined;
        const [key, value] = first;
        const parsed = ITEM_SCHEMAS.inbox.safeParse(value);
        if (parsed.success) return { key, update: parsed.data };
        // Unreadable (written by a broken version): set aside, so it cannot stall the chat.
        await setAside(storage, key, ITEM_SCHEMAS.inbox);
        await shrink();
      }
    },

    async remove(key: string): Promise<void> {
      if (await storage.delete(key)) await shrink();
    },

    size,

    /** True once after updates were dropped for a full inbox (cleared by this call). */
    async takeOverflow(): Promise<boolean> {
      if (!(await readItem(storage, KEYS.inboxOverflowed, SCHEMAS.inboxOverflowed))) return false;
      await storage.delete(KEYS.inboxOverflowed);
      return true;
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
