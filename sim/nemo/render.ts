import { mp4Sha256 } from "./mp4";
import type { RenderInfo, RenderShape } from "./types";

export type RenderStatus = "pending" | "processing" | "completed" | "failed";
/** A render that never ends: its progress keeps creeping to 99 ("never-complete") or freezes ("stall"). */
export type RenderHang = "never-complete" | "stall";

/**
 * One export job. Its status is a pure function of the clock (submitted + duration), computed when read,
 * so no timers run and a paused test sees a consistent answer. Getters keep `sim.renders` live.
 */
export class RenderJob implements RenderInfo {
  private failedAt?: number;
  private failReason?: string;
  private maxSeen = 5;
  private hash?: string;
  /** Set by `hang`: the render never completes; with "stall" its progress stops moving at `frozenAt`. */
  private hangMode?: RenderHang;
  private frozenAt?: number;

  constructor(
    readonly id: string,
    readonly sessionId: string,
    readonly userId: string,
    readonly size: number,
    readonly submittedAt: number,
    readonly durationMs: number,
    /** Seeded noise per tenth of the render, so progress is "roughly linear" but not a straight line. */
    private readonly noise: number[],
    /** Seconds of video, for R2's `output.duration`. */
    readonly videoSeconds: number,
  ) {}

  get status(): RenderStatus {
    const now = Date.now();
    if (this.failedAt !== undefined && now >= this.failedAt) return "failed";
    const elapsed = now - this.submittedAt;
    if (elapsed >= this.durationMs && this.hangMode === undefined) return "completed";
    return elapsed < this.durationMs * 0.1 ? "pending" : "processing";
  }

  get progress(): number {
    const status = this.status;
    if (status === "completed") return 100;
    if (status === "processing") {
      const at = this.frozenAt === undefined ? Date.now() : Math.min(Date.now(), this.frozenAt);
      const frac = (at - this.submittedAt) / this.durationMs;
      const jitter = this.noise[Math.min(9, Math.floor(frac * 10))] ?? 0;
      const p = Math.round(Math.min(99, Math.max(6, 5 + 90 * frac + jitter)));
      this.maxSeen = Math.max(this.maxSeen, p);
    }
    return this.maxSeen;
  }

  get completedAt(): number | undefined {
    return this.status === "completed" ? this.submittedAt + this.durationMs : undefined;
  }

  get error(): string | undefined {
    return this.status === "failed" ? this.failReason : undefined;
  }

  get sha256(): string | undefined {
    if (this.status !== "completed") return undefined;
    this.hash ??= mp4Sha256(this.id, this.size);
    return this.hash;
  }

  /**
   * Makes the render never complete: "never-complete" keeps its progress creeping up to 99 and holding
   * there, "stall" freezes it at `at` (default now; a time before processing starts freezes it at 5).
   */
  hang(mode: RenderHang, at = Date.now()): boolean {
    if (this.status === "completed" || this.status === "failed") return false;
    this.hangMode = mode;
    if (mode === "stall") this.frozenAt = at;
    return true;
  }

  /** Fails the job at `at` (default now) unless it has already completed by then. */
  fail(reason: string, at = Date.now()): boolean {
    if (this.status === "completed" || this.status === "failed") return false;
    this.failedAt = at;
    this.failReason = reason;
    return true;
  }

  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      sessionId: this.sessionId,
      status: this.status,
      progress: this.progress,
      size: this.size,
      submittedAt: this.submittedAt,
      completedAt: this.completedAt,
      sha256: this.sha256,
      error: this.error,
    };
  }
}

/** Body of a status poll in the configured shape (§9). */
export function statusBody(job: RenderJob, shape: RenderShape, outputUrl: string): unknown {
  const status = job.status;
  const done = status === "completed";
  if (shape === "r2") {
    return {
      taskId: job.id,
      status,
      progress: job.progress,
      ...(done ? { output: { url: outputUrl, duration: job.videoSeconds, size: job.size } } : {}),
      ...(job.error === undefined ? {} : { error: job.error }),
    };
  }
  return {
    success: true,
    data: {
      id: job.id,
      status,
      progress: job.progress,
      ...(done ? { outputUrl } : {}),
      createdAt: job.submittedAt,
      ...(done ? { completedAt: job.completedAt } : {}),
      ...(job.error === undefined ? {} : { error: job.error }),
    },
  };
}
