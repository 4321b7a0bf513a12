import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo";
import { acquireToken, authHeaders, createSession, getJson, readState } from "../../sim/nemo/test-client";

let sim: NemoSim;
beforeAll(async () => {
  // This file asks for more than ten tokens from one address; the cap has its own simulator below.
  sim = await startNemoSim({ seed: 1, timeScale: 0.001, tokenIpCap: 100 });
});
afterAll(() => sim.close());

describe("anonymous token", () => {
  it("issues an nmv_usr_ token with user id, expiry and 100 credits", async () => {
    const { status, body } = await getJson(`${sim.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "x-client-id": "client-happy" },
    });
    expect(status).toBe(200);
    expect(body.code).toBe(0);
    expect(body.data.token).toMatch(/^nmv_usr_[A-Za-z0-9_-]{43}$/);
    expect(body.data.user_id).toMatch(/^anon_[0-9a-f]+$/);
    expect(body.data.credits).toBe(100);
    const ttl = Date.parse(body.data.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["longer than 64 characters", "x".repeat(65)],
  ])("answers 400 when X-Client-Id is %s", async (_, id) => {
    const headers: Record<string, string> = id === undefined ? {} : { "x-client-id": id };
    const { status } = await getJson(`${sim.url}/api/auth/anonymous-token`, { method: "POST", headers });
    expect(status).toBe(400);
  });

  it("answers 429 to a second request for the same client id while its token lives", async () => {
    await acquireToken(sim.url, "client-twice");
    const { status } = await getJson(`${sim.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "x-client-id": "client-twice" },
    });
    expect(status).toBe(429);
  });

  it("re-issues for the same client id once the previous token expired", async () => {
    const first = await acquireToken(sim.url, "client-expiring");
    sim.expireToken(first.token);
    const credits = await getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(first.token) });
    expect(credits.status).toBe(401);
    expect(credits.body.code).toBe(1001);
    const second = await acquireToken(sim.url, "client-expiring");
    expect(second.token).not.toBe(first.token);
  });
});

describe("the per-address anonymous-token cap (issue 17.1)", () => {
  it("gives one address 10 tokens per 7 days by default, then 429 saying so; raising the cap lifts it", async () => {
    const capped = await startNemoSim({ seed: 2, timeScale: 0.001 });
    try {
      for (let i = 0; i < 10; i += 1) await acquireToken(capped.url, `cap-client-${i}`);
      const refused = await getJson(`${capped.url}/api/auth/anonymous-token`, {
        method: "POST",
        headers: { "x-client-id": "cap-client-10" },
      });
      expect(refused.status).toBe(429);
      expect(String(refused.body.detail)).toMatch(/10 tokens per IP address per 7 days/);
      // The per-client rule still answers first for a client that holds a live token.
      const twice = await getJson(`${capped.url}/api/auth/anonymous-token`, {
        method: "POST",
        headers: { "x-client-id": "cap-client-0" },
      });
      expect(String(twice.body.detail)).toMatch(/1 token per client/);
      capped.setTokenIpCap(11);
      expect((await acquireToken(capped.url, "cap-client-10")).token).toMatch(/^nmv_usr_/);
    } finally {
      await capped.close();
    }
  });

  it("can refuse renders for anonymous tokens (no render scope) with 403 or 402", async () => {
    const scoped = await startNemoSim({ seed: 3, timeScale: 0.001, anonymousRenderRefusal: 403 });
    try {
      const { token } = await acquireToken(scoped.url, "scope-client");
      const { sessionId } = await createSession(scoped.url, token);
      const submit = await getJson(`${scoped.url}/api/render/proxy/lambda`, {
        method: "POST",
        headers: {
          ...authHeaders(token),
          "content-type": "application/json",
          "x-skill-source": "s",
          "x-skill-version": "1",
          "x-skill-platform": "p",
        },
        body: JSON.stringify({ id: "r1", sessionId, draft: { t: [{ tt: 0, sg: [{ st: 0, d: 1000 }] }] } }),
      });
      expect(submit.status).toBe(403);
    } finally {
      await scoped.close();
    }
  });
});

describe("bearer rules", () => {
  it.each([
    ["no Authorization header", {}],
    ["an unknown token", { authorization: "Bearer nmv_usr_unknown" }],
  ])("answers 1001 on HTTP 401 for %s", async (_, headers) => {
    const { status, body } = await getJson(`${sim.url}/api/credits/balance/simple`, { headers });
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 1001 });
  });
});

describe("sessions, state and credits", () => {
  it("creates a session with a task id and a 19-digit session id, and records the language", async () => {
    const { token } = await acquireToken(sim.url);
    const { status, body } = await getJson(`${sim.url}/api/tasks/me/with-session/nemo_agent`, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify({ task_name: "project", language: "ja" }),
    });
    expect(status).toBe(200);
    expect(body.data.task_id).toMatch(/^task_/);
    expect(body.data.session_id).toMatch(/^[1-9]\d{18}$/);
    expect(sim.sessions()).toContain(body.data.session_id);
    expect(sim.requests.at(-1)?.bodySummary).toEqual({ task_name: "project", language: "ja" });
  });

  it("accepts the concrete anon id as the path user segment", async () => {
    const { token, userId } = await acquireToken(sim.url);
    const { sessionId } = await createSession(sim.url, token, userId);
    const { status, body } = await getJson(`${sim.url}/api/state/nemo_agent/${userId}/${sessionId}/latest`, {
      headers: authHeaders(token, false),
    });
    expect(status).toBe(200);
    expect(body.data.session_id).toBe(sessionId);
  });

  it("returns an empty project's state with draft {t: []}", async () => {
    const { token } = await acquireToken(sim.url);
    const { sessionId, taskId } = await createSession(sim.url, token);
    const state = await readState(sim.url, token, sessionId);
    expect(state).toMatchObject({ code: 0, data: { session_id: sessionId, task_id: taskId, task_name: "project" } });
    expect(state.data.state).toMatchObject({ draft: { t: [] }, video_infos: [], generated_media: [] });
    expect(state.data.state.canvas_config).toMatchObject({ width: 1080, height: 1920 });
  });

  it("answers 1002 for an unknown, dropped or foreign session", async () => {
    const a = await acquireToken(sim.url);
    const b = await acquireToken(sim.url);
    const { sessionId } = await createSession(sim.url, a.token);
    const foreign = await getJson(`${sim.url}/api/state/nemo_agent/me/${sessionId}/latest`, {
      headers: authHeaders(b.token),
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 1002]);
    sim.dropSession(sessionId);
    const dropped = await getJson(`${sim.url}/api/state/nemo_agent/me/${sessionId}/latest`, {
      headers: authHeaders(a.token),
    });
    expect([dropped.status, dropped.body.code]).toEqual([404, 1002]);
  });

  it("reports credits as available, frozen and total, and follows setCredits", async () => {
    const { token } = await acquireToken(sim.url);
    const before = await getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(token) });
    expect(before.body).toEqual({ code: 0, message: "success", data: { available: 100, frozen: 0, total: 100 } });
    sim.setCredits(token, 7);
    const after = await getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(token) });
    expect(after.body.data).toEqual({ available: 7, frozen: 0, total: 7 });
  });

  it("hands out a claim token for an own session", async () => {
    const { token } = await acquireToken(sim.url);
    const { sessionId, taskId } = await createSession(sim.url, token);
    const { status, body } = await getJson(`${sim.url}/api/auth/claim-token`, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify({ task_id: taskId, session_id: sessionId }),
    });
    expect(status).toBe(200);
    expect(body.data.claim_token).toMatch(/^clm_/);
    expect(body.data.expires_in).toBe(604800);
  });

  it("records every request with lower-cased headers, authorization included", async () => {
    const { token } = await acquireToken(sim.url, "client-recorded");
    await getJson(`${sim.url}/api/credits/balance/simple`, { headers: authHeaders(token) });
    const last = sim.requests.at(-1);
    expect(last).toMatchObject({ method: "GET", endpoint: "credits", status: 200 });
    expect(last?.headers.authorization).toBe(`Bearer ${token}`);
    expect(last?.headers["x-skill-source"]).toBe("nemo-video");
  });
});
