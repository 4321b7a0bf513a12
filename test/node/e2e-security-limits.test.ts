import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf, openChat, textOf } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 19.4 and 19.6: links are limited and checked before they reach NemoVideo, and in groups the
 * changes made for everyone belong to admins, while Retry is charged to whoever presses it.
 */
describe("input limits and group powers", () => {
  let stack: Stack;
  let nextGroup = -4_920_000_001;
  let nextUser = 7_492_000_001;

  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { DAILY_TURNS_PER_USER: "1" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const uploadRequests = () => stack.nemo.requests.filter((request) => request.endpoint === "upload");
  const waitIn = (chatId: number, pattern: RegExp, timeoutMs = 10_000) =>
    stack.telegram.waitFor(
      (call) => Number(call.params.chat_id) === chatId && call.response.ok && pattern.test(textOf(call)),
      { timeoutMs },
    );
  const messageIdOf = (call: RecordedCall) => (call.response as { result: { message_id: number } }).result.message_id;

  it("refuses a 300-link message before anything reaches NemoVideo", async () => {
    const chat = await openChat(stack);
    const before = uploadRequests().length;
    const links = Array.from({ length: 300 }, (_, i) => `https://cdn.example.com/p${i}.jpg`).join(" ");
    await chat.say(`make a video from ${links}`);
    await chat.waitForText(/too many links — I take at most 10/);
    expect(uploadRequests().length).toBe(before);
    expect(chat.runs()).toEqual([]);
  });

  it("refuses private, loopback, link-local and credentialed links; a public one still goes through", async () => {
    const chat = await openChat(stack);
    const before = uploadRequests().length;
    const refused = [
      "http://192.168.1.10/clip.mp4",
      "http://127.0.0.1:9101/a.jpg",
      "http://2130706433/a.jpg",
      "http://[::1]/a.mp4",
      "http://[::ffff:10.0.0.1]/a.mp4",
      "http://169.254.169.254/latest/a.png",
      "http://localhost/a.jpg",
      "http://printer.local/a.jpg",
      "https://user:secret@cdn.example.com/a.jpg",
    ];
    const refusals = () => chat.botTexts().filter((text) => text.includes("not allowed"));
    for (const [index, link] of refused.entries()) {
      await chat.say(`${link} make a video`);
      // Each link its own refusal (waiting for the count: an earlier refusal already matches the text).
      await expect.poll(() => refusals().length, { timeout: 10_000 }).toBe(index + 1);
    }
    expect(refusals()[0]).toMatch(/links to private, local or password-protected addresses are not allowed/);
    expect(refusals()).toHaveLength(refused.length);
    // The refusal names the host, never the credentials.
    expect(chat.botTexts().join("\n")).not.toContain("secret");
    expect(uploadRequests().length).toBe(before);

    await chat.say("https://cdn.example.com/beach.jpg");
    await chat.waitForText(/Added/i);
    expect(uploadRequests().length).toBe(before + 1);
  });

  it("a member who is not an admin cannot /forget, /new or /language the group; an admin can", async () => {
    const { telegram } = stack;
    const chatId = nextGroup--;
    const admin = { id: nextUser++, first_name: "Ada" };
    const member = { id: nextUser++, first_name: "Max" };
    telegram.setChatMember(chatId, admin.id, "administrator");

    const refusals = () =>
      telegram.chat(chatId).messages.filter((message) => message.text?.includes("only a group admin"));
    for (const [index, command] of ["forget", "new", "language"].entries()) {
      await telegram.deliver(telegram.updates.command(command, { chatId, from: member }));
      // Waiting for the count: the previous command's refusal already matches the text.
      await expect.poll(() => refusals().length, { timeout: 10_000 }).toBe(index + 1);
    }
    expect(refusals()).toHaveLength(3);
    expect(telegram.chat(chatId).messages.some((message) => /Delete everything/.test(message.text ?? ""))).toBe(false);
    expect(
      telegram.calls.some((call) => call.method === "getChatMember" && Number(call.params.chat_id) === chatId),
    ).toBe(true);

    await telegram.deliver(telegram.updates.command("forget", { chatId, from: admin }));
    await waitIn(chatId, /Delete everything/);
  });

  it("Retry pressed by another member is charged to that member", async () => {
    const { telegram, nemo } = stack;
    const chatId = nextGroup--;
    const ann = { id: nextUser++, first_name: "Ann" };
    const ben = { id: nextUser++, first_name: "Ben" };
    // Ann's only request of the day fails; Ben presses Retry.
    nemo.fault("run_sse", { status: 502 });
    await telegram.deliver(telegram.updates.groupText("add captions", { chatId, from: ann, mentionBot: true }));
    const failed = await waitIn(chatId, /went wrong/, 15_000);
    const retry = buttonsOf(failed).find((button) => button.callback_data?.startsWith("x:retry:"));
    expect(retry).toBeDefined();
    nemo.scriptTurn({ events: [{ event: { type: "text", content: "Captions added." } }] });
    await telegram.deliver(
      telegram.updates.callback(retry?.callback_data ?? "", { chatId, messageId: messageIdOf(failed), from: ben }),
    );
    // Charged to Ann (who has used her one request) it would have been refused; charged to Ben it runs…
    await waitIn(chatId, /Captions added\./, 15_000);
    // …and Ben's own next request is the one refused.
    const more = telegram.updates.groupText("and music", { chatId, from: ben, mentionBot: true });
    await telegram.deliver(more);
    const usedUp = await waitIn(chatId, /You've used all 1 requests/);
    expect((usedUp.params.reply_parameters as { message_id?: number } | undefined)?.message_id).toBe(
      more.message?.message_id,
    );
  }, 40_000);
});
