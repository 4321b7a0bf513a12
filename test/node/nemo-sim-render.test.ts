import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo";
import { acquireToken, authHeaders, createSession, getJson, SKILL_HEADERS } from "../../sim/nemo/test-client";

const DRAFT = { t: [{ tt: 0, sg: [{ id: "s1", st: 0, d: 10_000, m: { name: "Clip" } }] }], d: 10_000 };
// renderDurationMs 30 s × 0.01 = 300 ms of real time per render.
const OPTIONS = { seed: 11, timeScale: 0.01, renderBytes: 200_000 };

let sim: NemoSim;
let token: string;
let sessionId: string;
let n = 0;

beforeAll(async () => {
  sim = await startNemoSim(OPTIONS);
  ({ token } = await acquireToken(sim.url));
  ({ sessionId } = await createSession(sim.url, token));
});
afterAll(() => sim.close());

function submit(body: Record<string, unknown>, headers = authHeaders(token)) {
  return getJson(`${sim.url}/api/render/proxy/lambda`, { method: "POST", headers, body: JSON.stringify(body) });
}
const renderBody = (id = `render_${++n}`) => ({
  id,
  sessionId,
  draft: DRAFT,
  output: { format: "mp4", quality: "high" },
});
const poll = (id: string) => getJson(`${sim.url}/api/render/proxy/lambda/${id}`, { headers: authHeaders(token) });
const sha = (b: ArrayBuffer) => createHash("sha256").update(new Uint8Array(b)).digest("hex");

// biome-ignore lint/suspicious/noExplicitAny: the two render shapes are read loosely on purpose
async function untilDone(id: string): Promise<{ statuses: string[]; progress: number[]; last: Record<string, any> }> {
  const statuses: string[] = [];
  const progress: number[] = [];
  for (;;) {
    const { body } = await poll(id);
    const payload = body.data ?? body;
    statuses.push(payload.status);
    progress.push(payload.progress);
    if (payload.status === "completed" || payload.status === "failed") return { statuses, progress, last: body };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("render in shape R1 (default)", () => {
  it("goes pending → processing → completed with growing progress and a downloadable MP4", async () => {
    const id = "render_r1";
    const submitted = await submit(renderBody(id));
    expect(submitted).toMatchObject({
      status: 200,
      body: { success: true, data: { id, status: "pending", progress: 5 } },
    });
    const { statuses, progress, last } = await untilDone(id);
    // The first poll may already miss the short pending phase on a loaded machine; order is what counts.
    const order = ["pending", "processing", "completed"];
    expect(statuses.map((s) => order.indexOf(s))).toEqual(statuses.map((s) => order.indexOf(s)).sort());
    expect(statuses).toContain("processing");
    expect(statuses.at(-1)).toBe("completed");
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    const data = last.data;
    expect(data.outputUrl).toBe(`${sim.url}/render-result/${id}.mp4`);
    expect(data.completedAt - data.createdAt).toBe(300);

    const file = await fetch(data.outputUrl);
    expect(file.headers.get("content-type")).toBe("video/mp4");
    expect(file.headers.get("content-length")).toBe("200000");
    const bytes = await file.arrayBuffer();
    expect(bytes.byteLength).toBe(200_000);
    expect(Buffer.from(bytes.slice(4, 8)).toString("latin1")).toBe("ftyp");
    expect(sha(bytes)).toBe(sim.renderSha256(id));
    expect(sim.renders.get(id)).toMatchObject({
      sessionId,
      status: "completed",
      progress: 100,
      size: 200_000,
      sha256: sim.renderSha256(id),
    });

    const download = await fetch(`${sim.url}/api/render/proxy/${id}/download`, { headers: authHeaders(token) });
    expect(download.headers.get("content-length")).toBe("200000");
    expect(sha(await download.arrayBuffer())).toBe(sim.renderSha256(id));
  });
});

describe("render in shape R2", () => {
  it("answers flat {taskId, status, progress, output: {url, duration, size}}", async () => {
    sim.setRenderShape("r2");
    try {
      const id = "render_r2";
      await submit(renderBody(id));
      const { last } = await untilDone(id);
      expect(last).toEqual({
        taskId: id,
        status: "completed",
        progress: 100,
        output: { url: `${sim.url}/render-result/${id}.mp4`, duration: 10, size: 200_000 },
      });
      const file = await fetch(last.output.url);
      expect(sha(await file.arrayBuffer())).toBe(sim.renderSha256(id));
      // Each render id has its own bytes.
      expect(sim.renderSha256(id)).not.toBe(sim.renderSha256("render_r1"));
    } finally {
      sim.setRenderShape("r1");
    }
  });
});

describe("render strictness", () => {
  it("answers HTTP 402 when an X-Skill-* header is missing", async () => {
    const { "x-skill-platform": _, ...partial } = SKILL_HEADERS;
    const res = await submit(renderBody(), {
      ...partial,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    });
    expect(res.status).toBe(402);
  });

  it("answers 409 duplicate id for a reused id", async () => {
    const body = renderBody();
    await submit(body);
    const again = await submit(body);
    expect(again).toMatchObject({ status: 409, body: { success: false, error: "duplicate id" } });
  });

  it("refuses a draft without segments as invalid draft", async () => {
    const res = await submit({ ...renderBody(), draft: { t: [{ tt: 0, sg: [] }] } });
    expect(res).toMatchObject({ status: 400, body: { success: false, error: "invalid draft" } });
  });

  it("answers 1001 without a valid token", async () => {
    const res = await submit(renderBody(), { ...SKILL_HEADERS, authorization: "Bearer nope" });
    expect([res.status, res.body.code]).toEqual([401, 1001]);
  });

  it("cancels a running render: it ends failed with error cancelled", async () => {
    const id = `render_cancel`;
    await submit(renderBody(id));
    const cancel = await getJson(`${sim.url}/api/render/proxy/lambda/${id}/cancel`, {
      method: "POST",
      headers: authHeaders(token),
    });
    expect(cancel.body).toMatchObject({ success: true, data: { status: "failed" } });
    const { body } = await poll(id);
    expect(body.data).toMatchObject({ status: "failed", error: "cancelled" });
    expect((await fetch(`${sim.url}/render-result/${id}.mp4`)).status).toBe(404);
  });

  it("fails the next render halfway after failRender()", async () => {
    sim.failRender(undefined, "encoder crashed");
    const id = "render_fails";
    await submit(renderBody(id));
    const { statuses, last } = await untilDone(id);
    expect(statuses.at(-1)).toBe("failed");
    expect(last.data.error).toBe("encoder crashed");
  });
});
