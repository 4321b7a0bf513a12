import type { InlineKeyboardMarkup } from "grammy/types";
import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { logEvent } from "../../log";
import { CALLBACK } from "../../telegram/callbacks";
import type { RenderJob } from "../storage";
import { logRenderError } from "./context";
import { openButtonFor, openTargetFor } from "./link";
import type { RenderContext } from "./types";

/** Why the bot stopped waiting for a render that never delivered. */
export type RenderEnd = "timeout" | "stalled" | "gone";

/** The moment the render's wait ends unless it completes or its progress moves: the nearer of the two limits. */
export function limitAt(job: RenderJob, config: Pick<Config, "RENDER_TIMEOUT_MS" | "RENDER_STALL_MS">): number {
  const movedAt = job.progressMovedAt ?? job.submittedAt;
  return Math.min(job.submittedAt + config.RENDER_TIMEOUT_MS, movedAt + config.RENDER_STALL_MS);
}

/** Which limit `job` has reached at `now`, if any. The overall one wins: it is the one the person feels. */
export function limitReached(
  job: RenderJob,
  config: Pick<Config, "RENDER_TIMEOUT_MS" | "RENDER_STALL_MS">,
  now: number,
): RenderEnd | undefined {
  if (now - job.submittedAt >= config.RENDER_TIMEOUT_MS) return "timeout";
  if (now - (job.progressMovedAt ?? job.submittedAt) >= config.RENDER_STALL_MS) return "stalled";
  return undefined;
}

/**
 * Stops waiting for a render: the job leaves "polling" first (so no poll follows), NemoVideo is asked to
 * cancel it unless it is already gone, and the render message becomes the report with Retry export and
 * the Open link, so the person is never left with a progress bar that will not move again.
 */
export async function endRender(ctx: RenderContext, job: RenderJob, end: RenderEnd): Promise<void> {
  const { config, now } = ctx;
  const ended = await ctx.jobs.transition(job.renderId, ["polling"], (current) => ({
    ...current,
    phase: "failed",
    endReason: end,
  }));
  if (!ended) return;
  if (end !== "gone") {
    await ctx.session
      .run(job.origin.lang, (project) => project.client.cancelRender(job.renderId))
      .catch((error) => logRenderError(config, "warn", "render_cancel", error));
  }
  const texts = t(job.origin.lang);
  const percent = Math.round(ended.lastProgress ?? 0);
  const elapsed = now() - ended.submittedAt;
  const text =
    end === "timeout"
      ? texts.renderTimedOut(percent, elapsed)
      : end === "stalled"
        ? texts.renderStalled(percent, elapsed)
        : texts.renderGone;
  // The claim link only to whom it belongs (chat/renders/link.ts): none with NEMO_TOKEN, a group's by private message.
  const openTarget = await openTargetFor(ctx, job.origin, job.renderId);
  const buttons = limitButtons(job.origin.lang, openTarget);
  const sender = ctx.senderFor(job.origin);
  const edited =
    ended.statusMessageId !== undefined &&
    (await sender.edit(ended.statusMessageId, text, { buttons }).then(
      () => true,
      () => false,
    ));
  if (!edited) await sender.send(text, { replyTo: job.origin.messageId, buttons });
  logEvent(config, "info", { event: "render_ended", reason: end, ms: elapsed, progress: percent, polls: ended.polls });
}

function limitButtons(lang: Lang, openTarget: string | undefined): InlineKeyboardMarkup {
  const texts = t(lang);
  return {
    inline_keyboard: [
      [{ text: texts.retryExportButton, callback_data: CALLBACK.retryRender }],
      // The same Open button as under a delivered video (chat/renders/link.ts decides what it carries).
      ...(openTarget ? openButtonFor(lang, openTarget).inline_keyboard : []),
    ],
  };
}
