import type { Message, MessageEntity, Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";

/**
 * Groups through the real Worker bundle: the bot acts only on messages addressed to it, answers the
 * message that addressed it, keeps forum topics, and shares one NemoVideo project per group.
 */
describe("the bot in groups", () => {
  let stack: Stack;
  let bot: string;
  let nextGroup = -4_100_000_001;
  /** A fresh basic group per test, so tests never share a chat, a session or a queue. */
  const newGroup = () => nextGroup--;
  let nextSupergroup = -1_002_100_000_001;
  const newSupergroup = () => nextSupergroup--;

  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never });
    bot = stack.telegram.botInfo.username;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callsIn = (chatId: number): RecordedCall[] =>
    stack.telegram.calls.filter((call) => Number(call.params.chat_id) === chatId);
  const sent = (call: RecordedCall) => call.response as { ok: true; result: Message };
  /** Waits for a message from the bot in that chat whose text contains `part`. */
  const waitForBotText = (chatId: number, part: string, timeoutMs = 10_000) =>
    stack.telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.status === 200 &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes(part),
      { timeoutMs },
    );
  /** /help@bot as the last update of a chat: its answer proves every earlier update was handled. */
  const helpMarker = async (chatId: number, options: Record<string, unknown> = {}) => {
    const update = stack.telegram.updates.command("help", { chatId, ...options });
    await stack.telegram.deliver(update);
    return sent(await waitForBotText(chatId, "What I do"));
  };
  const allTurns = () => stack.nemo.sessions().flatMap((id) => stack.nemo.session(id)?.turns ?? []);
  const waitForTurn = async (text: string, timeoutMs = 10_000) => {
    const started = Date.now();
    while (!allTurns().includes(text)) {
      if (Date.now() - started > timeoutMs) throw new Error(`no turn "${text}"; turns: ${JSON.stringify(allTurns())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const messageOf = (update: Update) => update.message as Message;

  it("ignores everything not addressed to it: nothing reaches Telegram or NemoVideo", async () => {
    const { telegram, nemo } = stack;
    const chatId = newGroup();
    const nemoBefore = nemo.requests.length;
    const from = { id: 7_000_001, first_name: "Bea", language_code: "en" };
    const someoneElse = telegram.updates.groupText("has anyone tried the new editor?", { chatId, from });
    await telegram.deliver(someoneElse);
    const ignored = [
      telegram.updates.groupText("turn my photos into a 30-second TikTok", { chatId, from }),
      telegram.updates.groupText("/credits@other_helper_bot", { chatId, from }),
      telegram.updates.groupText("@other_helper_bot make a video", { chatId, from }),
      telegram.updates.groupText("yes, it is great", {
        chatId,
        from: { id: 7_000_002, first_name: "Cy" },
        replyToMessageId: messageOf(someoneElse).message_id,
      } as never),
      telegram.updates.photo({ chatId, from, caption: "my holiday" }),
      telegram.updates.sticker({ chatId, from }),
      telegram.updates.voice({ chatId, from }),
    ];
    for (const update of ignored) await telegram.deliver(update);
    const help = await helpMarker(chatId, { from });

    // The only thing the bot did in this chat is answer the help command, as a reply to it.
    const botCalls = callsIn(chatId);
    expect(botCalls.map((call) => call.method)).toEqual(["sendMessage"]);
    expect(help.result.reply_to_message?.text).toBe(`/help@${bot}`);
    expect(nemo.requests.slice(nemoBefore)).toEqual([]);
    expect(telegram.callsTo("getFile")).toEqual([]);
  });

  it("acts on a mention after emoji (UTF-16 offsets) and strips exactly the mention from the instruction", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const update = telegram.updates.groupText(`🎬🔥 @${bot} hello there, what can you do?`, { chatId });
    const mention = messageOf(update).entities?.find((entity) => entity.type === "mention");
    // Two emoji are four UTF-16 code units: the mention starts at 5, not at 3 (code points).
    expect(mention?.offset).toBe(5);
    await telegram.deliver(update);
    // The emoji are the user's words and stay; the mention, located by UTF-16 offsets, is cut out exactly.
    await waitForTurn("🎬🔥 hello there, what can you do?");
    const next = await waitForBotText(chatId, "What next?");
    expect(sent(next).result.chat.id).toBe(chatId);
    // The working status and the agent's answer both quote the message that asked.
    const [status] = callsIn(chatId).filter((call) => call.method === "sendMessage");
    expect(sent(status as RecordedCall).result.reply_to_message?.message_id).toBe(messageOf(update).message_id);
    const answer = telegram.chat(chatId).messages.find((message) => message.from_bot);
    expect(answer?.reply_to_message_id).toBe(messageOf(update).message_id);

    const atEnd = telegram.updates.groupText("what music do you have?", {
      chatId,
      mentionBot: true,
      mentionPosition: "end",
    });
    await telegram.deliver(atEnd);
    await waitForTurn("what music do you have?");
  });

  it("acts on a text mention of the bot (a user without a username link)", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const update = telegram.updates.groupText("Nemo, what can you make from clips?", { chatId });
    const message = messageOf(update);
    const textMention: MessageEntity = {
      type: "text_mention",
      offset: 0,
      length: 4,
      user: { id: telegram.botInfo.id, is_bot: true, first_name: "Nemo" },
    };
    message.entities = [textMention];
    await telegram.deliver(update);
    await waitForTurn("what can you make from clips?");
    await waitForBotText(chatId, "What next?");
  });

  it("acts on a reply to one of its messages, and on /credits@thisbot; ignores /credits@otherbot", async () => {
    const { telegram, nemo } = stack;
    const chatId = newGroup();
    const help = await helpMarker(chatId);
    await telegram.deliver(telegram.updates.command("credits", { chatId, args: undefined, withUsername: false }));
    const reply = telegram.updates.groupText("what styles do you know?", {
      chatId,
      replyToBotMessageId: help.result.message_id,
    });
    await telegram.deliver(reply);
    await waitForTurn("what styles do you know?");

    const creditsBefore = nemo.requests.filter((request) => request.endpoint === "credits").length;
    await telegram.deliver(telegram.updates.groupText("/credits@other_helper_bot", { chatId }));
    const ours = telegram.updates.command("credits", { chatId });
    expect(messageOf(ours).text).toBe(`/credits@${bot}`);
    await telegram.deliver(ours);
    const answer = await telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes("Credits") &&
        (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id ===
          messageOf(ours).message_id,
    );
    expect(sent(answer).result.reply_to_message?.message_id).toBe(messageOf(ours).message_id);
    // The bare /credits and /credits@thisbot were answered; /credits@other_helper_bot was not.
    expect(nemo.requests.filter((request) => request.endpoint === "credits").length - creditsBefore).toBe(1);
    const creditAnswers = telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot && message.text?.includes("Credits"));
    expect(creditAnswers).toHaveLength(2);
  });

  it("takes an album whose caption mentions it, with every sibling; an album that does not is ignored", async () => {
    const { telegram, nemo } = stack;
    const chatId = newGroup();
    const fileIdsOf = (updates: Update[]) =>
      updates.map((update) => messageOf(update).photo?.at(-1)?.file_id).filter(Boolean);
    // Another member's album, posted just before: albums of different people never mix.
    const notForUs = telegram.updates.album(3, {
      chatId,
      caption: "our trip, isn't it nice",
      from: { id: 7_000_020, first_name: "Eve" },
    });
    await telegram.deliverAlbum(notForUs);
    const forUs = telegram.updates.album(3, {
      chatId,
      caption: `@${bot} hello, what can you do with these?`,
      captionOn: 1,
    });
    await telegram.deliverAlbum(forUs);
    await waitForTurn("hello, what can you do with these?");
    const sessionId = stack.nemo
      .sessions()
      .find((id) => nemo.session(id)?.turns.includes("hello, what can you do with these?"));
    expect(nemo.session(sessionId ?? "")?.uploads).toHaveLength(3);
    const fetched = telegram.callsTo("getFile").map((call) => call.params.file_id);
    expect(fetched).toEqual(expect.arrayContaining(fileIdsOf(forUs)));
    for (const id of fileIdsOf(notForUs)) expect(fetched).not.toContain(id);
    // The upload status answers the item that carried the instruction.
    const status = telegram.chat(chatId).messages.find((message) => message.from_bot);
    expect(status?.reply_to_message_id).toBe(messageOf(forUs[1] as Update).message_id);
  });

  it("answers inside a forum topic, and without a thread in an ordinary supergroup", async () => {
    const { telegram } = stack;
    const forum = newSupergroup();
    const inTopic = telegram.updates.groupText("hello from the topic", {
      chatId: forum,
      threadId: 7,
      isTopicMessage: true,
      mentionBot: true,
    });
    await telegram.deliver(inTopic);
    await waitForTurn("hello from the topic");
    const next = await waitForBotText(forum, "What next?");
    expect(next.params.message_thread_id).toBe(7);
    for (const message of telegram.chat(forum).messages.filter((m) => m.from_bot)) {
      expect(message.message_thread_id).toBe(7);
    }

    // A reply in a plain supergroup carries a message_thread_id (the reply thread) but is not a topic message.
    const plain = newSupergroup();
    const replyTarget = telegram.updates.groupText("look at this", { chatId: plain, supergroup: true });
    await telegram.deliver(replyTarget);
    const update = telegram.updates.groupText("hello in a plain supergroup", {
      chatId: plain,
      supergroup: true,
      mentionBot: true,
    });
    const message = messageOf(update);
    message.message_thread_id = messageOf(replyTarget).message_id;
    message.reply_to_message = { ...messageOf(replyTarget), reply_to_message: undefined };
    await telegram.deliver(update);
    await waitForTurn("hello in a plain supergroup");
    await waitForBotText(plain, "What next?");
    const failed = callsIn(plain).filter((call) => call.status !== 200);
    expect(failed).toEqual([]);
    expect(callsIn(plain).some((call) => call.params.message_thread_id !== undefined)).toBe(false);
  });

  it("works for anonymous admins and shares one NemoVideo session among the members", async () => {
    const { telegram, nemo } = stack;
    const chatId = newSupergroup();
    const sessionsBefore = nemo.requests.filter((request) => request.endpoint === "create-session").length;
    const tokensBefore = nemo.requests.filter((request) => request.endpoint === "anonymous-token").length;
    const anonymous = telegram.updates.groupText("hello, I am the admin", {
      chatId,
      supergroup: true,
      mentionBot: true,
      senderChat: true,
    });
    expect(messageOf(anonymous).sender_chat?.id).toBe(chatId);
    await telegram.deliver(anonymous);
    await waitForTurn("hello, I am the admin");
    await waitForBotText(chatId, "What next?");
    const member = telegram.updates.groupText("hello, I am a member", {
      chatId,
      supergroup: true,
      mentionBot: true,
      from: { id: 7_000_010, first_name: "Dan", language_code: "en" },
    });
    await telegram.deliver(member);
    await waitForTurn("hello, I am a member");
    const session = nemo.sessions().find((id) => nemo.session(id)?.turns.includes("hello, I am the admin"));
    expect(nemo.session(session ?? "")?.turns).toEqual(["hello, I am the admin", "hello, I am a member"]);
    expect(nemo.requests.filter((request) => request.endpoint === "create-session").length - sessionsBefore).toBe(1);
    expect(nemo.requests.filter((request) => request.endpoint === "anonymous-token").length - tokensBefore).toBe(1);
  });
});
