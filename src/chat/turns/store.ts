import { type ActiveTurn, KEYS, type QueuedTurn, readKey, SCHEMAS } from "../storage";

export type TurnStore = ReturnType<typeof createTurnStore>;

/** The chat's current turn and its queue of instructions, as persisted (see state.ts). */
export function createTurnStore(storage: DurableObjectStorage) {
  const current = async (): Promise<ActiveTurn | undefined> => readKey(storage, KEYS.turn, SCHEMAS.turn);
  const save = async (turn: ActiveTurn): Promise<void> => {
    await storage.put(KEYS.turn, turn);
  };
  return {
    current,
    save,
    async queue(): Promise<QueuedTurn[]> {
      return (await readKey(storage, KEYS.queue, SCHEMAS.queue)) ?? [];
    },
    /** A runner persists only while its turn is still the chat's turn (a /cancel may have dropped it). */
    async saveIfCurrent(turn: ActiveTurn): Promise<void> {
      const latest = await current();
      if (latest?.id === turn.id) await save(turn);
    },
  };
}
