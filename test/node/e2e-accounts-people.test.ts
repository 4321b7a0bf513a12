import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 19.3: credits and quotas follow people, not chats. A user's daily turns are counted across every
 * chat (two groups share one quota), and /forget works once a day per person.
 */
describe("quotas and /forget follow people", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { DAILY_TURNS_PER_USER: "2", USER_TURNS_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const member = { id: 7_210_000_001, first_name: "Pat", language_code: "en" };
  const GROUP_A = -7_210_000_100;
  const GROUP_B = -7_210_000_200;
  const botTexts = (chatId: number) =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? "");
  const ask = (chatId: number, text: string) =>
    stack.telegram.deliver(stack.telegram.updates.groupText(text, { chatId, from: member, mentionBot: true }));
  const shown = (chatId: number, pattern: RegExp) =>
    expect.poll(() => botTexts(chatId).some((text) => pattern.test(text)), { timeout: 20_000 }).toBe(true);

  it("two groups share one user's daily quota", async () => {
    await ask(GROUP_A, "suggest a title for a beach video");
    await shown(GROUP_A, /1 of 2 requests left for you today/);
    await ask(GROUP_B, "suggest a title for a city video");
    await shown(GROUP_B, /0 of 2 requests left for you today/);
    // The quota line is sent when a turn is accepted, before its message reaches the agent: wait for both.
    const runs = () => stack.nemo.requests.filter((request) => request.endpoint === "run_sse").length;
    await expect.poll(runs, { timeout: 20_000 }).toBe(2);
    await ask(GROUP_A, "suggest another title");
    await shown(GROUP_A, /You've used all 2 requests for today/);
    expect(runs()).toBe(2);
  });

  it("/forget works once a day per person", async () => {
    const { telegram } = stack;
    const user = { id: 7_210_000_002, first_name: "Lee", language_code: "en" };
    const forget = async () => {
      await telegram.deliver(telegram.updates.command("forget", { from: user }));
      await expect.poll(() => botTexts(user.id).at(-1) ?? "", { timeout: 10_000 }).toMatch(/^🗑 Delete everything/);
      const message = telegram.chat(user.id).messages.findLast((m) => m.from_bot && m.reply_markup !== undefined);
      const yes = message?.reply_markup?.inline_keyboard.flat().find((b) => /Yes, delete/.test(b.text));
      if (!message || !yes || !("callback_data" in yes)) throw new Error("no confirmation button");
      await telegram.deliver(
        telegram.updates.callback(String(yes.callback_data), {
          chatId: user.id,
          messageId: message.message_id,
          from: user,
        }),
      );
      return message.message_id;
    };
    await telegram.deliver(telegram.updates.command("start", { from: user }));
    await expect.poll(() => botTexts(user.id).join("\n"), { timeout: 10_000 }).toMatch(/Try saying/);
    const first = await forget();
    await expect
      .poll(() => telegram.chat(user.id).messages.find((m) => m.message_id === first)?.text, { timeout: 10_000 })
      .toMatch(/^✅ Done/);
    const second = await forget();
    await expect
      .poll(() => telegram.chat(user.id).messages.find((m) => m.message_id === second)?.text, { timeout: 10_000 })
      .toMatch(/once a day per person\. Nothing was deleted/);
  });
});
