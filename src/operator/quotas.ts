import type { output } from "zod";
import { chatStorage, type QuotaStateSchema } from "../chat/storage";

/**
 * Daily limits, counted in the chat's Durable Object storage: the object handles its chat's updates one
 * at a time, so a count read and written there is exact (KV would lose increments to its eventual
 * consistency). A day is a UTC day; the counters of an older day are simply replaced.
 */

type QuotaState = output<typeof QuotaStateSchema>;

/** The answer to "may this go ahead?": how many are left after it and when the day ends. */
export type QuotaVerdict =
  | { kind: "unlimited" }
  | { kind: "allowed"; left: number; limit: number; resetInMs: number }
  | { kind: "used-up"; limit: number; resetInMs: number };

export type QuotaDeps = {
  storage: DurableObjectStorage;
  limits: { turnsPerUser?: number; rendersPerChat?: number };
  now: () => number;
  /**
   * Issue 19.3: a user's turns counted across every chat (the STATS object), so N groups do not give N×
   * the limit. Absent, or failing, the chat's own count is used.
   */
  sharedTurns?: (userId: number, day: string, limit: number) => Promise<{ allowed: boolean; used: number }>;
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Milliseconds from `at` to the next UTC midnight. */
export function msUntilUtcMidnight(at: number): number {
  return DAY_MS - (at % DAY_MS);
}

export function createQuotas(deps: QuotaDeps) {
  const { storage, limits } = deps;

  const store = chatStorage(storage);
  /** The counts of `now`'s day: an older day's counters are simply replaced. */
  const ofDay = (stored: QuotaState | undefined, now: number): QuotaState => {
    const day = utcDay(now);
    return stored?.day === day ? stored : { day, turns: {}, renders: 0 };
  };

  async function today(): Promise<{ state: QuotaState; now: number }> {
    const now = deps.now();
    return { state: ofDay(await store.get("quota"), now), now };
  }

  const userKey = (userId: number | undefined) => (userId === undefined ? "chat" : String(userId));

  return {
    /** Counts an agent turn for this user, or says the day's turns are used up. */
    async takeTurn(userId: number | undefined): Promise<QuotaVerdict> {
      const limit = limits.turnsPerUser;
      if (limit === undefined) return { kind: "unlimited" };
      const key = userKey(userId);
      const now = deps.now();
      const resetInMs = msUntilUtcMidnight(now);
      if (userId !== undefined && deps.sharedTurns) {
        const shared = await deps.sharedTurns(userId, utcDay(now), limit).catch(() => undefined);
        if (shared) {
          if (!shared.allowed) return { kind: "used-up", limit, resetInMs };
          return { kind: "allowed", left: Math.max(0, limit - shared.used), limit, resetInMs };
        }
      }
      // Checked and counted in one step: two turns at once never both take the last one.
      let verdict: QuotaVerdict = { kind: "used-up", limit, resetInMs };
      await store.update("quota", (stored) => {
        const counts = ofDay(stored, now);
        const used = counts.turns[key] ?? 0;
        if (used >= limit) return stored;
        verdict = { kind: "allowed", left: limit - used - 1, limit, resetInMs };
        return { ...counts, turns: { ...counts.turns, [key]: used + 1 } };
      });
      return verdict;
    },
    /** Whether the chat may start another render today, and how many are left, without counting one. */
    async peekRender(): Promise<QuotaVerdict> {
      const limit = limits.rendersPerChat;
      if (limit === undefined) return { kind: "unlimited" };
      const { state, now } = await today();
      const resetInMs = msUntilUtcMidnight(now);
      if (state.renders >= limit) return { kind: "used-up", limit, resetInMs };
      return { kind: "allowed", left: limit - state.renders, limit, resetInMs };
    },
    /** Renders submitted today (counted when NemoVideo accepts the submit). */
    async rendersToday(): Promise<number> {
      return (await today()).state.renders;
    },
    /** Counts a render NemoVideo accepted; nothing is stored while no render limit is set. */
    async countRender(): Promise<void> {
      if (limits.rendersPerChat === undefined) return;
      const now = deps.now();
      await store.update("quota", (stored) => {
        const counts = ofDay(stored, now);
        return { ...counts, renders: counts.renders + 1 };
      });
    },
  };
}

export type Quotas = ReturnType<typeof createQuotas>;
