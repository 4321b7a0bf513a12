import { logEvent } from "../log";
import { NemoHttpError, NemoSchemaError, NemoTransportError } from "../nemo/errors";
import type { RenderStatus } from "../nemo/schemas";
import { t } from "../telegram/messages";
import { logRenderError, type RenderContext, sendRenderFailed } from "./render-context";
import { outputOf } from "./render-jobs";
import { nextPollDelay } from "./render-schedule";
import type { RenderJob } from "./state";

/** Transient poll failures tolerated before a render is reported as failed. */
const MAX_TRANSIENT_POLL_ERRORS = 8;

/** Asks NemoVideo where a job's render stands. */
export function fetchStatus(ctx: RenderContext, job: RenderJob): Promise<RenderStatus> {
  return ctx.session.run(job.origin.lang, (project) => project.client.renderStatus(job.renderId));
}

/** Polling a render from the alarm: progress edits, backoff on transient errors, the failure reply. */
export function createRenderPoll(ctx: RenderContext) {
  const { config, now, jobs } = ctx;

  async function fail(job: RenderJob, reason: string | undefined): Promise<void> {
    const failed = await jobs.transition(job.renderId, ["polling"], (current) => ({ ...current, phase: "failed" }));
    if (!failed) return;
    const sender = ctx.senderFor(job.origin);
    if (failed.statusMessageId !== undefined) await sender.remove(failed.statusMessageId).catch(() => {});
    await sendRenderFailed(sender, job.origin, reason);
    logEvent(config, "info", { event: "render_failed" });
  }

  /** One status poll. Returns the job when it just completed and is ready for delivery. */
  return async function poll(job: RenderJob): Promise<RenderJob | undefined> {
    let status: RenderStatus;
    try {
      status = await fetchStatus(ctx, job);
    } catch (error) {
      // One unreadable status body says nothing about the render itself: poll again, like a 5xx.
      const transient =
        error instanceof NemoTransportError ||
        error instanceof NemoSchemaError ||
        (error instanceof NemoHttpError && error.status >= 500);
      const errors = (job.transientErrors ?? 0) + 1;
      if (transient && errors < MAX_TRANSIENT_POLL_ERRORS) {
        const backoff = Math.min(config.RENDER_POLL_INTERVAL_MS, 1000 * 2 ** errors);
        await jobs.transition(job.renderId, ["polling"], (current) => ({
          ...current,
          transientErrors: errors,
          nextPollAt: now() + backoff,
        }));
        return undefined;
      }
      logRenderError(config, "error", "render_status", error);
      await fail(job, undefined);
      return undefined;
    }
    const polled = (current: RenderJob): RenderJob => ({
      ...current,
      polls: current.polls + 1,
      lastPolledAt: now(),
      transientErrors: 0,
    });
    if (status.status === "completed") {
      const output = outputOf(status);
      return jobs.transition(job.renderId, ["polling"], (current) => ({
        ...polled(current),
        phase: "delivering",
        lastProgress: 100,
        output,
      }));
    }
    if (status.status === "failed") {
      await fail(job, status.error);
      return undefined;
    }
    const progress = status.progress ?? job.lastProgress;
    const delay = nextPollDelay({
      submittedAt: job.submittedAt,
      now: now(),
      progress,
      lastProgress: job.lastProgress,
      lastPolledAt: job.lastPolledAt,
      maxIntervalMs: config.RENDER_POLL_INTERVAL_MS,
      pollsSoFar: job.polls + 1,
    });
    const saved = await jobs.transition(job.renderId, ["polling"], (current) => ({
      ...polled(current),
      lastProgress: progress,
      nextPollAt: now() + delay,
    }));
    if (saved && progress !== undefined && progress !== job.lastProgress && saved.statusMessageId !== undefined) {
      await ctx
        .senderFor(job.origin)
        .edit(saved.statusMessageId, t(job.origin.lang).renderProgress(progress))
        .catch(() => {});
    }
    return undefined;
  };
}
