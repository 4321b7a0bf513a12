import type { Config } from "../config";
import { logEvent } from "../log";

/**
 * The operator's view of the anonymous-token cap (nemo-api.md §1: about 10 tokens per address per 7
 * days; a deployed Worker calls from Cloudflare's shared addresses). It must be shared by every chat,
 * so it lives in the one STATS Durable Object: a single writer answers "is it capped, since when, is a
 * warning due" exactly, where KV would be eventually consistent and allows one write per second per key
 * (a burst of refused chats would exceed that).
 */

/** What /healthz and /stats show. `capped` while the latest answer to an anonymous-token call was a refusal. */
export type AnonymousTokensStatus = {
  state: "ok" | "capped";
  /** ISO time of the last refusal, when there was one. */
  lastRefusalAt?: string;
};

/** The warn line is repeated at most this often while capped. */
export const CAPPED_WARN_EVERY_MS = 60 * 60 * 1000;

const KEYS = { refusedAt: "anon:lastRefusalAt", issuedAt: "anon:lastIssuedAt", warnedAt: "anon:lastWarnAt" } as const;

/** The STATS object's side, over its storage: single-threaded, so read-then-write is exact. */
export function anonymousTokenLedger(storage: DurableObjectStorage, now: () => number) {
  return {
    /** Notes a refusal; `warn` is true for the first refusal of each hour while capped. */
    async refused(): Promise<{ warn: boolean; status: AnonymousTokensStatus }> {
      const at = now();
      const warnedAt = (await storage.get<number>(KEYS.warnedAt)) ?? 0;
      const warn = at - warnedAt >= CAPPED_WARN_EVERY_MS;
      await storage.put(warn ? { [KEYS.refusedAt]: at, [KEYS.warnedAt]: at } : { [KEYS.refusedAt]: at });
      return { warn, status: { state: "capped", lastRefusalAt: new Date(at).toISOString() } };
    },
    async issued(): Promise<void> {
      // A token issued again means the cap has lifted: the next refusal warns at once.
      await storage.put(KEYS.issuedAt, now());
      await storage.delete(KEYS.warnedAt);
    },
    async status(): Promise<AnonymousTokensStatus> {
      const refusedAt = await storage.get<number>(KEYS.refusedAt);
      const issuedAt = (await storage.get<number>(KEYS.issuedAt)) ?? 0;
      if (refusedAt === undefined) return { state: "ok" };
      return { state: refusedAt > issuedAt ? "capped" : "ok", lastRefusalAt: new Date(refusedAt).toISOString() };
    },
  };
}

type LedgerStub = {
  anonymousTokenRefused(): Promise<{ warn: boolean; status: AnonymousTokensStatus }>;
  anonymousTokenIssued(): Promise<void>;
};

/** The chat's side: reports to the STATS object and writes the operator's hourly warn line. */
export function createAnonymousTokenWatch(deps: { config: Pick<Config, "LOG_LEVEL">; stats: () => LedgerStub }) {
  return {
    async refused(): Promise<void> {
      const { warn, status } = await deps.stats().anonymousTokenRefused();
      if (!warn) return;
      logEvent({ LOG_LEVEL: "warn" }, "warn", {
        event: "anonymous_tokens_capped",
        lastRefusalAt: status.lastRefusalAt,
        detail: "NemoVideo refuses new anonymous tokens (per-address cap); new chats need NEMO_TOKEN or /token",
      });
    },
    issued: () => deps.stats().anonymousTokenIssued(),
  };
}
