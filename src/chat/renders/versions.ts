import { t } from "../../i18n";
import { logEvent } from "../../log";
import { removeQuietly } from "../../telegram/sender";
import type { Origin, RenderJob } from "../storage";
import { logRenderError } from "./context";
import { videoCaption } from "./delivery";
import { ACTIVE } from "./jobs";
import { openTargetFor } from "./link";
import type { RenderContext } from "./types";

/**
 * Which render a draft already has. Drafts are compared by their stable hash (chat/renders/draft.ts), stored with
 * every job, so "the last rendered draft" survives restarts and needs no second copy of the draft.
 */
export function versionsOf(all: RenderJob[], sessionId: string) {
  const ofSession = all.filter((job) => job.sessionId === sessionId).sort((a, b) => a.submittedAt - b.submittedAt);
  return {
    /** The newest render of this exact draft that is running or was delivered. */
    sameDraft: (draftHash: string) =>
      ofSession.findLast(
        (job) => job.draftHash === draftHash && (ACTIVE.includes(job.phase) || job.phase === "delivered"),
      ),
    /** The draft last sent to render, whatever became of it: a change is measured against it. */
    lastRenderedHash: () => ofSession.at(-1)?.draftHash,
    /** Renders still being polled for an older draft: a newer change supersedes them. */
    olderRunning: (draftHash: string) =>
      ofSession.filter((job) => job.phase === "polling" && job.draftHash !== draftHash),
  };
}

/**
 * Stops renders of drafts that a newer change replaced: NemoVideo is asked to cancel them (rendering is free,
 * but a finished video of an old draft would arrive after, or instead of, the new one) and their progress
 * message goes, so only the newest render speaks in the chat.
 */
export async function supersede(ctx: RenderContext, older: RenderJob[]): Promise<void> {
  for (const job of older) {
    if (await stopPolling(ctx, job, { endReason: "superseded", cancelAtNemo: true })) {
      logEvent(ctx.config, "info", { event: "render_superseded" });
    }
  }
}

/**
 * Stops waiting for a render still being polled: the job becomes "cancelled" (unless someone else moved it
 * first, then nothing happens and the answer is false), its progress message goes and, with `cancelAtNemo`,
 * NemoVideo is asked to cancel it.
 */
export async function stopPolling(
  ctx: RenderContext,
  job: RenderJob,
  options: { endReason?: RenderJob["endReason"]; cancelAtNemo: boolean },
): Promise<boolean> {
  const stopped = await ctx.jobs.transition(job.renderId, ["polling"], (current) => ({
    ...current,
    phase: "cancelled",
    ...(options.endReason ? { endReason: options.endReason } : {}),
  }));
  if (!stopped) return false;
  await removeQuietly(ctx.senderFor(job.origin), stopped.statusMessageId);
  if (options.cancelAtNemo) {
    await ctx.session
      .run(job.origin.lang, (project) => project.client.cancelRender(job.renderId))
      .catch((error) => logRenderError(ctx.config, "warn", "render_cancel", error));
  }
  return true;
}

/**
 * An export of a draft whose video is already in the chat: the same video again by its Telegram file_id
 * (no render, no upload), or, when Telegram gave no file_id or refuses it, a word that it is current.
 */
export async function sendAgain(ctx: RenderContext, delivered: RenderJob, origin: Origin): Promise<void> {
  const sender = ctx.senderFor(origin);
  if (delivered.deliveredFileId) {
    try {
      // The same caption and buttons as the first delivery, the claim link only to whom it belongs.
      const openUrl = (await openTargetFor(ctx, origin, delivered.renderId)) ?? "";
      await ctx.api.sendVideo(origin.chatId, delivered.deliveredFileId, {
        ...videoCaption({ origin, title: delivered.title }, openUrl),
        supports_streaming: true,
        ...(origin.messageId !== undefined
          ? { reply_parameters: { message_id: origin.messageId, allow_sending_without_reply: true } }
          : {}),
        ...(origin.threadId !== undefined ? { message_thread_id: origin.threadId } : {}),
      });
      logEvent(ctx.config, "info", { event: "render_sent_again" });
      return;
    } catch (error) {
      logRenderError(ctx.config, "warn", "render_send_again", error);
    }
  }
  await sender.send(t(origin.lang).renderCurrentVersion, { replyTo: origin.messageId });
}
