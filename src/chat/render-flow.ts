import { type Api, GrammyError, InputFile, type RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import { type DraftLike, isExportable, totalDurationMs } from "../nemo/draft";
import { NemoExportBlockedError, NemoHttpError, NemoSchemaError, NemoTransportError } from "../nemo/errors";
import type { RenderStatus } from "../nemo/schemas";
import { CALLBACK } from "../telegram/bot";
import { type Lang, t } from "../telegram/messages";
import { type ChatSender, isNotModified } from "../telegram/sender";
import type { NemoSession } from "./nemo-session";
import { nextPollDelay } from "./render-schedule";
import { KEYS, type Origin, type RenderJob, RenderJobSchema } from "./state";
import { registerUrl } from "./turn-runner";

export type RenderFlowDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  newId: () => string;
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  senderFor: (origin: Origin) => ChatSender;
  api: () => Api<RawApi>;
};

type Phase = RenderJob["phase"];
type Output = NonNullable<RenderJob["output"]>;

/** Transient poll failures tolerated before a render is reported as failed. */
const MAX_TRANSIENT_POLL_ERRORS = 8;
/** Deliveries started for one render before the bot gives up uploading and sends the link instead. */
const MAX_DELIVERY_ATTEMPTS = 3;
/** Looking for a video whose sendVideo went unanswered: ids probed at most, and missing ids that end the scan. */
const MAX_PROBES = 30;
const MAX_MISSING = 3;
const UPLOAD_ACTION_EVERY_MS = 4_500;
/** Finished jobs are kept this long so a late alarm or a stale button finds them, then dropped. */
const FINISHED_JOB_TTL_MS = 24 * 60 * 60 * 1000;
/** The task name the client gives new projects (createSession): NemoVideo echoes it as `draft.m.title`. */
const GENERIC_TITLES = new Set(["project"]);
const OUTPUT = { format: "mp4", quality: "high" } as const;

const ACTIVE: Phase[] = ["polling", "delivering"];

/** NemoVideo accepted the submit call but answered that the render did not start. */
class RenderRefusedError extends Error {
  override readonly name = "RenderRefusedError";
}

/**
 * Export: submit a render, poll it through the object's alarm (each job is persisted under its own key,
 * so a poll resumes after eviction or deploy), and deliver the MP4 into the chat exactly once.
 *
 * Exactly once rests on two rules: a job changes phase only through `transition`, which re-reads it and
 * refuses when another actor (a /cancel, a second alarm) moved it first; and in one instance a job is
 * worked on by one promise at a time (`inFlight`).
 */
export function createRenderFlow(deps: RenderFlowDeps) {
  const { config, storage, session, now } = deps;
  const inFlight = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();

  /** Runs read-modify-write steps one after another, so two promises of this instance never interleave them. */
  function exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = chain.then(step, step);
    chain = run.catch(() => {});
    return run;
  }

  const keyOf = (renderId: string) => `${KEYS.renderPrefix}${renderId}`;

  async function jobs(): Promise<RenderJob[]> {
    const stored = await storage.list({ prefix: KEYS.renderPrefix });
    const valid: RenderJob[] = [];
    for (const [key, value] of stored) {
      const parsed = RenderJobSchema.safeParse(value);
      if (parsed.success) valid.push(parsed.data);
      else await storage.delete(key);
    }
    return valid;
  }

  async function readJob(renderId: string): Promise<RenderJob | undefined> {
    const parsed = RenderJobSchema.safeParse(await storage.get(keyOf(renderId)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Applies `change` only while the job is still in one of `from`; undefined when it is not (someone else won). */
  function transition(
    renderId: string,
    from: Phase[],
    change: (job: RenderJob) => RenderJob,
  ): Promise<RenderJob | undefined> {
    return exclusive(async () => {
      const current = await readJob(renderId);
      if (!current || !from.includes(current.phase)) return undefined;
      const next = change(current);
      await storage.put(keyOf(renderId), next);
      return next;
    });
  }

  async function pruneFinished(all: RenderJob[]): Promise<void> {
    const stale = all.filter((job) => !ACTIVE.includes(job.phase) && now() - job.submittedAt > FINISHED_JOB_TTL_MS);
    if (stale.length > 0) await storage.delete(stale.map((job) => keyOf(job.renderId)));
  }

  // --- submit -------------------------------------------------------------------------------------

  async function submitOnce(origin: Origin, draft: DraftLike) {
    const id = `render_${deps.newId()}`;
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

  async function submit(origin: Origin, draft: DraftLike, draftHash: string): Promise<void> {
    const texts = t(origin.lang);
    const sender = deps.senderFor(origin);
    let submitted: Awaited<ReturnType<typeof submitOnce>>;
    try {
      submitted = await submitOnce(origin, draft).catch((error) => {
        // 402 is a plan limit: a second attempt would only be refused again.
        if (error instanceof NemoExportBlockedError) throw error;
        log("warn", "render_submit_retry", error);
        // Retried once with a new id: the old one may be half-registered and refused as a duplicate.
        return submitOnce(origin, draft);
      });
    } catch (error) {
      if (error instanceof NemoExportBlockedError) {
        await sender.send(texts.exportBlocked({ registerUrl: await registerUrl({ session, config }) }), {
          replyTo: origin.messageId,
        });
        return;
      }
      log("error", "render_submit", error);
      await sender.send(texts.renderFailed(undefined), {
        replyTo: origin.messageId,
        buttons: retryButton(origin.lang),
      });
      return;
    }
    const submittedAt = now();
    const { renderId, progress } = submitted;
    const job: RenderJob = {
      renderId,
      sessionId: submitted.sessionId,
      origin,
      title: titleOf(draft),
      submittedAt,
      lastProgress: progress,
      polls: 0,
      nextPollAt:
        submittedAt +
        nextPollDelay({
          submittedAt,
          now: submittedAt,
          progress,
          maxIntervalMs: config.RENDER_POLL_INTERVAL_MS,
          pollsSoFar: 0,
        }),
      phase: "polling",
      draftHash,
      video: videoOf(draft),
    };
    // Stored before the status message is sent: a restart in between still polls and delivers.
    await exclusive(() => storage.put(keyOf(renderId), job));
    await deps.requestWake(job.nextPollAt);
    logEvent(config, "info", { event: "render_submitted" });
    const statusMessageId = await sender.send(texts.renderProgress(progress ?? 0), { replyTo: origin.messageId });
    const saved = await transition(renderId, ACTIVE, (current) => ({ ...current, statusMessageId }));
    // Already delivered, failed or cancelled in the meantime: the message would be left behind.
    if (!saved) await sender.remove(statusMessageId).catch(() => {});
  }

  // --- polling ------------------------------------------------------------------------------------

  function fetchStatus(job: RenderJob): Promise<RenderStatus> {
    return session.run(job.origin.lang, (project) => project.client.renderStatus(job.renderId));
  }

  /** One status poll. Returns the job when it just completed and is ready for delivery. */
  async function poll(job: RenderJob): Promise<RenderJob | undefined> {
    let status: RenderStatus;
    try {
      status = await fetchStatus(job);
    } catch (error) {
      // One unreadable status body says nothing about the render itself: poll again, like a 5xx.
      const transient =
        error instanceof NemoTransportError ||
        error instanceof NemoSchemaError ||
        (error instanceof NemoHttpError && error.status >= 500);
      const errors = (job.transientErrors ?? 0) + 1;
      if (transient && errors < MAX_TRANSIENT_POLL_ERRORS) {
        const backoff = Math.min(config.RENDER_POLL_INTERVAL_MS, 1000 * 2 ** errors);
        await transition(job.renderId, ["polling"], (current) => ({
          ...current,
          transientErrors: errors,
          nextPollAt: now() + backoff,
        }));
        return undefined;
      }
      log("error", "render_status", error);
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
      const output: Output = {
        url: status.outputUrl,
        size: status.size,
        width: status.width,
        height: status.height,
        duration: status.duration,
      };
      return transition(job.renderId, ["polling"], (current) => ({
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
    const saved = await transition(job.renderId, ["polling"], (current) => ({
      ...polled(current),
      lastProgress: progress,
      nextPollAt: now() + delay,
    }));
    if (saved && progress !== undefined && progress !== job.lastProgress && saved.statusMessageId !== undefined) {
      await deps
        .senderFor(job.origin)
        .edit(saved.statusMessageId, t(job.origin.lang).renderProgress(progress))
        .catch(() => {});
    }
    return undefined;
  }

  async function fail(job: RenderJob, reason: string | undefined): Promise<void> {
    const failed = await transition(job.renderId, ["polling"], (current) => ({ ...current, phase: "failed" }));
    if (!failed) return;
    const texts = t(job.origin.lang);
    const sender = deps.senderFor(job.origin);
    if (failed.statusMessageId !== undefined) await sender.remove(failed.statusMessageId).catch(() => {});
    await sender.send(texts.renderFailed(reason), {
      replyTo: job.origin.messageId,
      buttons: retryButton(job.origin.lang),
    });
    logEvent(config, "info", { event: "render_failed" });
  }

  // --- delivery -----------------------------------------------------------------------------------

  /** Starts delivering in the background unless this instance already is; the job stays "delivering" until sent. */
  function startDelivery(renderId: string): void {
    if (inFlight.has(renderId)) return;
    inFlight.add(renderId);
    const delivery = deliver(renderId)
      .catch((error) => log("error", "deliver", error))
      .finally(() => inFlight.delete(renderId));
    deps.runInBackground(delivery);
  }

  async function deliver(renderId: string): Promise<void> {
    const job = await transition(renderId, ["delivering"], (current) => ({
      ...current,
      deliveryAttempts: (current.deliveryAttempts ?? 0) + 1,
    }));
    if (!job) return;
    const texts = t(job.origin.lang);
    const sender = deps.senderFor(job.origin);
    // The previous attempt's sendVideo never answered: it may have arrived. Sending again would show two videos.
    const earlier = job.uploadOpenUrl === undefined ? undefined : await findSentVideo(job, job.uploadOpenUrl);
    let messageId: number;
    if (earlier !== undefined) {
      messageId = earlier;
    } else {
      const output = job.output ?? (await outputOf(job));
      const openUrl = await workspaceLink(job.origin.lang).catch(() => config.NEMO_WEB_URL);
      const sendLink = () =>
        sender.send(texts.videoTooLargeLink(output.url ?? openUrl), {
          replyTo: job.origin.messageId,
          buttons: openButtonFor(job.origin.lang, openUrl),
        });
      // The progress message goes before the video arrives, not after: left until the "delivered" write, it
      // sat under the finished video (still saying 5% when the first poll already found the render done).
      // Telegram's "sending video…" indicator covers the upload.
      if (job.statusMessageId !== undefined) await sender.remove(job.statusMessageId).catch(() => {});
      // Uploads keep failing (or keep being cut): the link still gets the video to the person.
      messageId =
        (job.deliveryAttempts ?? 1) > MAX_DELIVERY_ATTEMPTS
          ? await sendLink()
          : await upload(job, output, openUrl, sendLink);
    }
    await transition(renderId, ["delivering"], (current) => ({
      ...current,
      phase: "delivered",
      deliveredMessageId: messageId,
      uploadOpenUrl: undefined,
    }));
    logEvent(config, "info", {
      event: "render_delivered",
      polls: job.polls,
      ms: now() - job.submittedAt,
      attempts: job.deliveryAttempts,
      found: earlier !== undefined,
    });
  }

  /**
   * Looks for the video an unanswered sendVideo may have posted. The Bot API cannot list a chat's messages,
   * so the messages after the status message are probed with an edit that changes nothing on that video:
   * its caption and its Open link (unique to the attempt). "Not modified" proves it is there. Text messages
   * and other people's messages refuse the edit; the scan stops after a few ids that do not exist.
   */
  async function findSentVideo(job: RenderJob, openUrl: string): Promise<number | undefined> {
    if (job.statusMessageId === undefined) return undefined;
    const api = deps.api();
    const caption = t(job.origin.lang).renderDone(job.title);
    const reply_markup = openButtonFor(job.origin.lang, openUrl);
    let missing = 0;
    for (let id = job.statusMessageId + 1, probes = 0; probes < MAX_PROBES && missing < MAX_MISSING; id++, probes++) {
      try {
        // Succeeding means an older video of this chat with the same caption: it now links the same project.
        await api.editMessageCaption(job.origin.chatId, id, { caption, parse_mode: "HTML", reply_markup });
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
  async function outputOf(job: RenderJob): Promise<Output> {
    const status = await fetchStatus(job);
    if (status.status !== "completed") throw new Error(`render ${status.status} while delivering`);
    return {
      url: status.outputUrl,
      size: status.size,
      width: status.width,
      height: status.height,
      duration: status.duration,
    };
  }

  /**
   * Streams the MP4 from NemoVideo straight into a multipart sendVideo: the response body is handed to
   * grammY as it arrives, never read whole (a 50 MB video would not fit a Worker's memory comfortably).
   */
  async function upload(
    job: RenderJob,
    output: Output,
    openUrl: string,
    sendLink: () => Promise<number>,
  ): Promise<number> {
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
      return sendLink();
    }
    const texts = t(job.origin.lang);
    const sender = deps.senderFor(job.origin);
    await sender.action("upload_video");
    // Telegram shows a chat action for about 5 s; a long upload keeps it up.
    const indicator = setInterval(() => void sender.action("upload_video").catch(() => {}), UPLOAD_ACTION_EVERY_MS);
    const width = output.width ?? job.video?.width;
    const height = output.height ?? job.video?.height;
    const duration = output.duration ?? job.video?.duration;
    await transition(job.renderId, ["delivering"], (current) => ({ ...current, uploadOpenUrl: openUrl }));
    try {
      const sent = await deps.api().sendVideo(job.origin.chatId, new InputFile(response.body, "video.mp4"), {
        supports_streaming: true,
        caption: texts.renderDone(job.title),
        parse_mode: "HTML",
        reply_markup: openButtonFor(job.origin.lang, openUrl),
        ...(width ? { width: Math.round(width) } : {}),
        ...(height ? { height: Math.round(height) } : {}),
        ...(duration ? { duration: Math.max(1, Math.round(duration)) } : {}),
        ...(job.origin.messageId !== undefined
          ? { reply_parameters: { message_id: job.origin.messageId, allow_sending_without_reply: true } }
          : {}),
        ...(job.origin.threadId !== undefined ? { message_thread_id: job.origin.threadId } : {}),
      });
      return sent.message_id;
    } catch (error) {
      await response.body.cancel().catch(() => {});
      if (error instanceof GrammyError) {
        // Telegram answered: no video was posted, so the next attempt need not look for one.
        await transition(job.renderId, ["delivering"], (current) => ({ ...current, uploadOpenUrl: undefined }));
      }
      // Telegram refused the file itself (too big when no length was declared): the link still works.
      if (error instanceof GrammyError && (error.error_code === 413 || /too (big|large)/i.test(error.description))) {
        return sendLink();
      }
      throw error;
    } finally {
      clearInterval(indicator);
    }
  }

  async function workspaceLink(lang: Lang): Promise<string> {
    return session.run(lang, async (project) => {
      if (!project.record.taskId) return config.NEMO_WEB_URL;
      const claim = await project.client.claimToken({
        taskId: project.record.taskId,
        sessionId: project.record.sessionId,
      });
      return `${config.NEMO_WEB_URL}/workspace/claim?ct=${encodeURIComponent(claim.claimToken)}`;
    });
  }

  function log(level: "warn" | "error", where: string, error: unknown): void {
    logEvent(config, level, { event: "error", where, error: error instanceof Error ? error.name : "unknown" });
  }

  return {
    /** Reads the state, and submits a render when there is something new to export. */
    async start(origin: Origin): Promise<void> {
      const texts = t(origin.lang);
      const sender = deps.senderFor(origin);
      const { draft, sessionId } = await session.run(origin.lang, async (project) => {
        const state = await project.client.state(project.record.sessionId);
        return { draft: (state.draft ?? {}) as DraftLike, sessionId: project.record.sessionId };
      });
      if (!isExportable(draft)) {
        await sender.send(texts.notExportable, { replyTo: origin.messageId });
        return;
      }
      const draftHash = await hashOf(draft);
      const running = (await jobs()).find(
        (job) => ACTIVE.includes(job.phase) && job.sessionId === sessionId && job.draftHash === draftHash,
      );
      if (running) {
        // A second tap on Export (or "export" twice) would render the same video again.
        await sender.send(texts.renderAlreadyRunning, { replyTo: origin.messageId });
        return;
      }
      await submit(origin, draft, draftHash);
    },
    async tick(): Promise<void> {
      const all = await jobs();
      for (const job of all) {
        if (inFlight.has(job.renderId)) continue;
        if (job.phase === "polling" && job.nextPollAt <= now()) {
          inFlight.add(job.renderId);
          let completed: RenderJob | undefined;
          try {
            completed = await poll(job);
          } finally {
            inFlight.delete(job.renderId);
          }
          // Delivered at once, not at the next alarm: the person is waiting for exactly this.
          if (completed) startDelivery(completed.renderId);
        } else if (job.phase === "delivering") {
          // A delivery cut by a restart, or one that failed: start it again.
          startDelivery(job.renderId);
        }
      }
      await pruneFinished(all);
    },
    async nextWakeAt(): Promise<number | undefined> {
      const due = (await jobs()).filter((job) => job.phase === "polling").map((job) => job.nextPollAt);
      return due.length ? Math.min(...due) : undefined;
    },
    async isActive(): Promise<boolean> {
      return (await jobs()).some((job) => ACTIVE.includes(job.phase));
    },
    /** Stops waiting for every render; with `callCancel`, also asks NemoVideo to cancel them. */
    async stopAll(callCancel: boolean): Promise<void> {
      for (const job of await jobs()) {
        const cancelled = await transition(job.renderId, ["polling"], (current) => ({
          ...current,
          phase: "cancelled",
        }));
        if (!cancelled) continue;
        if (cancelled.statusMessageId !== undefined)
          await deps
            .senderFor(job.origin)
            .remove(cancelled.statusMessageId)
            .catch(() => {});
        if (callCancel) {
          await session
            .run(job.origin.lang, (project) => project.client.cancelRender(job.renderId))
            .catch((error) => log("warn", "render_cancel", error));
        }
      }
    },
    workspaceLink,
  };
}

export type RenderFlow = ReturnType<typeof createRenderFlow>;

function openButtonFor(lang: Lang, url: string) {
  return { inline_keyboard: [[{ text: t(lang).buttons.open, url }]] };
}

function retryButton(lang: Lang) {
  return { inline_keyboard: [[{ text: t(lang).buttons.retry, callback_data: CALLBACK.retryRender }]] };
}

async function hashOf(draft: DraftLike): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(draft)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : undefined);
const positive = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * The video's title for the caption: the title track's text (what the viewer sees), else a real project
 * title. `draft.m.title` usually holds the task name the bot created the project with, which is no title.
 */
export function titleOf(draft: DraftLike): string | undefined {
  const textTracks = (draft.t ?? []).filter((track) => record(track) && track.tt === 7);
  const titleTrack =
    textTracks.find((track) => /title|标题/i.test(textOf(track.m?.name) ?? "")) ??
    (textTracks.length === 1 && (textTracks[0]?.sg?.length ?? 0) === 1 ? textTracks[0] : undefined);
  const fromTrack = (titleTrack?.sg ?? [])
    .map((segment) => (record(segment) && record(segment.m) ? textOf(segment.m.text) : undefined))
    .find((text) => text !== undefined);
  if (fromTrack) return fromTrack;
  const explicit = textOf(draft.m?.title);
  return explicit && !GENERIC_TITLES.has(explicit.toLowerCase()) ? explicit : undefined;
}

/** Canvas size and length the draft declares, for sendVideo when the render status does not say. */
function videoOf(draft: DraftLike): RenderJob["video"] {
  const totalMs = totalDurationMs(draft);
  return {
    width: positive(draft.m?.width),
    height: positive(draft.m?.height),
    duration: totalMs !== undefined && totalMs > 0 ? totalMs / 1000 : undefined,
  };
}
