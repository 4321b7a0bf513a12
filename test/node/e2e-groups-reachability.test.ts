import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";

const ADMIN = { id: 7_300_000_001, first_name: "Op", language_code: "en" };
const MEMBER = { id: 7_300_000_002, first_name: "Gil", language_code: "en" };

/**
 * A group that can no longer be written to — the bot removed, Telegram refusing with 403, or the operator's
 * /block — gets nothing more and its running and waiting work stops; once the bot is back (re-added,
 * /unblock) an instruction in the group is answered again. Issue 13: reachability has one source of truth.
 */
describe("a group blocks and unblocks the bot", () => {
  let stack: Stack;
  let nextGroup = -4_300_000_101;
  const newGroup = () => nextGroup--;

  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never,
      vars: { ADMIN_USER_IDS: String(ADMIN.id) },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callsIn = (chatId: number, since = 0): RecordedCall[] =>
    stack.telegram.calls.filter((call) => Number(call.params.chat_id) === chatId && call.at >= since);
  const botTextSince = (chatId: number, part: string, since: number, timeoutMs = 15_000) =>
    stack.telegram.waitFor(
      (call) =>
        call.at >= since &&
        (call.method === "sendMessage" || call.method === "editMessageText") &&
        call.status === 200 &&
        Number(call.params.chat_id) === chatId &&
        String(call.params.text).includes(part),
      { timeoutMs },
    );
  const allTurns = () => stack.nemo.sessions().flatMap((id) => stack.nemo.session(id)?.turns ?? []);
  const say = (chatId: number, text: string) =>
    stack.telegram.deliver(stack.telegram.updates.groupText(text, { chatId, from: MEMBER, mentionBot: true }));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A group where a first turn is held at NemoVideo (working) and a second instruction waits behind it. */
  const busyGroup = async (first: string, second: string) => {
    const chatId = newGroup();
    const started = Date.now();
    stack.nemo.fault("run_sse", { delayMs: 1_500 });
    await say(chatId, first);
    await botTextSince(chatId, "Working", started);
    await say(chatId, second);
    await botTextSince(chatId, "queued (#1)", started);
    return chatId;
  };

  /** After the bot is back, an instruction reaches the agent and is answered in the group. */
  const answeredAgain = async (chatId: number, text: string) => {
    const back = Date.now();
    await say(chatId, text);
    await botTextSince(chatId, "What next?", back);
    expect(allTurns()).toContain(text);
  };

  it("removed from the group: nothing more is sent and the waiting instruction is dropped; re-added, it answers", async () => {
    const { telegram } = stack;
    const chatId = await busyGroup("a clip of the harbour at dawn", "queued before the kick");
    await telegram.deliver(telegram.updates.myChatMember("kicked", chatId, { from: MEMBER, oldStatus: "member" }));
    const kickedAt = Date.now();
    // Past the held turn and several watchdog alarms (300 ms each).
    await pause(2_500);
    expect(callsIn(chatId, kickedAt)).toEqual([]);
    expect(allTurns()).not.toContain("queued before the kick");

    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: MEMBER, oldStatus: "kicked" }));
    await botTextSince(chatId, "👋 Hi!", kickedAt);
    await answeredAgain(chatId, "a clip of the harbour at dusk");
    expect(allTurns()).not.toContain("queued before the kick");
  });

  it("refused by Telegram (403) without a word: it stops at the first refusal; re-added, it answers", async () => {
    const { telegram } = stack;
    const chatId = await busyGroup("a clip of the market at noon", "waiting behind the refusal");
    // The bot lost the group (its membership update never came): every later call to it is refused.
    telegram.blockBy(chatId);
    const firstRefusal = await telegram.waitFor(
      (call) => Number(call.params.chat_id) === chatId && call.status === 403,
    );
    await pause(2_500);
    // Calls that started after the first refusal (a call started before the block may still have landed).
    const later = () => callsIn(chatId).filter((call) => call.at > firstRefusal.at);
    const attempts = later();
    expect(attempts.filter((call) => call.status === 200)).toEqual([]);
    // No retry loop: the chat is marked unreachable, so the watchdog alarms push nothing more.
    await pause(1_500);
    expect(later()).toHaveLength(attempts.length);
    expect(allTurns()).not.toContain("waiting behind the refusal");

    await telegram.deliver(telegram.updates.myChatMember("member", chatId, { from: MEMBER, oldStatus: "left" }));
    await answeredAgain(chatId, "a clip of the market at night");
  });

  it("the operator's /block stops the group's work and refuses it; /unblock lets it be answered again", async () => {
    const { telegram } = stack;
    const chatId = await busyGroup("a clip of the river in spring", "queued before the block");
    const adminSays = async (command: "block" | "unblock", confirmation: RegExp) => {
      const sent = Date.now();
      await telegram.deliver(telegram.updates.command(command, { from: ADMIN, args: String(chatId) }));
      await telegram.waitFor(
        (call) =>
          call.at >= sent &&
          call.method === "sendMessage" &&
          Number(call.params.chat_id) === ADMIN.id &&
          confirmation.test(String(call.params.text)),
      );
    };
    await adminSays("block", /is blocked/);
    const blockedAt = Date.now();
    await pause(2_500);
    expect(callsIn(chatId, blockedAt)).toEqual([]);
    expect(allTurns()).not.toContain("queued before the block");
    await say(chatId, "anyone there?");
    await botTextSince(chatId, "can no longer use this bot", blockedAt);
    expect(allTurns()).not.toContain("anyone there?");

    await adminSays("unblock", /is unblocked/);
    // Group messages never count as "reachable again" by themselves: only the /unblock can clear the block.
    await answeredAgain(chatId, "a clip of the river in autumn");
  });
});
