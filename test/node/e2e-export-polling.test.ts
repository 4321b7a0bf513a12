import { afterAll, describe, expect, it } from "vitest";
import { exportableChat, statusPolls } from "../support/export-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Smart polling measured through the real Worker: renders of 42 s, 69 s and 87 s, with the poll interval
 * at 1 s standing in for the vendor's 30 s (everything scaled by 1/30). For each render: how many status
 * requests NemoVideo received, and how long the finished video waited before it reached Telegram, against
 * what polling every interval would have done with the same render.
 */
const INTERVAL_MS = 1_000;
const RENDERS_MS = [1_400, 2_300, 2_900];

type Measured = { renderMs: number; polls: number; fixedPolls: number; delayMs: number; fixedDelayMs: number };

describe("render polling against fixed-interval polling", () => {
  const stacks: Stack[] = [];
  afterAll(async () => {
    await Promise.allSettled(stacks.map((stack) => stack.close()));
  });

  it("makes no more status requests, and delivers sooner after completion", { timeout: 90_000 }, async () => {
    const measured: Measured[] = [];
    for (const renderMs of RENDERS_MS) {
      const stack = await startStack({
        nemo: { renderDurationMs: renderMs * 100, silentEditRate: 0, temporaryIssueRate: 0 },
        vars: { RENDER_POLL_INTERVAL_MS: String(INTERVAL_MS), AUTO_EXPORT: "off" },
      });
      stacks.push(stack);
      const chat = await exportableChat(stack);
      await chat.say("export");
      const video = await chat.waitFor((call) => call.method === "sendVideo" && call.status === 200);
      const renderId = chat.renderIds()[0] ?? "";
      const render = stack.nemo.renders.get(renderId);
      const completedAt = render?.completedAt ?? Number.NaN;
      // Fixed polling asks at submit + k·interval and notices completion at the first ask after it.
      const fixedPolls = Math.ceil(renderMs / INTERVAL_MS);
      measured.push({
        renderMs,
        polls: statusPolls(stack, renderId).length,
        fixedPolls,
        delayMs: video.at - completedAt,
        fixedDelayMs: fixedPolls * INTERVAL_MS - renderMs,
      });
      await stack.close();
    }
    console.table(
      measured.map((m) => ({
        "render (s at 30 s scale)": Math.round((m.renderMs * 30) / 1000),
        "status requests": m.polls,
        "fixed polling": m.fixedPolls,
        "completion → sendVideo (ms)": m.delayMs,
        "fixed: completion → poll (ms)": m.fixedDelayMs,
      })),
    );
    const total = (key: keyof Measured) => measured.reduce((sum, m) => sum + m[key], 0);
    expect(total("polls")).toBeLessThanOrEqual(total("fixedPolls"));
    for (const m of measured) {
      expect(m.polls).toBeLessThanOrEqual(m.fixedPolls + 1);
      expect(m.delayMs).toBeGreaterThanOrEqual(0);
    }
    // Fixed polling's wait excludes the download and upload; ours includes them and is still shorter.
    expect(total("delayMs")).toBeLessThan(total("fixedDelayMs"));
  });
});
