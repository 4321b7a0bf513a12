import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const heartbeats = (count: number, everyMs = 10_000) =>
  Array.from({ length: count }, () => ({ delayMs: everyMs, event: { type: "heartbeat" } }));

/** One agent turn at a time per chat; quick answers and local routes never wait for it or reach the agent. */
describe("the turn queue and routing, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { dialect: "typed", silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { USER_TURNS_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("instructions during a running turn are queued with their place and sent only after it ends", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        ...heartbeats(12),
        { event: { type: "text", content: "First change done." } },
      ],
    });
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ event: { type: "text", content: "Second change done." } }],
    });
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ event: { type: "text", content: "Third change done." } }],
    });

    await chat.say("make the title bigger");
    await until(() => chat.runs().length === 1, 5_000, "the first turn");
    await chat.say("and make the music louder");
    await chat.waitForText(/queued \(#1\)/);
    await chat.say("then add captions");
    await chat.waitForText(/queued \(#2\)/);
    // A quick answer is not stuck behind the running turn.
    await chat.say("credits");
    const credits = await chat.waitForText(/Credits/);
    const first = await chat.waitForText(/First change done\./);
    expect(credits.at).toBeLessThan(first.at);
    expect(chat.runs()).toHaveLength(1);

    await chat.waitForText(/Third change done\./);
    await until(() => chat.calls("sendMessage").filter((call) => /What next\?/.test(textOf(call))).length === 3);
    const runs = chat.runs();
    expect(runs.map((run) => run.text)).toEqual([
      "make the title bigger",
      "and make the music louder",
      "then add captions",
    ]);
    const whatNext = chat.calls("sendMessage").filter((call) => /What next\?/.test(textOf(call)));
    expect(whatNext).toHaveLength(3);
    // Each turn reached the agent only after the previous one had finished and been wrapped up.
    expect(runs[1]?.at).toBeGreaterThanOrEqual(whatNext[0]?.at ?? Number.POSITIVE_INFINITY);
    expect(runs[2]?.at).toBeGreaterThanOrEqual(whatNext[1]?.at ?? Number.POSITIVE_INFINITY);
  });

  it("a timeline request is answered while a long turn runs", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [...heartbeats(15), { event: { type: "text", content: "Long work finished." } }],
    });
    await chat.say("make a dramatic intro with slow zoom");
    await until(() => chat.runs().length === 1, 5_000, "the turn");
    await chat.say("/status");
    const status = await chat.waitForText(/Nothing on the timeline yet|Video|Title/);
    const done = await chat.waitForText(/Long work finished\./);
    expect(status.at).toBeLessThan(done.at);
  });

  const localRoutes: [string, RegExp][] = [
    ["export", /nothing to export|Rendering|export/i],
    // The answer follows the user's language (English here), whatever language the word was in.
    ["导出", /nothing to export|Rendering|export/i],
    ["download", /nothing to export|Rendering|export/i],
    ["send me the video", /nothing to export|Rendering|export/i],
    ["credits", /Credits/],
    ["积分", /Credits/],
    ["balance", /Credits/],
    ["余额", /Credits/],
    ["status", /timeline/i],
    ["状态", /timeline/i],
    ["show tracks", /timeline/i],
    ["upload", /send photos, videos or audio/i],
    ["上传", /send photos, videos or audio/i],
  ];

  it("each routing word, in English and Chinese, is answered by the bot and never reaches /run_sse", async () => {
    const chat = await openChat(stack);
    for (const [word, answer] of localRoutes) {
      const before = chat.calls("sendMessage").length;
      await chat.say(word);
      await until(() => chat.calls("sendMessage").length > before, 5_000, `an answer to "${word}"`);
      const reply = chat.calls("sendMessage").slice(before);
      expect(reply.map(textOf).join("\n"), word).toMatch(answer);
    }
    expect(chat.runs()).toEqual([]);
    expect(stack.nemo.session(chat.sessionId)?.turns).toEqual([]);

    await chat.say("make a video I can download later with music");
    await until(() => chat.runs().length === 1, 5_000, "the creative instruction to reach the agent");
    expect(chat.runs()[0]?.text).toBe("make a video I can download later with music");
  });
});
