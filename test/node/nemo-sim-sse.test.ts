import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo";
import { styleOf } from "../../sim/nemo/style";
import { acquireToken, authHeaders, createSession, getJson, readState, runTurn } from "../../sim/nemo/test-client";

// 0.004: a 100–300 s generation plays in 0.4–1.2 s, a 5–15 s text reply in 20–60 ms.
// These tests pin the tidy wire shapes, so drifted field types are off here (drift has its own tests), and
// accounts get enough credits for a generation plus edits at the spec's costs.
const FAST = { seed: 7, timeScale: 0.004, temporaryIssueRate: 0, driftRate: 0, initialCredits: 1_000 };

async function newSession(sim: NemoSim) {
  const { token } = await acquireToken(sim.url);
  const { sessionId } = await createSession(sim.url, token);
  return { token, sessionId };
}

describe("ADK dialect (default)", () => {
  let sim: NemoSim;
  beforeAll(async () => {
    // The exact extras are asserted below: pinned (by default they vary per generation).
    sim = await startNemoSim({ ...FAST, silentEditRate: 0, extras: ["bgm", "title"] });
  });
  afterAll(() => sim.close());

  it("plays a two-stage generation with thoughts, partials and all three heartbeat forms, then closes", async () => {
    const { token, sessionId } = await newSession(sim);
    const turn = await runTurn(sim.url, token, sessionId, "Make a 30-second TikTok video about city life");
    expect(turn.status).toBe(200);
    expect(turn.contentType).toMatch(/^text\/event-stream/);
    expect(turn.cut).toBe(false);

    // Heartbeats: JSON, empty data line, comment.
    expect(turn.events).toContainEqual({ type: "heartbeat" });
    expect(turn.frames).toContainEqual({ kind: "data", data: "", json: undefined });
    expect(turn.frames).toContainEqual({ kind: "comment", text: "keep-alive" });

    const adk = turn.events.filter((e) => e.author === "nemo_agent");
    for (const e of adk) {
      expect(e).toMatchObject({
        id: expect.any(String),
        invocationId: expect.any(String),
        actions: { stateDelta: {} },
      });
      expect(typeof e.timestamp).toBe("number");
    }
    const parts = adk.flatMap((e) => e.content.parts);
    const calls = parts.filter((p) => p.functionCall).map((p) => p.functionCall.name);
    const results = parts.filter((p) => p.functionResponse).map((p) => p.functionResponse.name);
    expect(calls).toEqual(["generate_video_with_seedance", "edit_multitrack"]);
    expect(results).toEqual(["generate_video_with_seedance", "edit_multitrack"]);
    expect(parts.some((p) => p.thought === true)).toBe(true);
    expect(adk.some((e) => e.partial === true)).toBe(true);

    const finalTexts = adk
      .filter((e) => !e.partial)
      .flatMap((e) =>
        e.content.parts
          .filter((p: { thought?: boolean; text?: string }) => p.text && !p.thought)
          .map((p: { text: string }) => p.text),
      );
    expect(finalTexts[0]).toMatch(/^Here is your raw clip: a 30-second vertical video/);
    expect(finalTexts[1]).toContain("Click the Export button");

    const { draft } = (await readState(sim.url, token, sessionId)).data.state;
    expect(draft.d).toBe(30_000);
    expect(draft.t.map((t: { tt: number }) => t.tt)).toEqual([0, 1, 7]);
    expect(draft.t[1].sg[0].m).toMatchObject({ name: "Lo-fi Beats", volume: 0.35 });
    expect(draft.t[2].sg[0]).toMatchObject({ st: 0, d: 3000, m: { text: "Urban Dreams" } });
  });

  it("builds the video track from uploads sent before the generation turn", async () => {
    const { token, sessionId } = await newSession(sim);
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(10)], { type: "image/jpeg" }), "a.jpg");
    form.append("files", new Blob([new Uint8Array(20)], { type: "image/jpeg" }), "b.jpg");
    await fetch(`${sim.url}/api/upload-video/nemo_agent/me/${sessionId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    await runTurn(sim.url, token, sessionId, "turn my photos into a slideshow");
    const video = sim.session(sessionId)?.draft.t?.[0];
    expect(video?.sg?.map((s) => s.m?.name)).toEqual(["a.jpg", "b.jpg"]);
  });

  it("edits the draft and describes the change in text", async () => {
    const { token, sessionId } = await newSession(sim);
    await runTurn(sim.url, token, sessionId, "create a video of the beach");
    const turn = await runTurn(sim.url, token, sessionId, 'change the title to "Beach Day" and make it bigger');
    const texts = turn.events
      .filter((e) => !e.partial)
      .flatMap((e) => e.content?.parts ?? [])
      .filter((p) => p.text && !p.thought);
    expect(texts.map((p) => p.text).join(" ")).toContain('"Beach Day"');
    const title = sim.session(sessionId)?.draft.t?.find((t) => t.tt === 7)?.sg?.[0];
    expect(title?.m).toMatchObject({ text: "Beach Day" });
    // The size sits under whichever spelling the segment was created with (font_size, fontSize or size).
    expect(styleOf(title?.m, "size")).toBe(60);
  });

  it("answers other messages with a short text after 5-15 simulated seconds", async () => {
    const { token, sessionId } = await newSession(sim);
    const started = Date.now();
    const turn = await runTurn(sim.url, token, sessionId, "hello, what can you do?");
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    const calls = turn.events.flatMap((e) => e.content.parts).filter((p) => p.functionCall);
    expect(calls).toEqual([]);
    expect(turn.events.at(-1).content.parts.at(-1).text).toMatch(/videos/);
  });

  it("charges each turn once and records its text; 2001 once credits run out", async () => {
    const { token, sessionId } = await newSession(sim);
    // A generation costs 100 by default (nemo-api.md §7).
    sim.setCredits(token, 102);
    await runTurn(sim.url, token, sessionId, "generate a video of cats");
    expect(sim.credits(token)).toEqual({ available: 2, frozen: 0, total: 2 });
    const refused = await runTurn(sim.url, token, sessionId, "add music");
    expect(refused.status).toBe(403);
    expect(refused.contentType).toMatch(/application\/json/);
    expect(JSON.parse(refused.raw)).toMatchObject({ code: 2001 });
    expect(sim.session(sessionId)?.turns).toEqual(["generate a video of cats"]);
  });

  it.each([
    ["app_name is not nemo_agent", { app_name: "other" }, 404],
    ["new_message has no text", { new_message: { parts: [{}] } }, 422],
    ["session_id is missing", { session_id: undefined }, 422],
  ])("rejects a body where %s", async (_, patch, status) => {
    const { token, sessionId } = await newSession(sim);
    const body = {
      app_name: "nemo_agent",
      user_id: "me",
      session_id: sessionId,
      new_message: { parts: [{ text: "hi" }] },
      ...patch,
    };
    const res = await getJson(`${sim.url}/run_sse`, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(status);
  });

  it("answers 1002 for an unknown session and 1001 for an expired token", async () => {
    const { token, sessionId } = await newSession(sim);
    const unknown = await runTurn(sim.url, token, "1234567890123456789", "hi");
    expect([unknown.status, JSON.parse(unknown.raw).code]).toEqual([404, 1002]);
    sim.expireToken(token);
    const expired = await runTurn(sim.url, token, sessionId, "hi");
    expect([expired.status, JSON.parse(expired.raw).code]).toEqual([401, 1001]);
  });
});

describe("typed dialect", () => {
  let sim: NemoSim;
  beforeAll(async () => {
    sim = await startNemoSim({ ...FAST, dialect: "typed" });
  });
  afterAll(() => sim.close());

  it("sends {type} events: tool_call, heartbeat, tool_result, text", async () => {
    const { token, sessionId } = await newSession(sim);
    const turn = await runTurn(sim.url, token, sessionId, "generate a video of a sunset");
    const types = new Set(turn.events.map((e) => e.type));
    expect([...types].sort()).toEqual(["heartbeat", "text", "tool_call", "tool_result"]);
    expect(turn.events[0]).toMatchObject({
      type: "tool_call",
      name: "generate_video_with_seedance",
      args: expect.any(Object),
    });
    expect(turn.events.find((e) => e.type === "tool_result")).toMatchObject({ result: { status: "success" } });
    expect(turn.events.filter((e) => e.type === "text").at(-1).content).toContain("Export button");
    expect(turn.frames.some((f) => f.kind === "comment")).toBe(true);
    expect(turn.frames.some((f) => f.kind === "data" && f.data === "")).toBe(true);
  });

  it("plays a silent edit: tool events only, and the draft really changes", async () => {
    const silent = await startNemoSim({ ...FAST, dialect: "typed", silentEditRate: 1 });
    try {
      const { token, sessionId } = await newSession(silent);
      await runTurn(silent.url, token, sessionId, "create a video");
      const before = JSON.stringify(silent.session(sessionId)?.draft);
      const turn = await runTurn(silent.url, token, sessionId, "make the title bigger");
      expect(turn.events.filter((e) => e.type === "text")).toEqual([]);
      expect(turn.events.map((e) => e.type).filter((t) => t !== "heartbeat")).toEqual(["tool_call", "tool_result"]);
      expect(JSON.stringify(silent.session(sessionId)?.draft)).not.toBe(before);
    } finally {
      await silent.close();
    }
  });
});

describe("scripted turns", () => {
  let sim: NemoSim;
  beforeAll(async () => {
    sim = await startNemoSim(FAST);
  });
  afterAll(() => sim.close());

  it("plays the script verbatim, raw frames included, and applies draftAfter", async () => {
    const { token, sessionId } = await newSession(sim);
    const draft = { t: [{ tt: 0, sg: [{ id: "s1", st: 0, d: 5000, m: { name: "Clip" } }] }], d: 5000 };
    sim.scriptTurn({
      sessionId,
      events: [
        { event: { raw: ": ping\n\n" } },
        { event: { type: "text", content: "hello" } },
        { event: { raw: "data:\n\n" } },
      ],
      draftAfter: draft,
      creditsCost: 0,
    });
    const turn = await runTurn(sim.url, token, sessionId, "anything");
    expect(turn.raw).toBe(': ping\n\ndata: {"type":"text","content":"hello"}\n\ndata:\n\n');
    expect(sim.session(sessionId)?.draft).toEqual(draft);
    expect(sim.credits(token)?.available).toBe(FAST.initialCredits);
  });

  it("cuts the connection after cutAfter events, mid-turn, and still finishes the turn server-side", async () => {
    const { token, sessionId } = await newSession(sim);
    const draft = { t: [{ tt: 0, sg: [{ id: "s2", st: 0, d: 1000 }] }] };
    sim.scriptTurn({
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        { delayMs: 5000, event: { type: "heartbeat" } },
        { delayMs: 5000, event: { type: "text", content: "never seen" } },
      ],
      cutAfter: 2,
      draftAfter: draft,
    });
    const turn = await runTurn(sim.url, token, sessionId, "add a caption");
    expect(turn.cut).toBe(true);
    expect(turn.events).toEqual([{ type: "tool_call", name: "edit_multitrack", args: {} }, { type: "heartbeat" }]);
    await expect.poll(() => sim.session(sessionId)?.draft, { timeout: 2000 }).toEqual(draft);
  });
});
