import { logEvent } from "../../log";
import { NemoError, NemoHttpError, NemoSchemaError, NemoTransportError } from "../../nemo/errors";
import type { RenderStatus } from "../../nemo/schemas";
import { decoration, removeQuietly } from "../../telegram/sender";
import { stopButtons } from "../progress";
import type { RenderJob } from "../storage";
import { logRenderError, sendRenderFailed } from "./context";
import { outputOf } from "./jobs";
import { endRender, limitAt, limitReached } from "./limits";
import { progressText, shouldEdit } from "./progress";
import { estimateRenderMs, nextPollDelay } from "./schedule";
import type { RenderContext } from "./types";

/** Progress the docs give for a render just submitted (nemo-api.md §9), when the submit did not say. */
export const SUBMIT_PROGRESS = 5;

/** Asks NemoVideo where a job's render stands. */
export function fetchStatus(ctx: RenderContext, job: RenderJob): Promise<RenderStatus> {
  return ctx.session.run(job.origin.lang, (project) => project.client.renderStatus(job.renderId));
}

/** A status read that failed without saying anything about the render itself: poll again. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof NemoTransportError ||
    error instanceof NemoSchemaError ||
    (error instanceof NemoHttpError && error.status >= 500)
  );
}

/**
 * Polling a render from the alarm: progress edits, backoff on transient errors, the failure reply, and the
 * two limits (chat/renders/limits.ts). Every next poll is set no later than the moment a limit would be reached,
 * so the limit is checked on time by a poll, and nothing is polled after it.
 */
export function createRenderPoll(ctx: RenderContext) {
  const { config, now, jobs } = ctx;

  async function fail(job: RenderJob, reason: string | undefined): Promise<void> {
    const failed = await jobs.transition(job.renderId, ["polling"], (current) => ({ ...current, phase: "failed" }));
    if (!failed) return;
    const sender = ctx.senderFor(job.origin);
    await removeQuietly(sender, failed.statusMessageId);
    await sendRenderFailed(sender, job.origin, reason);
    logEvent(config, "info", { event: "render_failed" });
  }

  /** After a poll that did not finish the render: stop at a limit, else schedule the next poll. */
  async function continueOrEnd(job: RenderJob, change: (current: RenderJob) => RenderJob, delayMs: number) {
    const next = change(job);
    const end = limitReached(next, config, now());
    if (end) {
      // The poll's reading goes into the report (last progress), then the wait ends.
      await jobs.transition(job.renderId, ["polling"], change);
      await endRender(ctx, { ...next, phase: "polling" }, end);
      return undefined;
    }
    const nextPollAt = Math.min(now() + delayMs, limitAt(next, config));
    return jobs.transition(job.renderId, ["polling"], (current) => ({ ...change(current), nextPollAt }));
  }

  /** One status poll. Returns the job when it just completed and is ready for delivery. */
  return async function poll(job: RenderJob): Promise<RenderJob | undefined> {
    let status: RenderStatus;
    try {
      status = await fetchStatus(ctx, job);
    } catch (error) {
      await pollFailed(job, error);
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
      // Kept as the prior for the chat's next render (chat/renders/schedule.ts firstPollFromPrior).
      const renderMs = estimateRenderMs({
        submittedAt: job.submittedAt,
        seenDoneAt: now(),
        lastPolledAt: job.lastPolledAt,
        lastProgress: job.lastProgress,
        startProgress: job.submitProgress ?? SUBMIT_PROGRESS,
      });
      return jobs.transition(job.renderId, ["polling"], (current) => ({
        ...polled(current),
        phase: "delivering",
        lastProgress: 100,
        output,
        renderMs,
      }));
    }
    if (status.status === "failed") {
      await fail(job, status.error);
      return undefined;
    }
    const progress = status.progress ?? job.lastProgress;
    const moved = progress !== undefined && progress > (job.lastProgress ?? -1);
    const delay = nextPollDelay({
      submittedAt: job.submittedAt,
      now: now(),
      progress,
      startProgress: job.submitProgress ?? SUBMIT_PROGRESS,
      maxIntervalMs: config.RENDER_POLL_INTERVAL_MS,
      pollsSoFar: job.polls + 1,
    });
    const saved = await continueOrEnd(
      job,
      (current) => ({
        ...polled(current),
        lastProgress: progress,
        ...(moved ? { progressMovedAt: now() } : {}),
      }),
      delay,
    );
    if (saved) await showProgress(saved);
    return undefined;
  };

  /** A status read that failed: the render is gone (404), is polled again later (transient), or failed. */
  async function pollFailed(job: RenderJob, error: unknown): Promise<void> {
    if (error instanceof NemoError && error.status === 404) {
      // The render id is unknown: it was cancelled elsewhere or expired. Polling cannot bring it back.
      await endRender(ctx, job, "gone");
      return;
    }
    if (isTransient(error)) {
      // Counted against the limits like a render that does not move: the progress is not known to move.
      const errors = (job.transientErrors ?? 0) + 1;
      const backoff = Math.min(config.RENDER_POLL_INTERVAL_MS, 1000 * 2 ** errors);
      await continueOrEnd(job, (current) => ({ ...current, transientErrors: errors }), backoff);
      return;
    }
    logRenderError(config, "error", "render_status", error);
    await fail(job, undefined);
  }

  /** Edits the one render message when what it shows changed (and not too often in a group). */
  async function showProgress(job: RenderJob): Promise<void> {
    const text = progressText(job, job.submitProgress ?? SUBMIT_PROGRESS, now());
    if (job.statusMessageId === undefined || !shouldEdit(job, text, now())) return;
    await jobs.transition(job.renderId, ["polling"], (current) => ({
      ...current,
      shownProgress: text,
      shownAt: now(),
    }));
    // The Stop button stays while the render runs (an edit without it would remove it).
    const id = job.statusMessageId;
    await decoration(ctx.config, "render_progress", () =>
      ctx.senderFor(job.origin).edit(id, text, { buttons: stopButtons(job.origin) }),
    );
  }
}
