import type { Message } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";

/** Chinese for a zh user, from the first message on, in the session too; /language overrides. */
describe("languages", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const sent = (call: RecordedCall) => (call.response as { ok: true; result: Message }).result;
  const waitForBotText = (chatId: number, part: string, after = 0, timeoutMs = 10_000) =>
    stack.telegram.waitFor(
      (call) =>
        (call.method === "sendMessage" || call.method === "editMessageText") &&
        call.status === 200 &&
        call.at >= after &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes(part),
      { timeoutMs },
    );

  it("speaks Chinese to a zh-hans user and creates the NemoVideo session in Chinese", async () => {
    const { telegram, nemo } = stack;
    const user = { id: 7_400_000_001, first_name: "Li", language_code: "zh-hans" };
    const before = nemo.requests.length;
    await telegram.deliver(telegram.updates.privateText("你好，你能做什么？", { from: user }));
    const next = sent(await waitForBotText(user.id, "接下来做什么"));
    expect(next.reply_markup?.inline_keyboard.flat().map((button) => button.text)).toEqual([
      "🧾 时间线",
      "💳 积分",
      "🌐 在 NemoVideo 中打开",
    ]);
    const created = nemo.requests.slice(before).find((request) => request.endpoint === "create-session");
    expect(created?.bodySummary).toMatchObject({ language: "zh-CN" });
    const at = Date.now();
    await telegram.deliver(telegram.updates.command("help", { from: user }));
    await waitForBotText(user.id, "我能做什么", at);
  });

  it("/language switches the chat's language whatever the Telegram client says", async () => {
    const { telegram } = stack;
    const user = { id: 7_400_000_002, first_name: "Wang", language_code: "zh" };
    let at = Date.now();
    await telegram.deliver(telegram.updates.command("language", { from: user, args: "en" }));
    await waitForBotText(user.id, "I'll speak English", at);
    at = Date.now();
    await telegram.deliver(telegram.updates.command("credits", { from: user }));
    await waitForBotText(user.id, "available", at);
    // And back, with the buttons.
    at = Date.now();
    await telegram.deliver(telegram.updates.command("language", { from: user }));
    const choose = sent(await waitForBotText(user.id, "Choose a language", at));
    const chinese = choose.reply_markup?.inline_keyboard.flat().find((button) => button.text === "中文");
    at = Date.now();
    await telegram.deliver(
      telegram.updates.callback((chinese as { callback_data: string }).callback_data, {
        chatId: user.id,
        messageId: choose.message_id,
        from: user,
      }),
    );
    await waitForBotText(user.id, "之后我会用中文", at);
    at = Date.now();
    await telegram.deliver(telegram.updates.command("status", { from: user }));
    await waitForBotText(user.id, "时间线上还没有内容", at);
  });

  it("greets a group in the language of whoever added the bot", async () => {
    const { telegram } = stack;
    const chatId = -4_400_000_001;
    await telegram.deliver(
      telegram.updates.myChatMember("member", chatId, {
        from: { id: 7_400_000_003, first_name: "Zhao", language_code: "zh-TW" },
        oldStatus: "left",
      }),
    );
    const greeting = await waitForBotText(chatId, "你好！");
    expect(String(greeting.params.text)).toContain(`@${telegram.botInfo.username}`);
  });
});
