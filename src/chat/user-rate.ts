import { ITEM_SCHEMAS, rateKey, updateItem } from "./storage";

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

const WINDOW_MS = 60_000;

export function createUserRate(deps: { storage: DurableObjectStorage; now: () => number }) {
  return {
    /** Counts `cost` uses of `kind` by `userId`; refuses when they would pass `limit` a minute (0 = no limit). */
    async take(kind: RateKind, userId: number | undefined, limit: number, cost = 1): Promise<RateVerdict> {
      if (userId === undefined || limit === 0) return { ok: true };
      const now = deps.now();
      let verdict: RateVerdict = { ok: true };
      // Counted and stored in one step: two inputs at once never both take the last use.
      await updateItem(deps.storage, rateKey(kind, userId), ITEM_SCHEMAS.rate, (stored) => {
        const at = (stored?.at ?? []).filter((time) => time > now - WINDOW_MS);
        if (at.length + cost > limit) {
          const waitS = Math.max(1, Math.ceil(((at[0] ?? now) + WINDOW_MS - now) / 1000));
          const warn = stored?.warnedAt === undefined || stored.warnedAt <= now - WINDOW_MS;
          verdict = { ok: false, waitS, warn };
          return warn ? { at, warnedAt: now } : stored;
        }
        for (let i = 0; i < cost; i++) at.push(now);
        return { at: at.slice(-limit), warnedAt: stored?.warnedAt };
      });
      return verdict;
    },
  };
}

export type UserRate = ReturnType<typeof createUserRate>;
