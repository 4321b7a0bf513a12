import type { RenderStatus } from "../../nemo/schemas";
import { createSerial, KEYS, type RenderJob, RenderJobSchema } from "../storage";

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
  // Every write of this instance goes through one queue, so two promises never interleave a read-modify-write.
  const exclusive = createSerial();
  const keyOf = (renderId: string) => `${KEYS.renderPrefix}${renderId}`;

  async function read(renderId: string): Promise<RenderJob | undefined> {
    const parsed = RenderJobSchema.safeParse(await storage.get(keyOf(renderId)));
    return parsed.success ? parsed.data : undefined;
  }

  return {
    /** Every stored job; an entry that no longer parses is deleted rather than polled forever. */
    async list(): Promise<RenderJob[]> {
      const stored = await storage.list({ prefix: KEYS.renderPrefix });
      const valid: RenderJob[] = [];
      for (const [key, value] of stored) {
        const parsed = RenderJobSchema.safeParse(value);
        if (parsed.success) valid.push(parsed.data);
        else await storage.delete(key);
      }
      return valid;
    },

    /** Stores a job that was just submitted. */
    create(job: RenderJob): Promise<void> {
      return exclusive(() => storage.put(keyOf(job.renderId), job));
    },

    /** Applies `change` only while the job is still in one of `from`; undefined when it is not (someone else won). */
    transition(
      renderId: string,
      from: RenderPhase[],
      change: (job: RenderJob) => RenderJob,
    ): Promise<RenderJob | undefined> {
      return exclusive(async () => {
        const current = await read(renderId);
        if (!current || !from.includes(current.phase)) return undefined;
        const next = change(current);
        await storage.put(keyOf(renderId), next);
        return next;
      });
    },

    /** Drops the finished jobs among `all` that are older than the TTL. */
    async pruneFinished(all: RenderJob[]): Promise<void> {
      const stale = all.filter((job) => !ACTIVE.includes(job.phase) && now() - job.submittedAt > FINISHED_JOB_TTL_MS);
      if (stale.length > 0) await storage.delete(stale.map((job) => keyOf(job.renderId)));
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
