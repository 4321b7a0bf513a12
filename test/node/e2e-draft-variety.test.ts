import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, type TestChat, textOf } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

/** One state re-read interval of this stack: a style-only edit must be reported well within it. */
const STATE_RECHECK_MS = 3_000;

/**
 * Drafts as the real service may send them (nemo-api.md §4.4, §21), through the real Worker: edits that
 * change only a style and end without any text, and drafts whose fields arrive as other types.
 */
describe("real-service draft variety", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      // Isolated on purpose: every edit silent, every field of every draft drifted.
      // Extras pinned to music and a title: the drifted draft below is checked track by track.
      nemo: {
        seed: 14,
        silentEditRate: 1,
        driftRate: 1,
        driftFieldRate: 1,
        temporaryIssueRate: 0,
        extras: ["bgm", "title"],
      },
      vars: { STATE_RECHECK_MS: String(STATE_RECHECK_MS) },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** The first call to this chat since `since` whose text (or caption) matches. */
  const nextText = (
    chat: TestChat,
    pattern: RegExp,
    since: number,
    options: { method?: string; timeoutMs?: number } = {},
  ) =>
    stack.telegram.waitFor(
      (call) =>
        call.params.chat_id === chat.chatId &&
        call.response.ok &&
        call.at >= since &&
        (options.method === undefined || call.method === options.method) &&
        pattern.test(textOf(call)),
      { timeoutMs: options.timeoutMs ?? 10_000 },
    );

  /** A chat whose project holds a generated clip, music and the title "Urban Dreams". */
  async function generatedChat(): Promise<TestChat> {
    const chat = await openChat(stack);
    await chat.say("create a video of the harbor");
    await chat.waitForText(/What next\?/, { timeoutMs: 20_000 });
    return chat;
  }

  it("reports style-only silent edits field by field within one state re-read interval", async () => {
    const { nemo } = stack;
    const chat = await generatedChat();
    const edits: [string, RegExp[]][] = [
      ["make the title red and bigger", [/colour → #FF3B30/, /font size 48 → 60/]],
      ["move the title to the top", [/position → top/]],
      ["fade in the title", [/fade in → 0\.5/]],
    ];
    for (const [instruction, expected] of edits) {
      const reportsBefore = chat.calls("sendMessage").filter((call) => /what changed/.test(textOf(call))).length;
      const since = Date.now();
      await chat.say(instruction);
      const report = await nextText(chat, /Here's what changed/, since);
      await nextText(chat, /What next\?/, since);
      const text = textOf(report);
      for (const pattern of expected) expect(text).toMatch(pattern);
      expect(text).toMatch(/Title "Urban Dreams"/);
      expect(text).toMatch(/Next you could:/);
      expect(text).not.toMatch(/[{}]|undefined|NaN|\[object/);

      // Answered from the state read right after the stream: no recovery re-read, no waiting for one.
      const run = nemo.requests.findLast((r) => r.endpoint === "run_sse");
      expect(run?.bodySummary).toMatchObject({ new_message: { parts: [{ text: instruction }] } });
      const stateReads = nemo.requests.filter((r) => r.endpoint === "state" && r.at > (run?.at ?? 0));
      expect(stateReads).toHaveLength(1);
      expect(report.at - (run?.at ?? 0)).toBeLessThan(STATE_RECHECK_MS);
      expect(chat.calls("sendMessage").filter((call) => /what changed/.test(textOf(call)))).toHaveLength(
        reportsBefore + 1,
      );
    }
    // Nothing went to recovery or failed, and each edit reached the agent once.
    expect(chat.botTexts().join("\n")).not.toMatch(/lost the connection|went wrong|Retry/);
    expect(chat.runs().map((run) => run.text)).toEqual(["create a video of the harbor", ...edits.map(([e]) => e)]);
  });

  it("lists a drifted draft and exports it exactly as the state sent it", async () => {
    const { nemo } = stack;
    const chat = await generatedChat();
    // The state really is drifted: numbers as strings, volume as a percentage, text as an object.
    const sent = nemo.stateDraft(chat.sessionId) as {
      t: { tt: unknown; sg: { d: unknown; m: { volume?: unknown; text?: unknown } }[] }[];
    };
    expect(sent.t.map((track) => track.tt)).toEqual(["0", "1", "7"]);
    expect(sent.t[1]?.sg[0]?.m.volume).toBe("35%");
    expect(sent.t[2]?.sg[0]?.m.text).toEqual({ content: "Urban Dreams" });

    for (const ask of ["show tracks", "/status"]) {
      const since = Date.now();
      await chat.say(ask);
      const timeline = await nextText(chat, /Timeline \(3 tracks\)/, since);
      expect(textOf(timeline)).toBe(
        'Timeline (3 tracks):\n1. Video: Generated clip (0-15s)\n2. BGM: Lo-fi Beats (0-15s, 35%)\n3. Title: "Urban Dreams" (0-3s)',
      );
    }

    await chat.say("export");
    const video = await nextText(chat, /Video ready/, 0, { method: "sendVideo", timeoutMs: 15_000 });
    const submits = nemo.requests.filter(
      (r) => r.endpoint === "render-submit" && (r.bodySummary as { sessionId?: string }).sessionId === chat.sessionId,
    );
    expect(submits).toHaveLength(1);
    const body = submits[0]?.bodySummary as { id: string; draft: unknown };
    // The same JSON value the state endpoint sent: no schema round-trip, no field re-typed or dropped.
    expect(body.draft).toEqual(nemo.stateDraft(chat.sessionId));
    expect(JSON.stringify(body.draft)).toBe(JSON.stringify(nemo.stateDraft(chat.sessionId)));
    expect((video.params.video as { sha256: string }).sha256).toBe(nemo.renderSha256(body.id));
    // The caption reads the title through the same reader: {content: "Urban Dreams"} is a title.
    expect(String(video.params.caption)).toContain("Urban Dreams");
    expect(chat.botTexts().join("\n")).not.toMatch(/nothing to export|[{}]|undefined|NaN|\[object/);
  });
});
