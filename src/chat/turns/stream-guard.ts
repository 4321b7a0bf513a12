import type { Config } from "../../config";

/** Why the guard cut the stream: too long in all, or only heartbeats for too long. */
export type CutReason = "timeout" | "heartbeats";

export type StreamGuard = {
  /** Aborts the /run_sse request: the guard's own cut, or a /cancel, Stop or block from outside. */
  signal: AbortSignal;
  /** Something other than a heartbeat arrived: the agent is still working. */
  meaningful(): void;
  /** Why the guard cut the stream, if it did. */
  cutReason(): CutReason | undefined;
  stop(): void;
};

/**
 * Watches one streaming turn: cuts it after SSE_MAX_DURATION_MS in all or HEARTBEAT_ONLY_TIMEOUT_MS of only
 * heartbeats, follows the outside signal, and ticks the progress ("still working") in between.
 */
export function guardStream(deps: {
  config: Pick<Config, "SSE_MAX_DURATION_MS" | "HEARTBEAT_ONLY_TIMEOUT_MS" | "STILL_WORKING_INTERVAL_MS">;
  now: () => number;
  startedAt: number;
  outside?: AbortSignal;
  tick: (elapsedMs: number) => Promise<void>;
}): StreamGuard {
  const { config, now } = deps;
  const controller = new AbortController();
  let lastMeaningfulAt = now();
  let reason: CutReason | undefined;
  const abortFromOutside = () => controller.abort();
  deps.outside?.addEventListener("abort", abortFromOutside);
  // A /cancel or a block that came while the status was being sent must still stop the turn.
  if (deps.outside?.aborted) controller.abort();
  const cut = (why: CutReason) => {
    reason = why;
    controller.abort();
  };
  const watchdog = setInterval(
    () => {
      const elapsed = now() - deps.startedAt;
      if (elapsed > config.SSE_MAX_DURATION_MS) cut("timeout");
      else if (now() - lastMeaningfulAt > config.HEARTBEAT_ONLY_TIMEOUT_MS) cut("heartbeats");
      // Keeps a private chat's draft alive and folds "still working" into the status.
      else void deps.tick(elapsed).catch(() => {});
    },
    Math.max(25, Math.min(config.STILL_WORKING_INTERVAL_MS, 5_000) / 4),
  );
  return {
    signal: controller.signal,
    meaningful: () => {
      lastMeaningfulAt = now();
    },
    cutReason: () => reason,
    stop: () => {
      clearInterval(watchdog);
      deps.outside?.removeEventListener("abort", abortFromOutside);
    },
  };
}
