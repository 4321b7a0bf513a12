import type { InlineKeyboardButton, Message, Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { commandList } from "../../src/i18n";
import { type Stack, startStack } from "../support/stack";

/** Every command and button through the real Worker bundle, in private chats and in a group. */
describe("commands and buttons", () => {
  let stack: Stack;
  let nextUser = 7_300_000_001;
  const newUser = () => ({ id: nextUser++, first_name: "Fay", language_code: "en" });

  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const sent = (call: RecordedCall) => (call.response as { ok: true; result: Message }).result;
  const waitForBotText = (chatId: number, part: string | RegExp, after = 0, timeoutMs = 10_000) =>
    stack.telegram.waitFor(
      (call) =>
        (call.method === "sendMessage" || call.method === "editMessageText") &&
        call.status === 200 &&
        call.at >= after &&
        Number(call.params.chat_id) === chatId &&
        (typeof part === "string" ? String(call.params.text).includes(part) : part.test(String(call.params.text))),
      { timeoutMs },
    );
  const buttonsOf = (message: Message): InlineKeyboardButton[] => message.reply_markup?.inline_keyboard.flat() ?? [];
  const dataOf = (message: Message, label: string) => {
    const button = buttonsOf(message).find((b) => b.text.includes(label));
    if (!button || !("callback_data" in button)) throw new Error(`no "${label}" button`);
    return button.callback_data;
  };
  /** Presses a button and returns the moment it was pressed and the answer to the query. */
  const press = async (data: string, chatId: number, messageId: number, from: object) => {
    const update = stack.telegram.updates.callback(data, { chatId, messageId, from });
    const at = Date.now();
    await stack.telegram.deliver(update);
    const answer = await stack.telegram.waitFor(
      (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === update.callback_query?.id,
    );
    expect(answer.status).toBe(200);
    return { at, answer };
  };
  const command = async (name: string, from: { id: number }, args?: string) => {
    const update = stack.telegram.updates.command(name, { from, ...(args ? { args } : {}) });
    const at = Date.now();
    await stack.telegram.deliver(update);
    return at;
  };
  const creates = () => stack.nemo.requests.filter((request) => request.endpoint === "create-session").length;

  it("answers every registered command, and says so for an unknown one", async () => {
    const user = newUser();
    const expected: Record<string, string | RegExp> = {
      start: "Try saying",
      help: "What I do",
      credits: "Credits",
      status: "Nothing on the timeline yet",
      export: "nothing to export yet",
      new: "Start a new project?",
      cancel: "Nothing is running",
      open: "Open your project in NemoVideo",
      language: "Choose a language",
      token: "Send me your NemoVideo API token",
    };
    expect(commandList("en").map((c) => c.command)).toEqual(Object.keys(expected));
    for (const [name, answer] of Object.entries(expected)) {
      const at = await command(name, user);
      await waitForBotText(user.id, answer, at);
    }
    const at = await command("dance", user);
    await waitForBotText(user.id, "I don't know that command", at);
  });

  it("/new asks first, and the confirmation button starts a fresh NemoVideo session", async () => {
    const user = newUser();
    let at = await command("start", user);
    await waitForBotText(user.id, "Try saying", at);
    const before = creates();
    at = await command("new", user);
    const ask = sent(await waitForBotText(user.id, "Start a new project?", at));
    expect(creates()).toBe(before);
    const pressed = await press(dataOf(ask, "Start a new project"), user.id, ask.message_id, user);
    await waitForBotText(user.id, "New project started", pressed.at);
    expect(creates()).toBe(before + 1);
    // A second press of the same confirmation (a double tap, or scrolling back) starts nothing more.
    const again = await press(dataOf(ask, "Start a new project"), user.id, ask.message_id, user);
    await waitForBotText(user.id, "already started", again.at);
    expect(creates()).toBe(before + 1);
  });

  it("/open gives the claim link as a button, never the account token", async () => {
    const user = newUser();
    await stack.telegram.deliver(stack.telegram.updates.privateText("hello, what can you do?", { from: user }));
    await waitForBotText(user.id, "What next?");
    const at = await command("open", user);
    const open = sent(await waitForBotText(user.id, "Open your project", at));
    const url = buttonsOf(open).find((button) => "url" in button) as { url: string } | undefined;
    expect(url?.url).toMatch(/\/workspace\/claim\?ct=/);
    const everything = JSON.stringify(stack.telegram.chat(user.id).messages);
    expect(everything).not.toMatch(/nmv_usr_/);
  });

  it("after a turn offers Timeline, Credits and Open, then Export once there is a video; every press is answered", async () => {
    const user = newUser();
    await stack.telegram.deliver(
      stack.telegram.updates.privateText("generate a 5-second video of a city at night", { from: user }),
    );
    const next = sent(await waitForBotText(user.id, "What next?", 0, 20_000));
    const labels = buttonsOf(next).map((button) => button.text);
    expect(labels).toEqual(["🎬 Export", "🧾 Timeline", "💳 Credits", "🌐 Open in NemoVideo"]);

    let pressed = await press(dataOf(next, "Timeline"), user.id, next.message_id, user);
    await waitForBotText(user.id, /video|clip|title|music/i, pressed.at);
    pressed = await press(dataOf(next, "Credits"), user.id, next.message_id, user);
    await waitForBotText(user.id, "Credits", pressed.at);
    pressed = await press(dataOf(next, "Open"), user.id, next.message_id, user);
    await waitForBotText(user.id, "Open your project", pressed.at);
    pressed = await press(dataOf(next, "Export"), user.id, next.message_id, user);
    const video = await stack.telegram.waitFor(
      (call) => call.method === "sendVideo" && Number(call.params.chat_id) === user.id,
      { timeoutMs: 20_000 },
    );
    expect(video.status).toBe(200);
  });

  it("answers stale and unknown buttons helpfully instead of failing", async () => {
    const user = newUser();
    const at0 = await command("help", user);
    const help = sent(await waitForBotText(user.id, "What I do", at0));
    // A button of a layout this version no longer has.
    const unknown = await press("v0:make-it-pop", user.id, help.message_id, user);
    expect(unknown.answer.params.text).toMatch(/no longer active/);
    // Retry of a failure this chat no longer remembers.
    const retry = await press("x:retry:0b5e6e1c-gone", user.id, help.message_id, user);
    await waitForBotText(user.id, "retry has expired", retry.at);
    // Export from a project with nothing on it (e.g. an old message's button after /new).
    const exported = await press("x:export", user.id, help.message_id, user);
    await waitForBotText(user.id, "nothing to export yet", exported.at);
    for (const call of stack.telegram.calls.filter((c) => Number(c.params.chat_id) === user.id)) {
      expect(call.status).toBe(200);
    }
  });

  it("buttons work in groups: answered, and the answer goes to the group", async () => {
    const { telegram } = stack;
    const chatId = -4_300_000_001;
    const member = newUser();
    // Changing the group's language is for its admins (issue 19.6).
    telegram.setChatMember(chatId, member.id, "administrator");
    const update = telegram.updates.command("language", { chatId, from: member });
    await telegram.deliver(update);
    const choose = sent(await waitForBotText(chatId, "Choose a language"));
    const pressed = await press(dataOf(choose, "中文"), chatId, choose.message_id, member);
    await waitForBotText(chatId, "之后我会用中文", pressed.at);
    // The group now speaks Chinese, whoever asks.
    const at = Date.now();
    await telegram.deliver(telegram.updates.command("help", { chatId, from: newUser() }));
    await waitForBotText(chatId, "我能做什么", at);
  });

  it("ignores edited messages and channel posts: no second turn, no charge, no answer", async () => {
    const { telegram, nemo } = stack;
    const user = newUser();
    const original: Update = telegram.updates.privateText("hello, tell me about music", { from: user });
    await telegram.deliver(original);
    await waitForBotText(user.id, "What next?");
    const turnsBefore = nemo.requests.filter((request) => request.endpoint === "run_sse").length;
    const messageId = original.message?.message_id ?? 0;
    await telegram.deliver(telegram.updates.editedMessage("hello, tell me about titles", { from: user, messageId }));
    // A channel post has no later update to sync on: give its chat a few watchdog periods (300 ms each).
    await telegram.deliver(telegram.updates.channelPost(`@${telegram.botInfo.username} make a video`));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const at = await command("help", user);
    await waitForBotText(user.id, "What I do", at);
    expect(nemo.requests.filter((request) => request.endpoint === "run_sse").length).toBe(turnsBefore);
    const repliesAfterEdit = telegram
      .chat(user.id)
      .messages.filter((m) => m.from_bot && !m.text?.includes("What I do"));
    expect(repliesAfterEdit.every((m) => !m.text?.includes("titles"))).toBe(true);
    expect(telegram.calls.filter((call) => Number(call.params.chat_id) < -1_009_000_000_000)).toEqual([]);
  });
});
