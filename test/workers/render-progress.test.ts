import { describe, expect, it } from "vitest";
import { hashOf, stableJson } from "../../src/chat/renders/draft";
import { limitAt, limitReached } from "../../src/chat/renders/limits";
import { estimateLeftMs, progressBar, progressText, shouldEdit } from "../../src/chat/renders/progress";
import type { RenderJob } from "../../src/chat/storage/schemas";

const job = (patch: Partial<RenderJob> = {}): RenderJob => ({
  renderId: "render_1",
  sessionId: "s",
  origin: { chatId: 42, lang: "en" },
  submittedAt: 1_000_000,
  polls: 1,
  nextPollAt: 0,
  phase: "polling",
  statusMessageId: 7,
  ...patch,
});

describe("the render message", () => {
  it.each([
    [0, "░░░░░░░░░░"],
    [9, "░░░░░░░░░░"],
    [52, "▓▓▓▓▓░░░░░"],
    [100, "▓▓▓▓▓▓▓▓▓▓"],
    [140, "▓▓▓▓▓▓▓▓▓▓"],
  ])("draws %i%% as %s", (percent, bar) => {
    expect(progressBar(percent)).toBe(bar);
  });

  it("reads as bar, percentage and time left", () => {
    // 5 → 52 in 20 s: 48 points to go at 2.35 a second ≈ 20 s.
    expect(progressText(job({ lastProgress: 52 }), 5, 1_020_000)).toBe(
      "⏳ Rendering… ▓▓▓▓▓░░░░░ 52% · about 20 s left",
    );
    expect(progressText(job({ lastProgress: 5, auto: true }), 5, 1_020_000)).toBe(
      "🎬 The updated video is on its way.\n⏳ Rendering… ░░░░░░░░░░ 5%",
    );
    expect(progressText(job({ lastProgress: 52, origin: { chatId: 42, lang: "zh" } }), 5, 1_020_000)).toBe(
      "⏳ 正在渲染… ▓▓▓▓▓░░░░░ 52% · 约剩 20 秒",
    );
  });

  it("rounds the time left so a small wobble does not change the text", () => {
    expect(estimateLeftMs(job({ lastProgress: 52 }), 5, 1_030_000)).toBe(30_000);
    expect(estimateLeftMs(job({ lastProgress: 53 }), 5, 1_030_000)).toBe(30_000);
    expect(estimateLeftMs(job({ lastProgress: 10 }), 5, 1_030_000)).toBe(540_000);
    expect(estimateLeftMs(job({ lastProgress: 5 }), 5, 1_030_000)).toBeUndefined();
  });

  it("is edited only when the text changes, and at most every 3 s in a group", () => {
    const shown = job({ shownProgress: "a", shownAt: 1_000_000 });
    expect(shouldEdit(shown, "a", 1_010_000)).toBe(false);
    expect(shouldEdit(shown, "b", 1_000_500)).toBe(true);
    const group = job({ origin: { chatId: -100123, lang: "en" }, shownProgress: "a", shownAt: 1_000_000 });
    expect(shouldEdit(group, "b", 1_002_999)).toBe(false);
    expect(shouldEdit(group, "b", 1_003_000)).toBe(true);
  });
});

describe("the limits of a render's wait", () => {
  const config = { RENDER_TIMEOUT_MS: 900_000, RENDER_STALL_MS: 300_000 };
  it("ends a render whose progress has not moved for the stall time", () => {
    const stuck = job({ progressMovedAt: 1_100_000 });
    expect(limitAt(stuck, config)).toBe(1_400_000);
    expect(limitReached(stuck, config, 1_399_999)).toBeUndefined();
    expect(limitReached(stuck, config, 1_400_000)).toBe("stalled");
  });
  it("ends a moving render at the overall limit, counted from the stored submit time", () => {
    const moving = job({ progressMovedAt: 1_850_000 });
    expect(limitAt(moving, config)).toBe(1_900_000);
    expect(limitReached(moving, config, 1_900_000)).toBe("timeout");
  });
});

describe("the draft hash", () => {
  it("does not depend on key order, only on content", async () => {
    const a = { t: [{ tt: 0, sg: [{ id: "x", d: 1 }] }], m: { w: 1, h: 2 } };
    const b = { m: { h: 2, w: 1 }, t: [{ sg: [{ d: 1, id: "x" }], tt: 0 }] };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(await hashOf(a)).toBe(await hashOf(b));
    expect(await hashOf({ ...a, m: { w: 1, h: 3 } })).not.toBe(await hashOf(a));
    // Track order is content.
    expect(await hashOf({ t: [{ tt: 0 }, { tt: 7 }] })).not.toBe(await hashOf({ t: [{ tt: 7 }, { tt: 0 }] }));
  });
});
