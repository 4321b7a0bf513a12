import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf, draftWithTitle, openChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const heartbeats = (count: number, everyMs = 10_000) =>
  Array.from({ length: count }, () => ({ delayMs: everyMs, event: { type: "heartbeat" } }));

/** What an agent turn shows in the chat: relayed text, progress, reports, splitting and escaping. */
describe("an agent turn over SSE, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      // The relayed texts are asserted word for word: the post-production extras are pinned (they vary by default).
      nemo: { silentEditRate: 0, temporaryIssueRate: 0, extras: ["bgm", "title"] },
      vars: { USER_TURNS_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  for (const dialect of ["typed", "adk"] as const) {
    it(`relays a generation in the ${dialect} dialect: content kept, GUI sentences become buttons, tools only name the stage`, async () => {
      const { nemo } = stack;
      nemo.setDialect(dialect);
      const chat = await openChat(stack);
      await chat.say("turn my photos into a 15-second tiktok");
      const next = await chat.waitForText(/What next\?/, { timeoutMs: 15_000 });
      const sent = chat.calls("sendMessage").map(textOf);
      const relayed = sent.filter((text) => /raw clip|background music/.test(text));
      // Each agent text once (ADK's partial fragments are not shown), the content kept.
      expect(relayed).toHaveLength(2);
      expect(relayed[0]).toMatch(/^Here is your raw clip: a 15-second vertical video\./);
      expect(relayed[1]).toMatch(/^I added background music \("Lo-fi Beats"\) and a title \("[^"]+"\)\.$/);
      // "Click the Export button…" is not shown; the bot offers the Export button instead.
      const everything = chat.calls().map(textOf).join("\n");
      expect(everything).not.toMatch(/Click the Export button|timeline panel/i);
      expect(buttonsOf(next).map((button) => button.callback_data)).toContain("x:export");
      // Tool calls and results are never shown, but the status message named the stage.
      expect(everything).not.toMatch(/generate_video_with_seedance|edit_multitrack|functionCall|tool_result/);
      const edits = chat.calls("editMessageText").map(textOf);
      expect(edits).toContain("🎬 Generating the video…");
      expect(edits).toContain("✂️ Editing the timeline…");
      expect(chat.calls("sendChatAction").some((call) => call.params.action === "upload_video")).toBe(true);
      // The status message is gone once the turn is over.
      expect(chat.botTexts().some((text) => /Generating the video|Working on it/.test(text))).toBe(false);
      expect(nemo.session(chat.sessionId)?.turns).toEqual(["turn my photos into a 15-second tiktok"]);
    });
  }

  it("heartbeats only for longer than STILL_WORKING_INTERVAL_MS: the status says ⏳ Still working… with the time", async () => {
    const { nemo } = stack;
    nemo.setDialect("typed");
    const chat = await openChat(stack);
    // 1.2 s of heartbeats in all three keep-alive forms; FAST_WAITS has STILL_WORKING_INTERVAL_MS = 400.
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        ...heartbeats(4),
        { delayMs: 10_000, event: { raw: "data:\n\n" } },
        { delayMs: 10_000, event: { raw: ": keep-alive\n\n" } },
        ...heartbeats(6),
        { event: { type: "text", content: "All set." } },
      ],
    });
    await chat.say("add a slow zoom to every photo");
    await chat.waitForText(/All set\./);
    const still = chat.calls("editMessageText").filter((call) => /⏳ Still working… \(\d+ s\)/.test(textOf(call)));
    expect(still.length).toBeGreaterThanOrEqual(1);
    expect(textOf(still[0] as RecordedCall)).toMatch(/^🤖 Working on it…\n⏳ Still working… \(\d+ s\)$/);
  });

  it("a turn with no text reports what changed, with times, and suggests next steps", async () => {
    const { nemo } = stack;
    nemo.setDialect("typed");
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: { instruction: "title" } } },
        ...heartbeats(2),
        { event: { type: "tool_result", name: "edit_multitrack", result: { status: "success" } } },
      ],
      draftAfter: draftWithTitle({ text: "Sunset Party", st: 0, d: 3_000 }),
    });
    await chat.say("add the title Sunset Party at the start");
    const report = await chat.waitForText(/Here's what changed/);
    const text = textOf(report);
    expect(text).toMatch(/Sunset Party/);
    expect(text).toMatch(/Title: "Sunset Party" \(0-3s\)/);
    const suggestions =
      text
        .split("Next you could:")[1]
        ?.split("\n")
        .filter((line) => line.startsWith("•")) ?? [];
    expect(suggestions.length).toBeGreaterThanOrEqual(2);
    expect(suggestions.length).toBeLessThanOrEqual(3);
    await chat.waitForText(/What next\?/);
  });

  it("long text is split on paragraphs into messages of at most 4096; <, >, & are shown literally", async () => {
    const { nemo } = stack;
    nemo.setDialect("typed");
    const chat = await openChat(stack);
    const paragraph = (i: number) =>
      `Paragraph ${i}: scene <${i}> & "cut" > fade. ${"More detail here. ".repeat(60)}`.trim();
    const paragraphs = Array.from({ length: 8 }, (_, i) => paragraph(i + 1));
    const long = paragraphs.join("\n\n");
    expect(long.length).toBeGreaterThan(8_000);
    nemo.scriptTurn({ sessionId: chat.sessionId, events: [{ event: { type: "text", content: long } }] });
    await chat.say("write me a detailed storyboard");
    await chat.waitForText(/What next\?/);
    const parts = chat.calls("sendMessage").filter((call) => /^Paragraph \d/.test(textOf(call)));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(textOf(part).length).toBeLessThanOrEqual(4096);
      expect(part.response.ok).toBe(true);
    }
    // Each message holds whole paragraphs: together they are the text, paragraph by paragraph.
    const shown = chat
      .botTexts()
      .filter((text) => text.startsWith("Paragraph "))
      .flatMap((text) => text.split("\n\n"));
    expect(shown).toEqual(paragraphs);
  });

  it("a send refused for its formatting is sent again as plain text", async () => {
    const { nemo, telegram } = stack;
    nemo.setDialect("typed");
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ delayMs: 30_000, event: { type: "text", content: "Use <b>bold</b> & stars *like this*." } }],
    });
    await chat.say("how do I emphasise words?");
    // Armed once the status message is out, so the agent's text is the send that is refused.
    await chat.waitForText(/Working on it/);
    telegram.fault("sendMessage", {
      status: 400,
      description: "Bad Request: can't parse entities: Unsupported start tag at byte offset 4",
    });
    await chat.waitForText(/What next\?/);
    const attempts = chat.calls("sendMessage").filter((call) => /stars/.test(textOf(call)));
    expect(attempts.map((call) => call.status)).toEqual([400, 200]);
    expect(attempts[1]?.params.parse_mode).toBeUndefined();
    expect(chat.botTexts()).toContain("Use <b>bold</b> & stars *like this*.");
  });

  it("'message is not modified' on a status edit counts as success: the turn goes on", async () => {
    const { nemo, telegram } = stack;
    nemo.setDialect("typed");
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { event: { type: "tool_call", name: "add_music_suno", args: {} } },
        ...heartbeats(2),
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        { event: { type: "text", content: "Music added." } },
      ],
    });
    telegram.fault("editMessageText", {
      status: 400,
      description:
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
    });
    const greetingEdits = chat.calls("editMessageText").length;
    await chat.say("add some music please");
    await chat.waitForText(/What next\?/);
    const edits = chat.calls("editMessageText").slice(greetingEdits);
    expect(textOf(edits[0] as RecordedCall)).toBe("🎵 Adding music…");
    expect(edits[0]?.status).toBe(400);
    expect(edits.some((call) => call.status === 200 && textOf(call) === "✂️ Editing the timeline…")).toBe(true);
    expect(chat.botTexts().join("\n")).not.toMatch(/problem|went wrong/i);
    await until(() => chat.botTexts().includes("Music added."));
  });
});
