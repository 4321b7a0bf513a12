import { t } from "../../i18n";
import { logEvent } from "../../log";
import type { DraftLike } from "../../nemo/draft";
import { NemoExportBlockedError, NemoHttpError } from "../../nemo/errors";
import { decoration, removeQuietly } from "../../telegram/sender";
import { stopButtons } from "../progress";
import { registerUrl } from "../session";
import type { Origin, RenderJob } from "../storage";
import { logRenderError, sendRenderFailed } from "./context";
import { captionTitleOf, videoOf } from "./draft";
import { ACTIVE } from "./jobs";
import { limitAt } from "./limits";
import { openButtonFor, workspaceLink } from "./link";
import { SUBMIT_PROGRESS } from "./poll";
import { progressText } from "./progress";
import { firstPollFromPrior, nextPollDelay } from "./schedule";
import type { RenderContext } from "./types";

const OUTPUT = { format: "mp4", quality: "high" } as const;

/** 402 (plan limit) or 403 (token without the render scope): never retried. */
function lacksRenderRight(error: unknown): boolean {
  return error instanceof NemoExportBlockedError || (error instanceof NemoHttpError && error.status === 403);
}

/** NemoVideo accepted the submit call but answered that the render did not start. */
class RenderRefusedError extends Error {
  override readonly name = "RenderRefusedError";
}

/** Submitting a render: one retry, then a stored job that the alarm polls, then the progress message. */
export function createRenderSubmit(ctx: RenderContext) {
  const { config, session, now, jobs } = ctx;

  async function submitOnce(origin: Origin, draft: DraftLike) {
    const id = `render_${ctx.newId()}`;
    return session.run(origin.lang, async (project) => {
      const result = await project.client.submitRender({
        id,
        sessionId: project.record.sessionId,
        draft,
        output: OUTPUT,
      });
      if (result.status === "failed") throw new RenderRefusedError(result.error ?? "render refused");
      return { renderId: result.id ?? id, progress: result.progress, sessionId: project.record.sessionId };
    });
  }

  /**
   * Issue 14.4: an anonymous token has no render scope since skill v1.8 (nemo-api.md §1). The way forward
   * is the browser (the claim link keeps the project; private chats only, where it belongs to the reader)
   * or registering. Other accounts get the plan-limit answer.
   */
  async function sendExportRefused(origin: Origin, sender: ReturnType<RenderContext["senderFor"]>): Promise<void> {
    const texts = t(origin.lang);
    const record = await session.record();
    const register = await registerUrl({ session, config });
    if (config.NEMO_TOKEN || record.ownToken) {
      await sender.send(texts.exportBlocked({ registerUrl: register }), { replyTo: origin.messageId });
      return;
    }
    const isPrivate = origin.chatId > 0;
    const link = isPrivate ? await workspaceLink({ session, config }, origin.lang).catch(() => undefined) : undefined;
    await sender.send(texts.accounts.exportNeedsAccount({ registerUrl: register, linkBelow: link !== undefined }), {
      replyTo: origin.messageId,
      ...(link ? { buttons: openButtonFor(origin.lang, link) } : {}),
    });
  }

  /** Submits `draft` for `origin`; a refusal or failure is answered in the chat, never thrown. */
  return async function submit(
    origin: Origin,
    draft: DraftLike,
    draftHash: string,
    options: { auto?: boolean } = {},
  ): Promise<"refused" | undefined> {
    const sender = ctx.senderFor(origin);
    let submitted: Awaited<ReturnType<typeof submitOnce>>;
    try {
      submitted = await submitOnce(origin, draft).catch((error) => {
        // 402 is a plan limit and 403 a token without the render scope: another attempt is refused again.
        if (lacksRenderRight(error)) throw error;
        logRenderError(config, "warn", "render_submit_retry", error);
        // Retried once with a new id: the old one may be half-registered and refused as a duplicate.
        return submitOnce(origin, draft);
      });
    } catch (error) {
      if (lacksRenderRight(error)) {
        await sendExportRefused(origin, sender);
        return "refused";
      }
      logRenderError(config, "error", "render_submit", error);
      await sendRenderFailed(sender, origin, undefined);
      return undefined;
    }
    const submittedAt = now();
    const { renderId, progress } = submitted;
    const video = videoOf(draft);
    const base: RenderJob = {
      renderId,
      sessionId: submitted.sessionId,
      origin,
      title: captionTitleOf(draft),
      submittedAt,
      lastProgress: progress,
      submitProgress: progress,
      progressMovedAt: submittedAt,
      polls: 0,
      nextPollAt: submittedAt,
      phase: "polling",
      draftHash,
      video,
      ...(options.auto ? { auto: true } : {}),
    };
    // The chat's last render that was seen to finish predicts this one (scaled by the video's length).
    const prior = (await jobs.list())
      .filter((earlier) => earlier.renderMs !== undefined && earlier.video?.duration !== undefined)
      .sort((a, b) => b.submittedAt - a.submittedAt)[0];
    const firstPoll = nextPollDelay({
      submittedAt,
      now: submittedAt,
      progress,
      maxIntervalMs: config.RENDER_POLL_INTERVAL_MS,
      pollsSoFar: 0,
      firstPollMs: firstPollFromPrior(
        prior && { renderMs: prior.renderMs, videoSeconds: prior.video?.duration },
        video?.duration,
        config.RENDER_POLL_INTERVAL_MS,
      ),
    });
    const shown = progressText(base, progress ?? SUBMIT_PROGRESS, submittedAt);
    const job: RenderJob = {
      ...base,
      nextPollAt: Math.min(submittedAt + firstPoll, limitAt(base, config)),
      shownProgress: shown,
      shownAt: submittedAt,
    };
    // Stored before the status message is sent: a restart in between still polls and delivers.
    await jobs.create(job);
    await ctx.requestWake(job.nextPollAt);
    logEvent(config, "info", { event: "render_submitted" });
    // Decoration with a Stop button (issue 18): a progress message Telegram does not take is skipped, never
    // kept for the alarm (issue 16); the render goes on and the video still arrives.
    const statusMessageId = await decoration(config, "render_status", () =>
      sender.send(shown, { replyTo: origin.messageId, buttons: stopButtons(origin), kind: "status" }),
    );
    if (statusMessageId === undefined) return undefined;
    const saved = await jobs.transition(renderId, ACTIVE, (current) => ({ ...current, statusMessageId }));
    // Already delivered, failed or cancelled in the meantime: the message would be left behind.
    if (!saved) await removeQuietly(sender, statusMessageId);
  };
}
