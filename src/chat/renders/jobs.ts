import type { RenderStatus } from "../../nemo/schemas";
import { ITEM_SCHEMAS, listItems, PREFIXES, type RenderJob, renderKey, updateItem } from "../storage";

export type RenderPhase = RenderJob["phase"];
export type RenderOutput = NonNullable<RenderJob["output"]>;

/** Phases in which a render still needs the bot: waiting for the next poll, or for its video to be sent. */
export const ACTIVE: RenderPhase[] = ["polling", "delivering"];
/** Finished jobs are kept this long so a late alarm or a stale button finds them, then dropped. */
const FINISHED_JOB_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The chat's render jobs, each persisted under its own key so a poll or a delivery resumes after eviction
 * or deploy. A job changes phase only through `transition`, which re-reads it and refuses when another
 * actor (a /cancel, a second alarm) moved it first: that refusal is what makes delivery happen once.
 */
export function createRenderJobs({ storage, now }: { storage: DurableObjectStorage; now: () => number }) {
  const update = (renderId: string, change: (job: RenderJob | undefined) => RenderJob | undefined) =>
    updateItem(storage, renderKey(renderId), ITEM_SCHEMAS.render, change);

  return {
    /** Every stored job; an entry that no longer parses is set aside rather than polled forever. */
    async list(): Promise<RenderJob[]> {
      return (await listItems(storage, PREFIXES.render, ITEM_SCHEMAS.render)).map(([, job]) => job);
    },

    /** Stores a job that was just submitted. */
    async create(job: RenderJob): Promise<void> {
      await update(job.renderId, () => job);
    },

    /** Applies `change` only while the job is still in one of `from`; undefined when it is not (someone else won). */
    async transition(
      renderId: string,
      from: RenderPhase[],
      change: (job: RenderJob) => RenderJob,
    ): Promise<RenderJob | undefined> {
      let moved: RenderJob | undefined;
      await update(renderId, (current) => {
        if (!current || !from.includes(current.phase)) return current;
        moved = change(current);
        return moved;
      });
      return moved;
    },

    /** Drops the finished jobs among `all` that are older than the TTL. */
    async pruneFinished(all: RenderJob[]): Promise<void> {
      const stale = all.filter((job) => !ACTIVE.includes(job.phase) && now() - job.submittedAt > FINISHED_JOB_TTL_MS);
      if (stale.length > 0) await storage.delete(stale.map((job) => renderKey(job.renderId)));
    },
  };
}

export type RenderJobs = ReturnType<typeof createRenderJobs>;

/** The part of a completed status that delivery needs. */
export function outputOf(status: Extract<RenderStatus, { status: "completed" }>): RenderOutput {
  return {
    url: status.outputUrl,
    size: status.size,
    width: status.width,
    height: status.height,
    duration: status.duration,
  };
}
