import type { ActiveTurn } from "../storage";

/** The running turn as the runner's parts see it: the latest copy, and a save that persists each change. */
export type TurnRecord = {
  readonly current: ActiveTurn;
  save(patch: Partial<ActiveTurn>): Promise<void>;
};

/** Every change is persisted as it is made, so an evicted object resumes from the turn's last known step. */
export function turnRecord(initial: ActiveTurn, persist: (turn: ActiveTurn) => Promise<void>): TurnRecord {
  let turn = initial;
  return {
    get current() {
      return turn;
    },
    async save(patch) {
      turn = { ...turn, ...patch };
      await persist(turn);
    },
  };
}
