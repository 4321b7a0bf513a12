import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";
import {
  buildFlow,
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
 * The Worker killed and restarted (a deploy: memory and open connections lost, storage and alarms kept)
 * at the worst moments of the photos → video flow. The chat's Durable Object must resume from storage:
 * a lost SSE stream is recovered by reading the state, a render is polled again, a video sent once.
 */
describe("the photos → video flow across Worker restarts", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Renders of 1.5 s (150 simulated seconds) so a restart can land while one is polled.
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0, renderDurationMs: 150_000 },
      // Rechecks after a lost stream in proportion to the simulated generation (1-3 s here), as 30 s is to
      // 100-300 s in production: five unchanged reads must not all fall inside one generation.
      vars: { STATE_RECHECK_MS: "400" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    stack.nemo.reset();
  });

  const seen = (flow: Flow, endpoint: string) => () =>
    nemoSince(stack, flow.since).some((request) => request.endpoint === endpoint);

  it("restarted mid-turn: the stream is lost, the turn is recovered from state, never resent", async () => {
    const flow = buildFlow(stack, 7_300_000_001, "restart-turn");
    await deliverAlbum(stack, flow);
    await until(turnReached(stack, flow), "the agent to have the instruction");
    await stack.restartWorker();
    await waitForOutcome(stack, flow);
    expect(nemoSince(stack, flow.since).filter((request) => request.endpoint === "run_sse")).toHaveLength(1);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("restarted mid-render: the persisted render id is polled again and the video arrives once", async () => {
    const flow = buildFlow(stack, 7_300_000_002, "restart-render");
    await deliverAlbum(stack, flow);
    await until(seen(flow, "render-status"), "the first render poll");
    const renders = stack.nemo.renders.size;
    await stack.restartWorker();
    await waitForOutcome(stack, flow);
    expect(stack.nemo.renders.size).toBe(renders);
    expect(nemoSince(stack, flow.since).filter((request) => request.endpoint === "render-submit")).toHaveLength(1);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("restarted while the MP4 is being relayed: delivery resumes and the video arrives once", async () => {
    const flow = buildFlow(stack, 7_300_000_003, "restart-delivery");
    await deliverAlbum(stack, flow);
    await until(
      () => nemoSince(stack, flow.since).some((r) => r.endpoint === "output" || r.endpoint === "download"),
      "the MP4 download to start",
    );
    await stack.restartWorker();
    await waitForOutcome(stack, flow);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("restarted twice in one flow (mid-turn and mid-render): still one turn, one upload each, one video", async () => {
    const flow = buildFlow(stack, 7_300_000_004, "restart-twice");
    await deliverAlbum(stack, flow);
    await until(turnReached(stack, flow), "the agent to have the instruction");
    await stack.restartWorker();
    await until(seen(flow, "render-status"), "the first render poll");
    await stack.restartWorker();
    await waitForOutcome(stack, flow);
    expect(okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls)).toHaveLength(1);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });
});
