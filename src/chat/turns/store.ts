import { type ActiveTurn, chatStorage, type QueuedTurn, type StoredValues } from "../storage";

export type TurnStore = ReturnType<typeof createTurnStore>;
export type TurnPhase = ActiveTurn["phase"];

/**
 * The moves a turn's phase may make: a claimed turn streams, or loses its start and is started again, or
 * recovers by reading the state; a turn that streamed is never started again (its message may have
 * reached the agent); a recovering turn only keeps recovering until it ends.
 */
const NEXT: Record<TurnPhase, TurnPhase[]> = {
  starting: ["starting", "streaming", "recovering"],
  streaming: ["streaming", "recovering"],
  recovering: ["recovering"],
};

/** The phases a turn may be in for a change to leave it in `phase`. */
export function phasesBefore(phase: TurnPhase): TurnPhase[] {
  return (Object.keys(NEXT) as TurnPhase[]).filter((from) => NEXT[from].includes(phase));
}

/** A change asked a turn for a move NEXT does not allow: a defect, not a race. */
export class TurnTransitionError extends Error {
  constructor(from: TurnPhase, to: TurnPhase) {
    super(`a turn cannot go from ${from} to ${to}`);
    this.name = "TurnTransitionError";
  }
}

/**
 * The chat's current turn and its queue of instructions, as persisted (storage/keys.ts). A turn comes to
 * exist through `claim`, changes only through `transition` (like render jobs: the change is refused when
 * the stored turn is another one, or no longer in one of `from`, because a /cancel or a second alarm moved
 * it first) and goes through `end`.
 */
export function createTurnStore(storage: DurableObjectStorage) {
  const store = chatStorage(storage);
  return {
    current: (): Promise<ActiveTurn | undefined> => store.get("turn"),

    async queue(): Promise<QueuedTurn[]> {
      return (await store.get("queue")) ?? [];
    },

    /** Writes the queue; `alongside` lands in the same write. */
    async saveQueue(queue: QueuedTurn[], alongside: StoredValues = {}): Promise<void> {
      await store.put({ ...alongside, queue });
    },

    /** The queue's head becomes the chat's turn, in one write with the queue that is left. */
    async claim(queue: QueuedTurn[], turn: ActiveTurn): Promise<void> {
      if (turn.phase !== "starting") throw new TurnTransitionError(turn.phase, "starting");
      await store.put({ queue, turn });
    },

    /**
     * Applies `change` only while the stored turn is `turnId` in one of `from`; the changed turn, or
     * undefined when it was not (someone else moved or ended it first).
     */
    async transition(
      turnId: string,
      from: TurnPhase[],
      change: (turn: ActiveTurn) => ActiveTurn,
    ): Promise<ActiveTurn | undefined> {
      let moved: ActiveTurn | undefined;
      await store.update("turn", (current) => {
        if (current?.id !== turnId || !from.includes(current.phase)) return current;
        const next = change(current);
        if (!NEXT[current.phase].includes(next.phase)) throw new TurnTransitionError(current.phase, next.phase);
        moved = next;
        return next;
      });
      return moved;
    },

    /** The turn is over: it goes, unless another turn has taken its place meanwhile. */
    async end(turnId: string): Promise<void> {
      await store.update("turn", (current) => (current?.id === turnId ? undefined : current));
    },

    /** No turn and no queue (cancel, unreachable chat); `alongside` lands in the same write. */
    async clear(alongside: StoredValues = {}): Promise<void> {
      await store.put({ ...alongside, queue: [] });
      await store.delete("turn");
    },
  };
}
