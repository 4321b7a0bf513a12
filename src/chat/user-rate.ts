/**
 * Per-user limits per minute, one per kind of input: agent instructions, media (files and links) and quick
 * actions (credits, timeline, export, open…). One person in a group cannot flood the chat's work or its
 * NemoVideo account. Each record is bounded by its limit, so a flood cannot grow storage.
 */

export type RateKind = "turns" | "media" | "quick";

export type RateVerdict =
  | { ok: true }
  /** `warn`: the first refusal in this window; later ones stay silent so a flood gets one answer, not thousands. */
  | { ok: false; waitS: number; warn: boolean };

type RateRecord = { at: number[]; warnedAt?: number };

const WINDOW_MS = 60_000;

export function createUserRate(deps: { storage: DurableObjectStorage; now: () => number }) {
  return {
    /** Counts `cost` uses of `kind` by `userId`; refuses when they would pass `limit` a minute (0 = no limit). */
    async take(kind: RateKind, userId: number | undefined, limit: number, cost = 1): Promise<RateVerdict> {
      if (userId === undefined || limit === 0) return { ok: true };
      const key = `rate:${kind}:${userId}`;
      const now = deps.now();
      const stored = await deps.storage.get<RateRecord>(key);
      const at = (Array.isArray(stored?.at) ? stored.at : []).filter((time) => time > now - WINDOW_MS);
      if (at.length + cost > limit) {
        const waitS = Math.max(1, Math.ceil(((at[0] ?? now) + WINDOW_MS - now) / 1000));
        const warn = stored?.warnedAt === undefined || stored.warnedAt <= now - WINDOW_MS;
        if (warn) await deps.storage.put(key, { at, warnedAt: now } satisfies RateRecord);
        return { ok: false, waitS, warn };
      }
      for (let i = 0; i < cost; i++) at.push(now);
      await deps.storage.put(key, { at: at.slice(-limit), warnedAt: stored?.warnedAt } satisfies RateRecord);
      return { ok: true };
    },
  };
}

export type UserRate = ReturnType<typeof createUserRate>;
