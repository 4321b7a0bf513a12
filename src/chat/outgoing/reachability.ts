import { type ChatFlags, chatStorage, createSerial, type StoredValues } from "../storage";

/** Storage entries to write in one batch with the flag (see markUnreachable). */
export type FlagWrite = (values: StoredValues) => Promise<void>;

/**
 * Whether Telegram lets the bot write to this chat, with one source of truth: the stored `flags.unreachable`,
 * read once and kept in memory. Every change goes through here — a 403, the bot removed or blocked, an
 * update that shows it is back, the operator's /block and /unblock — so no path can see a stale copy. It also
 * owns the other chat flags (greeted), which share the stored key.
 */
export type Reachability = {
  isUnreachable(): Promise<boolean>;
  /**
   * Marks the chat unreachable: at once in memory, so sends already under way stop before storage says so,
   * then durably, through `write` when the flag must land in one batch with other entries.
   */
  markUnreachable(write?: FlagWrite): Promise<void>;
  /** Marks the chat reachable again (an update showed the bot may write, or the operator's /unblock). */
  markReachable(): Promise<void>;
  /** Reads and updates the other flags (greeted); `unreachable` changes only through the two methods above. */
  updateFlags(change: (flags: ChatFlags) => ChatFlags | undefined): Promise<ChatFlags>;
};

export function createReachability(storage: DurableObjectStorage): Reachability {
  const store = chatStorage(storage);
  /**
   * Serialises every read-modify-write of the flags, including those written in one batch with other keys
   * (the registry's `update` covers one key only).
   */
  const serial = createSerial();
  let unreachable: boolean | undefined;
  const read = async (): Promise<ChatFlags> => (await store.get("flags")) ?? {};
  const setUnreachable = (value: boolean, write: FlagWrite) =>
    serial(async () => {
      const flags = await read();
      unreachable = value;
      if ((flags.unreachable === true) === value && write === putAll) return;
      await write({ flags: { ...flags, unreachable: value } });
    });
  const putAll: FlagWrite = (values) => store.put(values);
  return {
    async isUnreachable() {
      if (unreachable === undefined) {
        const stored = (await read()).unreachable === true;
        // A change that ran while storage was read wins over what was read.
        unreachable ??= stored;
      }
      return unreachable;
    },
    markUnreachable(write = putAll) {
      unreachable = true;
      return setUnreachable(true, write);
    },
    markReachable() {
      unreachable = false;
      return setUnreachable(false, putAll);
    },
    updateFlags: (change) =>
      serial(async () => {
        const flags = await read();
        const next = change(flags);
        if (!next) return flags;
        const { unreachable: _ignored, ...others } = next;
        const kept = flags.unreachable === undefined ? others : { ...others, unreachable: flags.unreachable };
        await store.put({ flags: kept });
        return flags;
      }),
  };
}

/**
 * Whether an update shows the bot may write to the chat again: the user of a private chat wrote or
 * pressed a button (blocked bots get neither), or the bot became a member again (unblocked, re-added).
 */
export function showsReachable(update: Record<string, unknown>): boolean {
  type ChatOf = { chat?: { type?: string } };
  const message = (update.message ?? update.edited_message) as ChatOf | undefined;
  if (message?.chat?.type === "private") return true;
  const callback = update.callback_query as { message?: ChatOf } | undefined;
  if (callback?.message?.chat?.type === "private") return true;
  const member = update.my_chat_member as (ChatOf & { new_chat_member?: { status?: string } }) | undefined;
  const status = member?.new_chat_member?.status;
  return status === "member" || status === "administrator";
}
