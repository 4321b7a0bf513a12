import type { Message, MessageEntity } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../sim/nemo/types";
import { openChat } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 19.2: everything from outside is text. A link-shaped name (the reproduced finding: a clip named
 * `<a href="https://ev.il">verify</a>` arrived as a live link in /status) goes through every message kind
 * that quotes outside text — agent answers, the timeline (/status and its button), the change report of
 * a silent edit, the video's caption, a failed export's reason, a file's name — and must arrive at the
 * fake Telegram as the same characters, with no link or formatting entity made from it.
 */
const HOSTILE = '<a href="https://ev.il">verify</a>';
const HOSTILE_BOLD = "<b>urgent</b> & <i>free</i>";

function hostileDraft(title: string): Draft {
  return {
    t: [
      {
        tt: 0,
        m: { name: "Video" },
        sg: [{ id: "seg_v", st: 0, d: 6_000, m: { name: HOSTILE, src: "upload://x/a.mp4" } }],
      },
      { tt: 7, m: { name: "Title" }, sg: [{ id: "seg_t", st: 0, d: 3_000, m: { name: "Title", text: title } }] },
    ],
    d: 6_000,
    m: { title: "project", width: 1080, height: 1920 },
  };
}

describe("outside text arrives as text in every message kind", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Explicit exports (AUTO_EXPORT off): step 5 needs a render of a draft that was already delivered.
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 }, vars: { AUTO_EXPORT: "off" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botMessages = (chatId: number): Message[] =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message as unknown as Message);
  const entitiesOf = (message: Message): MessageEntity[] => [
    ...(message.entities ?? []),
    ...(message.caption_entities ?? []),
  ];

  it("agent text, timeline, change report, caption, export error and file name quote hostile names literally", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const press = async (data: string) => {
      const anyMessage = botMessages(chat.chatId).at(-1)?.message_id ?? 1;
      await telegram.deliver(
        telegram.updates.callback(data, { chatId: chat.chatId, messageId: anyMessage, from: { id: chat.chatId } }),
      );
    };

    // 1. Agent text, with a draft whose clip is named like a link and whose title is HTML.
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ event: { type: "text", content: `Done. Your clip ${HOSTILE} is in.` } }],
      draftAfter: hostileDraft(HOSTILE_BOLD),
    });
    await chat.say("put my clip in");
    await chat.waitForText(/Your clip/);
    await chat.waitForText(/What next/);

    // 2. The timeline: /status and the Timeline button.
    await chat.say("/status");
    await chat.waitForText(/ev\.il/);
    await press("x:timeline");
    await stack.telegram
      .waitFor(
        () => botMessages(chat.chatId).filter((message) => (message.text ?? "").includes("https://ev.il")).length >= 3,
      )
      .catch(() => undefined);

    // 3. A silent edit's change report names the new title.
    nemo.scriptTurn({ sessionId: chat.sessionId, events: [], draftAfter: hostileDraft(HOSTILE) });
    await chat.say("change the title");
    await chat.waitForText(/Title text/);

    // 4. The video's caption carries the title (the title track's text).
    await chat.say("/export");
    await chat.waitForText(/Video ready/, { method: "sendVideo", timeoutMs: 20_000 });

    // 5. A failed export quotes NemoVideo's reason. A changed draft: the delivered one is only sent again.
    nemo.scriptTurn({ sessionId: chat.sessionId, events: [], draftAfter: hostileDraft(`${HOSTILE} 2`) });
    await chat.say("change the title again");
    await chat.waitForText(/Title text.*2/s);
    nemo.failRender(undefined, HOSTILE);
    await chat.say("/export");
    await chat.waitForText(/export failed/, { timeoutMs: 20_000 });

    // 6. A file's name: too big for Telegram's download limit.
    await telegram.deliver(
      telegram.updates.document({
        from: { id: chat.chatId },
        fileName: `${HOSTILE}.mp4`,
        mimeType: "video/mp4",
        size: 30 * 1024 * 1024,
      }),
    );
    await chat.waitForText(/over 20 MB/);

    const messages = botMessages(chat.chatId);
    const quoting = messages.filter((message) => (message.text ?? message.caption ?? "").includes(HOSTILE));
    // Agent text, /status, the button's timeline, change report, failed export, file name (caption: title).
    expect(quoting.length).toBeGreaterThanOrEqual(6);
    const caption = messages.find((message) => (message.caption ?? "").startsWith("✅ Video ready"));
    expect(caption?.caption).toContain(HOSTILE);
    expect(messages.some((message) => (message.text ?? "").includes(HOSTILE_BOLD))).toBe(true);
    // No entity made from outside text: no link anywhere, and no bold/italic made of the hostile tags.
    for (const message of messages) {
      const text = message.text ?? message.caption ?? "";
      for (const entity of entitiesOf(message)) {
        expect(entity.type).not.toBe("text_link");
        const covered = text.slice(entity.offset, entity.offset + entity.length);
        // The bot may bold a whole name (a file name); the name's own tags must then still be visible.
        if (/verify|urgent|free/.test(covered)) expect(covered).toMatch(/<a href=|<b>|<i>/);
      }
    }
  }, 60_000);

  it("a title far longer than a caption allows still ends in the video, its title shortened", async () => {
    const chat = await openChat(stack);
    const longTitle = `${"Harbor lights at dusk ".repeat(150)}end`;
    stack.nemo.scriptTurn({ sessionId: chat.sessionId, events: [], draftAfter: hostileDraft(longTitle) });
    await chat.say("give it a long title");
    await chat.waitForText(/What next/);
    await chat.say("/export");
    await chat.waitForText(/Video ready/, { method: "sendVideo", timeoutMs: 20_000 });
    const video = botMessages(chat.chatId).find((message) => (message.caption ?? "").startsWith("✅ Video ready"));
    const caption = video?.caption ?? "";
    // Telegram refuses a caption over 1,024 characters (the fake does too): the title gives way, not the video.
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption).toContain("Harbor lights at dusk");
    expect(caption).toMatch(/…$/);
    expect(caption).not.toContain("end");
  }, 60_000);

  it("group greeting and queue notices stay plain for a group with a hostile title", async () => {
    const { telegram } = stack;
    const chatId = -4_900_000_001;
    const from = { id: 7_490_000_001, first_name: HOSTILE, language_code: "en" };
    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from, oldStatus: "left" }));
    stack.nemo.fault("run_sse", { delayMs: 1_000 });
    await telegram.deliver(telegram.updates.groupText(`first ${HOSTILE}`, { chatId, from, mentionBot: true }));
    await telegram.deliver(telegram.updates.groupText(`second ${HOSTILE}`, { chatId, from, mentionBot: true }));
    await stack.telegram.waitFor(
      (call) => Number(call.params.chat_id) === chatId && String(call.params.text ?? "").includes("queued"),
    );
    const messages = botMessages(chatId);
    expect(messages.some((message) => (message.text ?? "").includes("👋"))).toBe(true);
    for (const message of messages) {
      expect(entitiesOf(message).filter((entity) => entity.type === "text_link")).toEqual([]);
    }
  });
});
