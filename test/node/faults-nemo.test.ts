import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Draft } from "../../sim/nemo/types";
import { type Stack, startStack } from "../support/stack";
import {
  buildFlow,
  chatRecord,
  deliverAlbum,
  expectNothingLostOrDoubled,
  type Flow,
  nemoSince,
  okCalls,
  turnReached,
  until,
  waitForOutcome,
} from "./faults-harness";

/**
 * NemoVideo-side faults injected into the full photos → video flow of one chat each: 5xx bursts, 429,
 * 1001 (token expired) and 1002 (session gone) mid-flow, an SSE stream cut mid-turn, malformed JSON.
 * Scenarios share one stack and run one after another, because simulator faults apply to an endpoint.
 */
describe("the photos → video flow under NemoVideo faults", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Renders of 1.5 s (150 simulated seconds) so a render is polled several times.
    stack = await startStack({
      // More than ten chats from one address: the per-address token cap (tested in e2e-accounts-cap) is raised.
      nemo: { silentEditRate: 0, temporaryIssueRate: 0, renderDurationMs: 150_000, tokenIpCap: 100 },
      // Rechecks after a lost stream in proportion to the simulated generation (1-3 s here), as 30 s is to
      // 100-300 s in production: five unchanged reads must not all fall inside one generation.
      vars: { STATE_RECHECK_MS: "400" },
    });
  });
  beforeEach(() => {
    // A fault a scenario armed but did not use must not leak into the next one.
    stack.nemo.reset();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const seen = (flow: Flow, endpoint: string) => () =>
    nemoSince(stack, flow.since).some((request) => request.endpoint === endpoint);
  const botTexts = (flow: Flow) =>
    stack.telegram
      .chat(flow.chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? message.caption ?? "");

  it("a burst of 503s while the render is polled: the poll backs off and the video arrives once", async () => {
    const flow = buildFlow(stack, 7_200_000_001, "5xx-render");
    await deliverAlbum(stack, flow);
    await until(seen(flow, "render-submit"), "the render to be submitted");
    stack.nemo.fault("render-status", { status: 503, times: 4 });
    await waitForOutcome(stack, flow);
    const refused = nemoSince(stack, flow.since).filter((request) => request.status === 503);
    expect(refused).toHaveLength(4);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  let burstRepeats: string[] = [];
  it("a burst of 502s on the first calls of a chat ends in clear messages, and the next try succeeds", async () => {
    const flow = buildFlow(stack, 7_200_000_002, "5xx-start");
    // Each file's transfer is tried three times (TRANSFER_RETRY_DELAYS_MS, issue 16): a burst that outlasts
    // the retries of all three photos is nine 502s.
    stack.nemo.fault("*", { status: 502, times: 9 });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow, {
      settled: () => nemoSince(stack, flow.since).filter((request) => request.status === 502).length >= 9,
    });
    const texts = okCalls(stack, flow.chatId, "sendMessage", flow.since.telegramCalls).map((c) =>
      String(c.params.text),
    );
    burstRepeats = texts.filter((text, index) => texts.indexOf(text) !== index);
    expectNothingLostOrDoubled(stack, flow, { outcome: "message", turns: 0, repeatsAllowed: burstRepeats });
    expect(botTexts(flow).length).toBeGreaterThan(0);
    expect(botTexts(flow).every((text) => /couldn.t upload/i.test(text))).toBe(true);

    // Nothing is half-done: the same photos sent again go through exactly once.
    const again = buildFlow(stack, 7_200_000_002, "5xx-start-again");
    await deliverAlbum(stack, again);
    await waitForOutcome(stack, again);
    expectNothingLostOrDoubled(stack, again, { outcome: "video" });
  });

  // An album whose uploads all fail gets one message for the album, not one identical line per photo.
  it("a failed album upload is reported once, not once per photo", () => {
    expect(burstRepeats).toEqual([]);
  });

  it("429 with Retry-After on upload, run_sse, render submit and status: each waited out, done once", async () => {
    const flow = buildFlow(stack, 7_200_000_003, "nemo-429");
    for (const endpoint of ["upload", "run_sse", "render-submit", "render-status"] as const) {
      stack.nemo.fault(endpoint, { retryAfterS: 1 });
    }
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    const limited = nemoSince(stack, flow.since).filter((request) => request.status === 429);
    expect(limited.map((request) => request.endpoint).sort()).toEqual([
      "render-status",
      "render-submit",
      "run_sse",
      "upload",
    ]);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("1001 mid-flow (the token expires while the agent works): a new token for the same project, and the video", async () => {
    const flow = buildFlow(stack, 7_200_000_004, "token-expired");
    await deliverAlbum(stack, flow);
    await until(seen(flow, "run_sse"), "the turn to start");
    const before = await chatRecord(stack, flow.chatId);
    stack.nemo.expireToken(before?.token ?? "");
    // The anonymous user belongs to the client id: a token re-acquired after 1001 continues the same project,
    // so the flow finishes with the video, having fetched exactly one new token.
    await waitForOutcome(stack, flow);
    const after = await chatRecord(stack, flow.chatId);
    expect(after?.token).not.toBe(before?.token);
    expect(after?.sessionId).toBe(before?.sessionId);
    // One token for the new chat, one after the 1001: a single re-acquisition, no loop.
    expect(nemoSince(stack, flow.since).filter((request) => request.endpoint === "anonymous-token")).toHaveLength(2);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("1002 at render submit: a new project is opened, the person is told, the video still arrives once", async () => {
    const flow = buildFlow(stack, 7_200_000_005, "session-lost");
    stack.nemo.fault("render-submit", { code: 1002 });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    expect(botTexts(flow).some((text) => /previous project.*new one/i.test(text))).toBe(true);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("1002 mid-turn (the session is dropped while the agent works): a clear message, no duplicate turn", async () => {
    const flow = buildFlow(stack, 7_200_000_006, "session-dropped");
    await deliverAlbum(stack, flow);
    await until(turnReached(stack, flow), "the agent to have the instruction");
    const record = await chatRecord(stack, flow.chatId);
    stack.nemo.dropSession(record?.sessionId ?? "");
    await waitForOutcome(stack, flow, {
      settled: () => okCalls(stack, flow.chatId, "sendMessage", flow.since.telegramCalls).length >= 3,
    });
    expectNothingLostOrDoubled(stack, flow, { outcome: "message" });
  });

  it("an SSE stream cut mid-turn is recovered by reading the state, never by resending the message", async () => {
    const flow = buildFlow(stack, 7_200_000_007, "sse-cut");
    stack.nemo.scriptTurn({
      events: [
        { delayMs: 100, event: { type: "tool_call", name: "generate_video_with_seedance", args: {} } },
        { delayMs: 100, event: { type: "text", content: "Generating your clip now." } },
        { delayMs: 100, event: { type: "heartbeat" } },
        { delayMs: 20_000, event: { type: "text", content: "never sent: the stream is cut before this" } },
      ],
      cutAfter: 2,
      draftAfter: EXPORTABLE_DRAFT,
    });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    expect(botTexts(flow)).toContain("Generating your clip now.");
    expect(botTexts(flow).some((text) => text.includes("never sent"))).toBe(false);
    expect(nemoSince(stack, flow.since).filter((request) => request.endpoint === "run_sse")).toHaveLength(1);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  let badPollVideos = -1;
  it("malformed JSON ('{not json') on a render poll ends in a video or a clear message with Retry", async () => {
    const flow = buildFlow(stack, 7_200_000_008, "bad-json");
    await deliverAlbum(stack, flow);
    await until(seen(flow, "render-submit"), "the render to be submitted");
    stack.nemo.fault("render-status", { body: "{not json" });
    await waitForOutcome(stack, flow, {
      settled: () =>
        okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls).length > 0 ||
        botTexts(flow).some((text) => /export failed/i.test(text)),
    });
    badPollVideos = okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls).length;
    expectNothingLostOrDoubled(stack, flow, { outcome: badPollVideos === 1 ? "video" : "message" });
  });

  // One unparsable status body is polled again like a 5xx: the render completes and is delivered.
  it("a single malformed render status does not fail the export", () => {
    expect(badPollVideos).toBe(1);
  });

  it("malformed JSON on the state read before a turn: a clear message, the message never reaches the agent", async () => {
    const flow = buildFlow(stack, 7_200_000_009, "bad-json-state");
    // The snapshot taken before the turn is the chat's first state read.
    stack.nemo.fault("state", { body: "{not json" });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow, { settled: () => botTexts(flow).some((text) => /had a problem/i.test(text)) });
    expect(nemoSince(stack, flow.since).some((request) => request.endpoint === "run_sse")).toBe(false);
    expectNothingLostOrDoubled(stack, flow, { outcome: "message", turns: 0 });
  });

  let afterTurnVideos = -1;
  it("malformed JSON on the state read after a turn: the turn is not repeated, the chat ends clearly", async () => {
    const flow = buildFlow(stack, 7_200_000_010, "bad-json-after");
    await deliverAlbum(stack, flow);
    await until(seen(flow, "run_sse"), "the turn to start");
    // The snapshot was read before run_sse; the next state read is the one after the turn.
    stack.nemo.fault("state", { body: "{not json" });
    await waitForOutcome(stack, flow, {
      settled: () =>
        okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls).length > 0 ||
        botTexts(flow).some((text) => /what next/i.test(text)),
    });
    afterTurnVideos = okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls).length;
    expectNothingLostOrDoubled(stack, flow, { outcome: afterTurnVideos === 1 ? "video" : "message" });
  });

  // A failed state read after a turn means "unknown", not "not exportable": the requested video still comes.
  it("one malformed state read after a turn does not drop the requested video", () => {
    expect(afterTurnVideos).toBe(1);
  });
});

/** A draft with one video segment and a title: what a generation leaves behind, so it can be exported. */
const EXPORTABLE_DRAFT: Draft = {
  d: 30_000,
  m: { title: "Cut but done", width: 1080, height: 1920 },
  t: [
    { tt: 0, m: { name: "Video" }, sg: [{ id: "v1", st: 0, d: 30_000, m: { name: "clip.mp4", src: "clip.mp4" } }] },
    { tt: 7, m: { name: "Title" }, sg: [{ id: "t1", st: 0, d: 3_000, m: { text: "Cut but done" } }] },
  ],
};
