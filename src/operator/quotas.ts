import { number, object, record, string } from "zod";
import { readKey } from "../chat/state";

/**
 * Daily limits, counted in the chat's Durable Object storage: the object handles its chat's updates one
 * at a time, so a count read and written there is exact (KV would lose increments to its eventual
 * consistency). A day is a UTC day; the counters of an older day are simply replaced.
 */

const QuotaStateSchema = object({
  day: string(),
  /** Turns per user id ("chat" when a message has no user, e.g. an anonymous group admin). */
  turns: record(string(), number()),
  renders: number(),
});
type QuotaState = ReturnType<typeof QuotaStateSchema.parse>;

export const QUOTA_KEY = "op:quota";

/** The answer to "may this go ahead?": how many are left after it and when the day ends. */
export type QuotaVerdict =
  | { kind: "unlimited" }
  | { kind: "allowed"; left: number; limit: number; resetInMs: number }
  | { kind: "used-up"; limit: number; resetInMs: number };

export type QuotaDeps = {
  storage: DurableObjectStorage;
  limits: { turnsPerUser?: number; rendersPerChat?: number };
  now: () => number;
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

  async function today(): Promise<{ state: QuotaState; now: number }> {
    const now = deps.now();
    const day = utcDay(now);
    const stored = await readKey(storage, QUOTA_KEY, QuotaStateSchema);
    return { state: stored?.day === day ? stored : { day, turns: {}, renders: 0 }, now };
  }

  /** Counts one unit against `limit` when one is left; `used` reads and `bump` updates the counter. */
  async function take(
    limit: number | undefined,
    used: (state: QuotaState) => number,
    bump: (state: QuotaState) => QuotaState,
    commit: boolean,
  ): Promise<QuotaVerdict> {
    if (limit === undefined) return { kind: "unlimited" };
    const { state, now } = await today();
    const resetInMs = msUntilUtcMidnight(now);
    const count = used(state);
    if (count >= limit) return { kind: "used-up", limit, resetInMs };
    if (commit) await storage.put(QUOTA_KEY, bump(state));
    return { kind: "allowed", left: limit - count - 1, limit, resetInMs };
  }

  const userKey = (userId: number | undefined) => (userId === undefined ? "chat" : String(userId));

  return {
    /** Counts an agent turn for this user, or says the day's turns are used up. */
    takeTurn(userId: number | undefined): Promise<QuotaVerdict> {
      const key = userKey(userId);
      return take(
        limits.turnsPerUser,
        (state) => state.turns[key] ?? 0,
        (state) => ({ ...state, turns: { ...state.turns, [key]: (state.turns[key] ?? 0) + 1 } }),
        true,
      );
    },
    /** Whether the chat may start another render today, without counting it. */
    peekRender(): Promise<QuotaVerdict> {
      return take(
        limits.rendersPerChat,
        (state) => state.renders,
        (state) => state,
        false,
      );
    },
    /** Counts a render that was submitted. */
    countRender(): Promise<QuotaVerdict> {
      return take(
        limits.rendersPerChat === undefined ? undefined : Number.MAX_SAFE_INTEGER,
        (state) => state.renders,
        (state) => ({ ...state, renders: state.renders + 1 }),
        true,
      ).then(async (verdict) => {
        if (verdict.kind !== "allowed" || limits.rendersPerChat === undefined) return verdict;
        const { state } = await today();
        return { ...verdict, left: Math.max(0, limits.rendersPerChat - state.renders), limit: limits.rendersPerChat };
      });
    },
  };
}

export type Quotas = ReturnType<typeof createQuotas>;
