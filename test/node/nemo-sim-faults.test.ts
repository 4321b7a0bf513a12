import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo";
import { acquireToken, authHeaders, createSession, getJson, runTurn } from "../../sim/nemo/test-client";

let sim: NemoSim;
let token: string;
let sessionId: string;
beforeAll(async () => {
  sim = await startNemoSim({ seed: 5, timeScale: 0.001 });
  ({ token } = await acquireToken(sim.url));
  ({ sessionId } = await createSession(sim.url, token));
});
beforeEach(() => sim.reset());
afterAll(() => sim.close());

const credits = () => getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(token) });

describe("faults", () => {
  it("answers a queued HTTP status for `times` calls, then recovers", async () => {
    sim.fault("credits", { status: 503, times: 2 });
    expect((await credits()).status).toBe(503);
    expect((await credits()).body).toEqual({ detail: "Internal Server Error" });
    expect((await credits()).status).toBe(200);
  });

  it("puts an envelope code on HTTP 200 when codeOnHttp200, or on its 4xx otherwise", async () => {
    sim.fault("credits", { code: 1001, codeOnHttp200: true });
    sim.fault("state", { code: 1002 });
    const onOk = await credits();
    expect([onOk.status, onOk.body.code]).toEqual([200, 1001]);
    const on4xx = await getJson(`${sim.url}/api/state/nemo_agent/me/${sessionId}/latest`, {
      headers: authHeaders(token),
    });
    expect([on4xx.status, on4xx.body.code]).toEqual([404, 1002]);
  });

  it("delays an answer by delayMs of real time", async () => {
    sim.fault("credits", { delayMs: 150 });
    const started = Date.now();
    const res = await credits();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("destroys the socket on reset", async () => {
    sim.fault("*", { reset: true });
    await expect(credits()).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ endpoint: "credits", status: 0 });
  });

  it("sends a raw malformed body", async () => {
    sim.fault("run_sse", { body: "{not json" });
    const turn = await runTurn(sim.url, token, sessionId, "hi");
    expect([turn.status, turn.raw]).toEqual([200, "{not json"]);
    expect(sim.session(sessionId)?.turns).not.toContain("hi");
  });

  it("answers 429 with Retry-After for retryAfterS", async () => {
    sim.fault("render-status", { retryAfterS: 7 });
    const res = await getJson(`${sim.url}/api/render/proxy/lambda/x`, { headers: authHeaders(token) });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.body).toEqual({ success: false, error: "Too Many Requests" });
  });

  it("applies an endpoint-specific fault before a wildcard one", async () => {
    sim.fault("*", { status: 500 });
    sim.fault("credits", { status: 502 });
    expect((await credits()).status).toBe(502);
    expect((await credits()).status).toBe(500);
    expect((await credits()).status).toBe(200);
  });
});

describe("control surface", () => {
  const post = (path: string, body: unknown) =>
    getJson(`${sim.url}/__sim/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("queues a fault over HTTP", async () => {
    expect((await post("fault", { endpoint: "credits", status: 418 })).status).toBe(200);
    expect((await credits()).status).toBe(418);
    expect((await post("fault", { endpoint: "nope", status: 418 })).status).toBe(400);
  });

  it("queues a scripted turn over HTTP", async () => {
    await post("script", { sessionId, events: [{ event: { type: "text", content: "from control" } }], creditsCost: 0 });
    const turn = await runTurn(sim.url, token, sessionId, "whatever");
    expect(turn.events).toEqual([{ type: "text", content: "from control" }]);
  });

  it("lists recorded requests (without control calls) and resets them", async () => {
    await credits();
    const listed = await getJson(`${sim.url}/__sim/requests`);
    expect(listed.body.map((r: { endpoint: string }) => r.endpoint)).toEqual(["credits"]);
    await post("reset", {});
    expect((await getJson(`${sim.url}/__sim/requests`)).body).toEqual([]);
    expect(sim.sessions()).toContain(sessionId);
  });

  it("shows a session's draft, uploads and turns", async () => {
    const { body } = await getJson(`${sim.url}/__sim/sessions/${sessionId}`);
    expect(body).toMatchObject({ draft: expect.any(Object), uploads: [], turns: expect.any(Array) });
    expect((await getJson(`${sim.url}/__sim/sessions/0`)).status).toBe(404);
  });

  it("sets credits, expires tokens and drops sessions over HTTP", async () => {
    const other = await acquireToken(sim.url);
    const s = await createSession(sim.url, other.token);
    await post("credits", { token: other.token, available: 3 });
    expect(sim.credits(other.token)?.available).toBe(3);
    await post("drop-session", { sessionId: s.sessionId });
    expect(sim.sessions()).not.toContain(s.sessionId);
    await post("expire-token", { token: other.token });
    const res = await getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(other.token) });
    expect(res.body.code).toBe(1001);
  });

  it("forgets tokens and sessions only on a full reset", async () => {
    await post("reset", { full: true });
    expect(sim.sessions()).toEqual([]);
    expect((await credits()).body.code).toBe(1001);
  });
});
