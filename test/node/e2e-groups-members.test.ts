import type { Message, Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";

/**
 * Group manners that need their own settings: the per-user turn limit and the per-chat queue limit
 * (shrunk to 2 turns a minute and 1 waiting instruction), and how the bot joins and leaves chats.
 */
describe("limits and membership in groups", () => {
  let stack: Stack;
  let bot: string;
  let nextGroup = -4_200_000_001;
  const newGroup = () => nextGroup--;

  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never,
      vars: { USER_TURNS_PER_MINUTE: "2", QUEUE_LIMIT: "1" },
    });
    bot = stack.telegram.botInfo.username;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callsIn = (chatId: number): RecordedCall[] =>
    stack.telegram.calls.filter((call) => Number(call.params.chat_id) === chatId);
  const sent = (call: RecordedCall) => (call.response as { ok: true; result: Message }).result;
  const waitForBotText = (chatId: number, part: string, timeoutMs = 10_000) =>
    stack.telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.status === 200 &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes(part),
      { timeoutMs },
    );
  const allTurns = () => stack.nemo.sessions().flatMap((id) => stack.nemo.session(id)?.turns ?? []);
  const waitForTurn = async (text: string, timeoutMs = 10_000) => {
    const started = Date.now();
    while (!allTurns().includes(text)) {
      if (Date.now() - started > timeoutMs) throw new Error(`no turn "${text}"; turns: ${JSON.stringify(allTurns())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const messageOf = (update: Update) => update.message as Message;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("limits one member's turns per minute and the chat's queue, answering each politely", async () => {
    const { telegram, nemo } = stack;
    const chatId = newGroup();
    const ann = { id: 7_100_001, first_name: "Ann", language_code: "en" };
    const ben = { id: 7_100_002, first_name: "Ben", language_code: "en" };
    // The first turn is held for a moment so the others arrive while it runs.
    nemo.fault("run_sse", { delayMs: 1_500 });
    const say = async (text: string, from: typeof ann) => {
      const update = telegram.updates.groupText(text, { chatId, from, mentionBot: true });
      await telegram.deliver(update);
      return messageOf(update).message_id;
    };
    await say("hello one", ann);
    const second = await say("hello two", ann);
    const third = await say("hello three", ann);
    const fourth = await say("hello four", ben);

    const queued = sent(await waitForBotText(chatId, "queued (#1)"));
    expect(queued.reply_to_message?.message_id).toBe(second);
    const slowDown = sent(await waitForBotText(chatId, "You're sending messages quickly"));
    expect(slowDown.reply_to_message?.message_id).toBe(third);
    const full = sent(await waitForBotText(chatId, "A few requests are already waiting"));
    expect(full.reply_to_message?.message_id).toBe(fourth);

    await waitForTurn("hello two");
    await waitForBotText(chatId, "What next?");
    const session = nemo.sessions().find((id) => nemo.session(id)?.turns.includes("hello one"));
    // Only the two accepted instructions reached the agent, so only they were charged.
    expect(nemo.session(session ?? "")?.turns).toEqual(["hello one", "hello two"]);
  });

  it("greets once when added to a group, explaining how to address it", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const adder = { id: 7_100_010, first_name: "Cat", language_code: "en" };
    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: adder, oldStatus: "left" }));
    // Made an admin a moment later: a permission change, not a new arrival.
    await telegram.deliver(
      telegram.updates.myChatMember("administrator", chatId, { from: adder, oldStatus: "member" }),
    );
    await telegram.deliver(telegram.updates.command("help", { chatId, from: adder }));
    await waitForBotText(chatId, "What I do");

    const greetings = telegram.chat(chatId).messages.filter((message) => message.text?.includes("👋 Hi!"));
    expect(greetings).toHaveLength(1);
    const greeting = greetings[0]?.text ?? "";
    expect(greeting).toContain(`@${bot}`);
    expect(greeting).toMatch(/reply to one of my messages/);
    expect(greeting).toMatch(/command like \/help/);
    expect(greeting).toMatch(/privacy mode/);
  });

  it("stops all work for a group it was removed from, and greets again when re-added", async () => {
    const { telegram, nemo } = stack;
    const chatId = newGroup();
    const member = { id: 7_100_020, first_name: "Dee", language_code: "en" };
    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: member, oldStatus: "left" }));
    await waitForBotText(chatId, "👋 Hi!");
    nemo.fault("run_sse", { delayMs: 1_000 });
    await telegram.deliver(
      telegram.updates.groupText("hello before the kick", { chatId, from: member, mentionBot: true }),
    );
    await telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes("Working"),
    );
    await telegram.deliver(telegram.updates.myChatMember("kicked", chatId, { from: member, oldStatus: "member" }));
    const kickedAt = Date.now();
    // Past the held turn and several watchdog alarms (300 ms each): nothing more may reach the chat.
    await pause(2_500);
    expect(callsIn(chatId).filter((call) => call.at >= kickedAt)).toEqual([]);

    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: member, oldStatus: "kicked" }));
    await telegram.waitFor(
      (call) =>
        call.at > kickedAt && Number(call.params.chat_id) === chatId && String(call.params.text).includes("👋 Hi!"),
    );
    await telegram.deliver(
      telegram.updates.groupText("hello after the return", { chatId, from: member, mentionBot: true }),
    );
    await waitForTurn("hello after the return");
  });

  it("stops pushing to a private chat that blocked it, and resumes everything once unblocked", async () => {
    const { telegram, nemo } = stack;
    const person = { id: 7_100_030, first_name: "Eli", language_code: "en" };
    const chatId = person.id;
    nemo.fault("run_sse", { delayMs: 1_000 });
    await telegram.deliver(telegram.updates.privateText("hello before blocking", { from: person }));
    await telegram.waitFor((call) => call.method === "sendMessage" && Number(call.params.chat_id) === chatId);
    await telegram.deliver(telegram.updates.myChatMember("kicked", chatId, { from: person }));
    const blockedAt = Date.now();
    await pause(2_500);
    // Nothing got through, and no retry loop: at most the one attempt that ran into the block (403).
    const after = callsIn(chatId).filter((call) => call.at >= blockedAt);
    expect(after.filter((call) => call.status === 200)).toEqual([]);
    expect(after.length).toBeLessThanOrEqual(1);

    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: person, oldStatus: "kicked" }));
    // Albums settle through the chat's alarm; a chat still marked unreachable would never settle them.
    await telegram.deliverAlbum(telegram.updates.album(2, { from: person, caption: "hello with two photos" }));
    await waitForTurn("hello with two photos");
    await waitForBotText(chatId, "What next?");
  });
});
