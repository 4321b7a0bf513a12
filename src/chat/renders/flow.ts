import { type Lang, t } from "../../i18n";
import { type DraftLike, isExportable } from "../../nemo/draft";
import { chatStorage, type DraftRead, type Origin, type RenderJob } from "../storage";
import { logRenderError } from "./context";
import { createRenderDelivery } from "./delivery";
import { hashOf } from "./draft";
import { ACTIVE, createRenderJobs } from "./jobs";
import { workspaceLink } from "./link";
import { createRenderPoll } from "./poll";
import { createRenderSubmit } from "./submit";
import type { RenderFlowDeps } from "./types";
import { sendAgain, stopPolling, supersede, versionsOf } from "./versions";

/**
 * Export: submit a render (chat/renders/submit.ts), poll it through the object's alarm (chat/renders/poll.ts), and
 * deliver the MP4 into the chat exactly once (chat/renders/delivery.ts). Each job is persisted under its own key
 * (chat/renders/jobs.ts), so a poll or a delivery resumes after eviction or deploy.
 *
 * Exactly once rests on two rules: a job changes phase only through `jobs.transition`, which refuses when
 * another actor (a /cancel, a second alarm) moved it first; and in one instance a job is worked on by one
 * promise at a time (`inFlight`).
 */
export function createRenderFlow(deps: RenderFlowDeps) {
  const { config, session, now } = deps;
  const jobs = createRenderJobs(deps);
  const ctx = { ...deps, jobs };
  const submit = createRenderSubmit(ctx);
  const poll = createRenderPoll(ctx);
  const deliver = createRenderDelivery(ctx);
  const inFlight = new Set<string>();

  /** Starts delivering in the background unless this instance already is; the job stays "delivering" until sent. */
  function startDelivery(renderId: string): void {
    if (inFlight.has(renderId)) return;
    inFlight.add(renderId);
    const delivery = deliver(renderId)
      .catch((error) => logRenderError(config, "error", "deliver", error))
      .finally(() => inFlight.delete(renderId));
    deps.runInBackground(delivery);
  }

  async function isActive(): Promise<boolean> {
    return (await jobs.list()).some((job) => ACTIVE.includes(job.phase));
  }

  /** Reads the state and decides what an export (explicit, or `auto` after a turn) does. */
  async function startFor(origin: Origin, auto: boolean, known?: DraftRead): Promise<boolean> {
    const texts = t(origin.lang);
    const sender = deps.senderFor(origin);
    // A turn that just read its draft hands it over: the state is not read a second time for the same moment.
    const read =
      known ??
      (await session.run(origin.lang, async (project) => ({
        draft: (await project.client.state(project.record.sessionId)).draft,
        sessionId: project.record.sessionId,
      })));
    const draft = (read.draft ?? {}) as DraftLike;
    const { sessionId } = read;
    if (!isExportable(draft)) {
      if (!auto) await sender.send(texts.notExportable, { replyTo: origin.messageId });
      return false;
    }
    // Refused once for this project (no render scope, plan limit): said once, not after every change.
    if (auto && (await chatStorage(deps.storage).get("exportRefused")) === sessionId) return false;
    const draftHash = await hashOf(draft);
    const versions = versionsOf(await jobs.list(), sessionId);
    if (auto && versions.lastRenderedHash() === draftHash) return false;
    const same = versions.sameDraft(draftHash);
    if (same && ACTIVE.includes(same.phase)) {
      // A second tap on Export (or "export" twice) would render the same video again.
      if (!auto) await sender.send(texts.renderAlreadyRunning, { replyTo: origin.messageId });
      return false;
    }
    if (same) {
      if (!auto) await sendAgain(ctx, same, origin);
      return false;
    }
    await supersede(ctx, versions.olderRunning(draftHash));
    if ((await submit(origin, draft, draftHash, { auto })) === "refused") {
      await chatStorage(deps.storage).put({ exportRefused: sessionId });
      return false;
    }
    await chatStorage(deps.storage).delete("exportRefused");
    return true;
  }

  return {
    /**
     * Export: submits a render when this draft has none; a draft already rendering is joined, and one already
     * delivered is sent again (chat/renders/versions.ts) instead of rendered again.
     */
    async start(origin: Origin): Promise<void> {
      await startFor(origin, false);
    },
    /**
     * After a turn (AUTO_EXPORT): renders the draft when it differs from the last one sent to render, and
     * supersedes an older render still running. True when a render was started.
     */
    startIfChanged(origin: Origin, known?: DraftRead): Promise<boolean> {
      return startFor(origin, true, known);
    },
    /**
     * Whether a render holds the turn queue. With AUTO_EXPORT it never does: the render has its draft already,
     * and the next change must be able to start (and supersede it) at once.
     */
    async holdsQueue(): Promise<boolean> {
      return !config.AUTO_EXPORT && (await isActive());
    },
    /** The alarm's work: polls the renders that are due and (re)starts the deliveries that are pending. */
    async tick(): Promise<void> {
      const all = await jobs.list();
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
      await jobs.pruneFinished(all);
    },
    async nextWakeAt(): Promise<number | undefined> {
      const due = (await jobs.list()).filter((job) => job.phase === "polling").map((job) => job.nextPollAt);
      return due.length ? Math.min(...due) : undefined;
    },
    isActive,
    /** Stops waiting for every render; with `callCancel`, also asks NemoVideo to cancel them. */
    async stopAll(callCancel: boolean): Promise<void> {
      for (const job of await jobs.list()) await stopPolling(ctx, job, { cancelAtNemo: callCancel });
    },
    /** The Open link for the chat's project (also behind the /open command). */
    workspaceLink: (lang: Lang) => workspaceLink(deps, lang),
  };
}

export type RenderFlow = ReturnType<typeof createRenderFlow>;
