import type { Clock } from "../../shared/clock";

/**
 * When the chat's object wakes: its one alarm, set for the earliest due work, plus a watchdog while
 * anything is active (a lost task or an eviction is picked up within WATCHDOG_INTERVAL_MS).
 */
export type WakeSchedule = {
  /** Moves the alarm earlier to `atMs` (ms epoch) when it is set later or not at all; never later. */
  ensureAt(atMs: number): Promise<void>;
  /** Sets the alarm for `due`, or the watchdog's next look when the chat is `busy`; nothing when neither. */
  next(due: number | undefined, busy: boolean): Promise<void>;
};

export function createWakeSchedule(deps: {
  storage: DurableObjectStorage;
  now: Clock;
  watchdogMs: () => number;
}): WakeSchedule {
  const { storage, now } = deps;
  const notBeforeNow = (at: number) => Math.max(at, now() + 1);
  const schedule: WakeSchedule = {
    async ensureAt(atMs) {
      // Compared after clamping: a wake already due must not push back an alarm that is itself overdue.
      const target = notBeforeNow(atMs);
      const current = await storage.getAlarm();
      if (current === null || current > target) await storage.setAlarm(target);
    },
    async next(due, busy) {
      const watchdog = busy ? now() + deps.watchdogMs() : undefined;
      const at = [due, watchdog].filter((value): value is number => value !== undefined).sort((a, b) => a - b)[0];
      if (at === undefined) return;
      // Only ever bring a pending alarm forward: one moved later can still fire at its old time (workerd then
      // cancels or runs it and warns of the mismatch), and an early alarm is harmless, as it reschedules.
      await schedule.ensureAt(at);
    },
  };
  return schedule;
}
