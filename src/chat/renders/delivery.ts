import { GrammyError, InputFile } from "grammy/web";
import { t } from "../../i18n";
import { logEvent } from "../../log";
import { CALLBACK } from "../../telegram/callbacks";
import { decoration, isNotModified, removeQuietly } from "../../telegram/sender";
import type { RenderJob } from "../storage";
import { outputOf, type RenderOutput } from "./jobs";
import { openButtonFor, openTargetFor } from "./link";
import { fetchStatus } from "./poll";
import type { RenderContext } from "./types";

/** Deliveries started for one render before the bot gives up uploading and sends the link instead. */
const MAX_DELIVERY_ATTEMPTS = 3;
/**
 * Looking for a video whose sendVideo went unanswered: ids probed at most, and missing ids in a row that end
 * the scan. A deleted message answers "not found" like an id not used yet, and the bot deletes its status
 * messages all the time, so a few in a row between the render's status and the video are normal: at 3, the
 * scan stopped short of the video and sent it a second time (the soak test's duplicate).
 */
const MAX_PROBES = 30;
const MAX_MISSING = 10;
/** Telegram shows a chat action for about 5 s; a long upload renews it just before it fades. */
const UPLOAD_ACTION_EVERY_MS = 4_500;

/**
 * The caption and Open button of a delivered video. sendVideo and the probe for an unanswered sendVideo
 * must use exactly the same ones: the probe only recognises the video when its edit changes nothing.
 */
export function videoCaption(job: Pick<RenderJob, "origin" | "title">, openUrl: string) {
  const texts = t(job.origin.lang);
  return {
    caption: texts.renderDone(job.title),
    parse_mode: "HTML" as const,
    reply_markup: {
      inline_keyboard: [
        // No Open row when openUrl is "" (claimLinkAudience "nobody": the operator's own account).
        ...(openUrl ? openButtonFor(job.origin.lang, openUrl).inline_keyboard : []),
        // The next step one tap away: what is on the timeline, what is left to spend.
        [
          { text: texts.buttons.timeline, callback_data: CALLBACK.timeline },
          { text: texts.buttons.credits, callback_data: CALLBACK.credits },
        ],
      ],
    },
  };
}

/** Delivering a completed render's MP4 into the chat once, or its link when the upload cannot work. */
export function createRenderDelivery(ctx: RenderContext) {
  const { config, session, now, jobs } = ctx;

  /**
   * Looks for the video an unanswered sendVideo may have posted. The Bot API cannot list a chat's messages,
   * so the messages after a message known to come before the video are probed with an edit that changes
   * nothing on that video: its caption and its Open link (unique to the attempt). "Not modified" proves it
   * is there. Text messages and other people's messages refuse the edit; the scan stops after a few ids that
   * do not exist. Known to come first: the newest message id seen when the sendVideo was made.
   */
  async function findSentVideo(job: RenderJob, openUrl: string): Promise<number | undefined> {
    // A job stored before uploadAfterId was kept: the status message, else the message that asked.
    const anchor = job.uploadAfterId ?? job.statusMessageId ?? job.origin.messageId ?? job.origin.sourceMessageId;
    if (anchor === undefined) return undefined;
    const probe = videoCaption(job, openUrl);
    let missing = 0;
    for (let id = anchor + 1, probes = 0; probes < MAX_PROBES && missing < MAX_MISSING; id++, probes++) {
      try {
        // Succeeding means an older video of this chat with the same caption: it now links the same project.
        await ctx.api.editMessageCaption(job.origin.chatId, id, probe);
        missing = 0;
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        if (isNotModified(error)) return id;
        missing = /not found/i.test(error.description) ? missing + 1 : 0;
      }
    }
    return undefined;
  }

  /** The output of a job stored before outputs were kept: read from a fresh status. */
  async function freshOutput(job: RenderJob): Promise<RenderOutput> {
    const status = await fetchStatus(ctx, job);
    if (status.status !== "completed") throw new Error(`render ${status.status} while delivering`);
    return outputOf(status);
  }

  /**
   * Streams the MP4 from NemoVideo straight into a multipart sendVideo: the response body is handed to
   * grammY as it arrives, never read whole (a 50 MB video would not fit a Worker's memory comfortably).
   */
  async function upload(
    job: RenderJob,
    output: RenderOutput,
    openUrl: string,
    sendLink: () => Promise<number>,
  ): Promise<{ messageId: number; fileId?: string }> {
    const response = await session.run(job.origin.lang, async (project) => {
      if (output.url) {
        const direct = await project.client.downloadUrl(output.url).catch(() => undefined);
        if (direct?.ok) return direct;
      }
      return project.client.download(job.renderId);
    });
    const declared = Number(response.headers.get("content-length") ?? output.size ?? Number.NaN);
    const limit = config.TELEGRAM_UPLOAD_LIMIT_MB * 1024 * 1024;
    if (!response.body || (Number.isFinite(declared) && declared > limit)) {
      await response.body?.cancel().catch(() => {});
      return { messageId: await sendLink() };
    }
    const sender = ctx.senderFor(job.origin);
    // Decoration (issue 16): a lost chat action must not cost a delivery attempt.
    await decoration(config, "chat_action", () => sender.action("upload_video"));
    const indicator = setInterval(() => void sender.action("upload_video").catch(() => {}), UPLOAD_ACTION_EVERY_MS);
    const width = output.width ?? job.video?.width;
    const height = output.height ?? job.video?.height;
    const duration = output.duration ?? job.video?.duration;
    // Recorded before the call: if its answer never comes, the next attempt looks for the video first,
    // after the newest message known now (the status message may be missing: Telegram refused it).
    const known = [ctx.latestMessageId(), job.statusMessageId, job.origin.messageId, job.origin.sourceMessageId];
    const uploadAfterId = Math.max(0, ...known.filter((id) => id !== undefined)) || undefined;
    await jobs.transition(job.renderId, ["delivering"], (current) => ({
      ...current,
      uploadOpenUrl: openUrl,
      uploadAfterId,
    }));
    try {
      const sent = await ctx.api.sendVideo(job.origin.chatId, new InputFile(response.body, "video.mp4"), {
        supports_streaming: true,
        ...videoCaption(job, openUrl),
        ...(width ? { width: Math.round(width) } : {}),
        ...(height ? { height: Math.round(height) } : {}),
        ...(duration ? { duration: Math.max(1, Math.round(duration)) } : {}),
        ...(job.origin.messageId !== undefined
          ? { reply_parameters: { message_id: job.origin.messageId, allow_sending_without_reply: true } }
          : {}),
        ...(job.origin.threadId !== undefined ? { message_thread_id: job.origin.threadId } : {}),
      });
      return { messageId: sent.message_id, fileId: sent.video?.file_id };
    } catch (error) {
      await response.body.cancel().catch(() => {});
      if (error instanceof GrammyError) {
        // Telegram answered: no video was posted, so the next attempt need not look for one.
        await jobs.transition(job.renderId, ["delivering"], (current) => ({
          ...current,
          uploadOpenUrl: undefined,
          uploadAfterId: undefined,
        }));
      }
      // Telegram refused the file itself (too big when no length was declared): the link still works.
      if (error instanceof GrammyError && (error.error_code === 413 || /too (big|large)/i.test(error.description))) {
        return { messageId: await sendLink() };
      }
      throw error;
    } finally {
      clearInterval(indicator);
    }
  }

  /** One delivery attempt; the job stays "delivering" until the video or its link is in the chat. */
  return async function deliver(renderId: string): Promise<void> {
    const job = await jobs.transition(renderId, ["delivering"], (current) => ({
      ...current,
      deliveryAttempts: (current.deliveryAttempts ?? 0) + 1,
    }));
    if (!job) return;
    const texts = t(job.origin.lang);
    const sender = ctx.senderFor(job.origin);
    // The previous attempt's sendVideo never answered: it may have arrived. Sending again would show two videos.
    const earlier = job.uploadOpenUrl === undefined ? undefined : await findSentVideo(job, job.uploadOpenUrl);
    let messageId: number;
    let fileId: string | undefined;
    if (earlier !== undefined) {
      messageId = earlier;
    } else {
      const output = job.output ?? (await freshOutput(job));
      // The Open button's target: a claim link only where the whole chat may have it (chat/renders/link.ts).
      const openUrl = (await openTargetFor(ctx, job.origin, job.renderId)) ?? "";
      const sendLink = () =>
        sender.send(texts.videoTooLargeLink(output.url ?? (/^https?:/.test(openUrl) ? openUrl : config.NEMO_WEB_URL)), {
          replyTo: job.origin.messageId,
          ...(openUrl ? { buttons: openButtonFor(job.origin.lang, openUrl) } : {}),
        });
      // The progress message goes before the video arrives, not after: left until the "delivered" write, it
      // sat under the finished video (still saying 5% when the first poll already found the render done).
      // Telegram's "sending video…" indicator covers the upload.
      await removeQuietly(sender, job.statusMessageId);
      // Uploads keep failing (or keep being cut): the link still gets the video to the person.
      const sent =
        (job.deliveryAttempts ?? 1) > MAX_DELIVERY_ATTEMPTS
          ? { messageId: await sendLink() }
          : await upload(job, output, openUrl, sendLink);
      messageId = sent.messageId;
      fileId = sent.fileId;
    }
    await jobs.transition(renderId, ["delivering"], (current) => ({
      ...current,
      phase: "delivered",
      deliveredMessageId: messageId,
      ...(fileId ? { deliveredFileId: fileId } : {}),
      uploadOpenUrl: undefined,
      uploadAfterId: undefined,
    }));
    logEvent(config, "info", {
      event: "render_delivered",
      polls: job.polls,
      ms: now() - job.submittedAt,
      attempts: job.deliveryAttempts,
      found: earlier !== undefined,
    });
  };
}
