import { type Api, InputFile, type RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import { type DraftLike, describeTimeline, isExportable } from "../nemo/draft";
import { NemoExportBlockedError, NemoHttpError, NemoTransportError } from "../nemo/errors";
import { CALLBACK } from "../telegram/bot";
import { type Lang, t } from "../telegram/messages";
import type { ChatSender } from "../telegram/sender";
import type { NemoSession } from "./nemo-session";
import { nextPollDelay } from "./render-schedule";
import { KEYS, type Origin, type RenderJob, readKey, SCHEMAS } from "./state";
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

/** Transient poll failures tolerated before a render is reported as failed. */
const MAX_TRANSIENT_POLL_ERRORS = 8;
/** Finished jobs are kept this long so a late alarm or a stale button finds them, then dropped. */
const FINISHED_JOB_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Export: submit a render, poll it through the object's alarm (the render id is persisted, so a poll
 * resumes after eviction or deploy), and deliver the MP4 into the chat exactly once.
 */
export function createRenderFlow(deps: RenderFlowDeps) {
  const { config, storage, session, now } = deps;
  const busy = new Set<string>();

  const jobs = async () => (await readKey(storage, KEYS.renders, SCHEMAS.renders)) ?? {};
  const saveJob = async (job: RenderJob) => {
    const all = await jobs();
    all[job.renderId] = job;
    for (const [id, other] of Object.entries(all)) {
      const finished = other.phase === "delivered" || other.phase === "failed" || other.phase === "cancelled";
      if (finished && now() - other.submittedAt > FINISHED_JOB_TTL_MS) delete all[id];
    }
    await storage.put(KEYS.renders, all);
  };

  async function submit(origin: Origin, draft: DraftLike, sessionId: string, title: string | undefined) {
    const texts = t(origin.lang);
    const sender = deps.senderFor(origin);
    const attempt = () =>
      session.run(origin.lang, (project) =>
        project.client.submitRender({ id: `render_${deps.newId()}`, sessionId: project.record.sessionId, draft }),
      );
    let submitted: Awaited<ReturnType<typeof attempt>>;
    try {
      submitted = await attempt();
    } catch (error) {
      if (error instanceof NemoExportBlockedError) throw error;
      // A failed submit is retried once, with a new id (the old one may be half-registered).
      submitted = await attempt();
    }
    const renderId = submitted.id;
    if (!renderId) throw new Error("render submit returned no id");
    const submittedAt = now();
    const progress = submitted.progress;
    const statusMessageId = await sender.send(texts.renderProgress(progress ?? 0), { replyTo: origin.messageId });
    const job: RenderJob = {
      renderId,
      sessionId,
      origin,
      title,
      submittedAt,
      statusMessageId,
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
    };
    await saveJob(job);
    await deps.requestWake(job.nextPollAt);
    logEvent(config, "info", { event: "render_submitted" });
  }

  async function poll(job: RenderJob): Promise<void> {
    const texts = t(job.origin.lang);
    const sender = deps.senderFor(job.origin);
    let status: Awaited<ReturnType<typeof fetchStatus>>;
    try {
      status = await fetchStatus(job);
    } catch (error) {
      const transient = error instanceof NemoTransportError || (error instanceof NemoHttpError && error.status >= 500);
      const errors = (job.transientErrors ?? 0) + 1;
      if (transient && errors < MAX_TRANSIENT_POLL_ERRORS) {
        const backoff = Math.min(config.RENDER_POLL_INTERVAL_MS, 1000 * 2 ** errors);
        await saveJob({ ...job, transientErrors: errors, nextPollAt: now() + backoff });
        return;
      }
      await fail(job, undefined);
      return;
    }
    const polled = { ...job, polls: job.polls + 1, lastPolledAt: now(), transientErrors: 0 };
    if (status.status === "completed") {
      await saveJob({ ...polled, phase: "delivering", lastProgress: 100 });
      startDelivery({ ...polled, phase: "delivering" }, status);
      return;
    }
    if (status.status === "failed") {
      await fail(polled, status.error);
      return;
    }
    const progress = status.progress ?? job.lastProgress;
    if (progress !== undefined && progress !== job.lastProgress && job.statusMessageId !== undefined) {
      await sender.edit(job.statusMessageId, texts.renderProgress(progress)).catch(() => {});
    }
    const delay = nextPollDelay({
      submittedAt: job.submittedAt,
      now: now(),
      progress,
      lastProgress: job.lastProgress,
      lastPolledAt: job.lastPolledAt,
      maxIntervalMs: config.RENDER_POLL_INTERVAL_MS,
      pollsSoFar: polled.polls,
    });
    await saveJob({ ...polled, lastProgress: progress, nextPollAt: now() + delay });
  }

  function fetchStatus(job: RenderJob) {
    return session.run(job.origin.lang, (project) => project.client.renderStatus(job.renderId));
  }

  async function fail(job: RenderJob, reason: string | undefined) {
    const texts = t(job.origin.lang);
    await saveJob({ ...job, phase: "failed" });
    const sender = deps.senderFor(job.origin);
    if (job.statusMessageId !== undefined) await sender.remove(job.statusMessageId).catch(() => {});
    await sender.send(texts.renderFailed(reason), {
      replyTo: job.origin.messageId,
      buttons: { inline_keyboard: [[{ text: texts.buttons.retry, callback_data: CALLBACK.retryRender }]] },
    });
  }

  function startDelivery(
    job: RenderJob,
    status: { outputUrl?: string; width?: number; height?: number; duration?: number; size?: number },
  ) {
    if (busy.has(job.renderId)) return;
    busy.add(job.renderId);
    const delivery = deliver(job, status)
      .catch((error) =>
        logEvent(config, "error", {
          event: "error",
          where: "deliver",
          error: error instanceof Error ? error.name : "unknown",
        }),
      )
      .finally(() => busy.delete(job.renderId));
    deps.runInBackground(delivery);
  }

  async function deliver(
    job: RenderJob,
    status: { outputUrl?: string; width?: number; height?: number; duration?: number; size?: number },
  ): Promise<void> {
    // Re-read: a second alarm or a second instance may already have delivered this render.
    const current = (await jobs())[job.renderId];
    if (current?.phase !== "delivering") return;
    const texts = t(job.origin.lang);
    const sender = deps.senderFor(job.origin);
    const openUrl = await workspaceLink(job.origin.lang).catch(() => config.NEMO_WEB_URL);
    const openButton = { inline_keyboard: [[{ text: texts.buttons.open, url: openUrl }]] };
    const response = await session.run(job.origin.lang, async (project) => {
      if (status.outputUrl) {
        const direct = await project.client.downloadUrl(status.outputUrl).catch(() => undefined);
        if (direct?.ok) return direct;
      }
      return project.client.download(job.renderId);
    });
    const length = Number(response.headers.get("content-length") ?? status.size ?? Number.NaN);
    const limit = config.TELEGRAM_UPLOAD_LIMIT_MB * 1024 * 1024;
    let messageId: number;
    if (!response.body || (Number.isFinite(length) && length > limit)) {
      await response.body?.cancel();
      messageId = await sender.send(texts.videoTooLargeLink(status.outputUrl ?? openUrl), { buttons: openButton });
    } else {
      await sender.action("upload_video");
      const sent = await deps.api().sendVideo(job.origin.chatId, new InputFile(response.body, "video.mp4"), {
        supports_streaming: true,
        caption: texts.renderDone(job.title),
        parse_mode: "HTML",
        reply_markup: openButton,
        ...(status.width ? { width: status.width } : {}),
        ...(status.height ? { height: status.height } : {}),
        ...(status.duration ? { duration: Math.round(status.duration) } : {}),
        ...(job.origin.threadId !== undefined ? { message_thread_id: job.origin.threadId } : {}),
      });
      messageId = sent.message_id;
    }
    await saveJob({ ...current, phase: "delivered", deliveredMessageId: messageId });
    if (job.statusMessageId !== undefined) await sender.remove(job.statusMessageId).catch(() => {});
    logEvent(config, "info", { event: "render_delivered" });
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

  return {
    /** Reads the state, and submits a render when there is something to export. */
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
      try {
        await submit(origin, draft, sessionId, titleOf(draft));
      } catch (error) {
        if (error instanceof NemoExportBlockedError) {
          await sender.send(texts.exportBlocked({ registerUrl: await registerUrl({ session, config }) }), {
            replyTo: origin.messageId,
          });
          return;
        }
        throw error;
      }
    },
    async tick(): Promise<void> {
      for (const job of Object.values(await jobs())) {
        if (job.phase === "polling" && job.nextPollAt <= now() && !busy.has(job.renderId)) {
          busy.add(job.renderId);
          try {
            await poll(job);
          } finally {
            busy.delete(job.renderId);
          }
        } else if (job.phase === "delivering" && !busy.has(job.renderId)) {
          // Evicted mid-delivery: fetch the status again for the output URL and deliver.
          const status = await fetchStatus(job).catch(() => undefined);
          if (status?.status === "completed") startDelivery(job, status);
        }
      }
    },
    async nextWakeAt(): Promise<number | undefined> {
      const due = Object.values(await jobs())
        .filter((job) => job.phase === "polling")
        .map((job) => job.nextPollAt);
      return due.length ? Math.min(...due) : undefined;
    },
    async isActive(): Promise<boolean> {
      return Object.values(await jobs()).some((job) => job.phase === "polling" || job.phase === "delivering");
    },
    /** Stops waiting for every render; with `callCancel`, also asks NemoVideo to cancel them. */
    async stopAll(callCancel: boolean): Promise<void> {
      for (const job of Object.values(await jobs())) {
        if (job.phase !== "polling") continue;
        await saveJob({ ...job, phase: "cancelled" });
        if (job.statusMessageId !== undefined)
          await deps
            .senderFor(job.origin)
            .remove(job.statusMessageId)
            .catch(() => {});
        if (callCancel) {
          await session.run(job.origin.lang, (project) => project.client.cancelRender(job.renderId)).catch(() => {});
        }
      }
    },
    workspaceLink,
  };
}

export type RenderFlow = ReturnType<typeof createRenderFlow>;

function titleOf(draft: DraftLike): string | undefined {
  const explicit = draft.m?.title;
  if (typeof explicit === "string" && explicit.trim()) return explicit.trim();
  return describeTimeline(draft).find((line) => line.kind === "title")?.label;
}
