import { authenticate, type Sim, scaled } from "./context";
import { totalMs, tracks } from "./draft";
import { type Ctx, head, isObject, readJson, sendJson, sendRenderError } from "./http";
import { mp4Chunks } from "./mp4";
import { RenderJob, statusBody } from "./render";
import type { Draft } from "./types";

const SKILL_HEADERS = ["x-skill-source", "x-skill-version", "x-skill-platform"] as const;

export const outputUrl = (sim: Sim, id: string) => `${sim.url}/render-result/${encodeURIComponent(id)}.mp4`;

/** POST /api/render/proxy/lambda (§8). Export is free; attribution headers are mandatory here (§0.3). */
export async function renderSubmit(ctx: Ctx, sim: Sim): Promise<void> {
  const account = authenticate(ctx, sim);
  if (!account) return;
  const body = await readJson(ctx);
  if (body === undefined) return;
  const missing = SKILL_HEADERS.filter((h) => !ctx.req.headers[h]);
  if (missing.length > 0) return sendRenderError(ctx, 402, `export blocked: missing ${missing.join(", ")}`);
  // Since skill v1.8 anonymous tokens carry read, write, upload but not render (§1).
  const refusal = sim.config.anonymousRenderRefusal;
  if (refusal !== undefined && account.anonymous) {
    return sendRenderError(ctx, refusal, "token lacks the render scope: register to export");
  }
  if (!isObject(body) || typeof body.id !== "string" || body.id === "" || typeof body.sessionId !== "string") {
    return sendRenderError(ctx, 400, "invalid request: id and sessionId are required strings");
  }
  if (!isObject(body.draft)) return sendRenderError(ctx, 400, "invalid request: draft is required");
  if (body.output !== undefined && !isObject(body.output))
    return sendRenderError(ctx, 400, "invalid request: output must be an object");
  if (!sim.store.sessionFor(account, body.sessionId))
    return sendRenderError(ctx, 404, "session not found", { code: 1002 });
  if (sim.renders.has(body.id)) return sendRenderError(ctx, 409, "duplicate id");
  const draft = body.draft as Draft;
  const hasSegment = Array.isArray(draft.t) && tracks(draft).some((t) => Array.isArray(t.sg) && t.sg.length > 0);
  if (!hasSegment) return sendRenderError(ctx, 400, "invalid draft");

  const duration = Math.max(1, scaled(sim, sim.config.renderDurationMs));
  const noise = Array.from({ length: 10 }, () => sim.rng.int(-3, 3));
  const seconds = (totalMs(structuredClone(draft)) || 15_000) / 1000;
  const job = new RenderJob(
    body.id,
    body.sessionId,
    account.userId,
    sim.config.renderBytes,
    Date.now(),
    duration,
    noise,
    seconds,
  );
  if (sim.failNextRender !== undefined) {
    job.fail(sim.failNextRender, job.submittedAt + duration / 2);
    sim.failNextRender = undefined;
  }
  if (sim.hangNextRender !== undefined) {
    // A stall freezes the progress partway (40%), after the render has visibly started.
    job.hang(sim.hangNextRender, job.submittedAt + duration * 0.4);
    sim.hangNextRender = undefined;
  }
  sim.renders.set(job.id, job);
  sendJson(ctx, 200, { success: true, data: { id: job.id, status: "pending", progress: 5 } });
}

function ownJob(ctx: Ctx, sim: Sim): RenderJob | undefined {
  const account = authenticate(ctx, sim);
  if (!account) return undefined;
  const job = sim.renders.get(ctx.params.id ?? "");
  if (!job || job.userId !== account.userId) sendRenderError(ctx, 404, "render not found");
  return job && job.userId === account.userId ? job : undefined;
}

/** GET /api/render/proxy/lambda/{id} (§9) in the shape chosen now (R1 or R2). */
export function renderStatus(ctx: Ctx, sim: Sim): void {
  const job = ownJob(ctx, sim);
  if (job) sendJson(ctx, 200, statusBody(job, sim.config.renderShape, outputUrl(sim, job.id)));
}

/** POST /api/render/proxy/lambda/{id}/cancel (§10): the job ends as failed with error "cancelled". */
export function renderCancel(ctx: Ctx, sim: Sim) {
  const job = ownJob(ctx, sim);
  if (!job) return;
  if (job.status === "completed") return sendRenderError(ctx, 409, "render already completed");
  job.fail("cancelled");
  sendJson(ctx, 200, {
    success: true,
    data: { id: job.id, status: job.status, progress: job.progress, error: job.error },
  });
}

/** GET /api/render/proxy/{id}/download (§11), Bearer required. */
export function renderDownload(ctx: Ctx, sim: Sim) {
  const job = ownJob(ctx, sim);
  if (!job) return;
  if (job.status !== "completed") return sendRenderError(ctx, 404, "render not ready");
  streamMp4(ctx, job);
}

/** GET|HEAD /render-result/{id}.mp4: the public output URL, no auth (like a CDN). */
export function renderOutput(ctx: Ctx, sim: Sim): void {
  const id = decodeURIComponent((ctx.params.file ?? "").replace(/\.mp4$/, ""));
  const job = sim.renders.get(id);
  if (job?.status !== "completed") {
    head(ctx, 404, { "content-type": "text/plain" });
    ctx.res.end("Not Found");
    return;
  }
  streamMp4(ctx, job);
}

/** Streams the deterministic MP4 with backpressure, one 64 KB chunk at a time. */
function streamMp4(ctx: Ctx, job: RenderJob): void {
  head(ctx, 200, {
    "content-type": "video/mp4",
    "content-length": job.size,
    "content-disposition": `attachment; filename="${job.id}.mp4"`,
  });
  if (ctx.req.method === "HEAD") {
    ctx.res.end();
    return;
  }
  const chunks = mp4Chunks(job.id, job.size);
  const pump = () => {
    for (let r = chunks.next(); !r.done; r = chunks.next()) {
      if (!ctx.res.write(r.value)) {
        ctx.res.once("drain", pump);
        return;
      }
    }
    ctx.res.end();
  };
  ctx.res.on("close", () => chunks.return(undefined));
  pump();
}
