/**
 * Keeps a group chat under Telegram's ~20 messages a minute (sends and edits count): a call waits for a
 * free slot instead of earning a 429. One per chat object, so every sender of the chat shares it. A slot
 * is held from the call's start to its end and counted from its end: Telegram counts a message when it
 * arrives, which is never after the answer came back.
 */
export type GroupPace = ReturnType<typeof createGroupPace>;

export function createGroupPace(deps: {
  limit: number;
  windowMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}) {
  const slots: { at: number }[] = [];
  const prune = () => {
    const from = deps.now() - deps.windowMs;
    while (slots.length > 0 && (slots[0]?.at ?? 0) <= from) slots.shift();
  };
  return {
    /** Waits for a slot, runs the call, and counts it from the call's end. */
    async paced<T>(call: () => Promise<T>): Promise<T> {
      if (deps.limit <= 0) return call();
      for (;;) {
        prune();
        if (slots.length < deps.limit) break;
        const oldest = slots[0]?.at ?? 0;
        // Every slot still in flight: look again shortly, when one of them has ended.
        await deps.sleep(Number.isFinite(oldest) ? Math.max(1, oldest + deps.windowMs - deps.now() + 1) : 50);
      }
      // Held with an "end" far away until the answer is back, so a slow call is never counted too early.
      const slot = { at: Number.POSITIVE_INFINITY };
      slots.push(slot);
      try {
        return await call();
      } finally {
        slot.at = deps.now();
        slots.sort((a, b) => a.at - b.at);
      }
    },
    /** Slots still free in the window: decoration (a status edit) goes only when answers keep room. */
    room(): number {
      if (deps.limit <= 0) return Number.POSITIVE_INFINITY;
      prune();
      return deps.limit - slots.length;
    },
  };
}
