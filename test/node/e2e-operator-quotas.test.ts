import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

const USER = { id: 7_200_000_001, first_name: "Quinn", language_code: "en" };
const DAY_MS = 24 * 60 * 60 * 1000;

/** The chat object's test hook (test/support/worker/chat-do-testing.ts): its quota clock is moved, nothing else. */
type ChatObjectHooks = { operatorShiftClock(ms: number): Promise<void> };

describe("daily quotas, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never,
      // The render limit in front of an explicit export; AUTO_EXPORT's renders are proven in e2e-render-auto.
      vars: { DAILY_TURNS_PER_USER: "2", DAILY_RENDERS_PER_CHAT: "1", USER_TURNS_PER_MINUTE: "0", AUTO_EXPORT: "off" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botTexts = () =>
    stack.telegram
      .chat(USER.id)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? "");
  const count = (endpoint: string) => stack.nemo.requests.filter((request) => request.endpoint === endpoint).length;
  const calls = (method: string) => stack.telegram.callsTo(method).filter((call) => call.params.chat_id === USER.id);
  /** Waits until the bot has sent a message matching `pattern` `times` times in all. */
  const shown = async (pattern: RegExp, times = 1) =>
    expect.poll(() => botTexts().filter((text) => pattern.test(text)).length, { timeout: 20_000 }).toBe(times);

  /** The chat's quota clock is `Date.now() + shift`; pinned to noon UTC so a real midnight cannot interfere. */
  let shift = 0;
  const chatObject = async () => {
    const chats = await stack.mf.getDurableObjectNamespace("CHAT");
    return chats.get(chats.idFromName(String(USER.id))) as unknown as ChatObjectHooks;
  };
  const shiftClock = async (ms: number) => {
    shift += ms;
    await (await chatObject()).operatorShiftClock(ms);
  };

  it("counts turns per user and renders per chat, tells what is left and when it resets, and refuses the next one", async () => {
    const { telegram } = stack;
    await shiftClock(DAY_MS / 2 - (Date.now() % DAY_MS));
    await telegram.deliver(
      telegram.updates.photo({ from: USER, caption: "turn my photo into a 15-second TikTok", size: 80_000 }),
    );
    await shown(/^📊 1 of 2 requests left for you today · resets at 00:00 UTC \(in (\d+ h )?\d+ min\)\.$/);
    await expect.poll(() => calls("sendVideo").length, { timeout: 25_000 }).toBe(1);
    await shown(/^📊 0 of 1 video exports left in this chat today · resets at 00:00 UTC/);

    await telegram.deliver(telegram.updates.privateText("make the title bigger", { from: USER }));
    await shown(/^📊 0 of 2 requests left for you today/);
    await shown(/^What next\?/);
    expect(count("run_sse")).toBe(2);

    await telegram.deliver(telegram.updates.privateText("now add trending music", { from: USER }));
    await shown(/^⏳ You've used all 2 requests for today\. They reset at 00:00 UTC \(in (\d+ h )?\d+ min\)\.$/);
    await telegram.deliver(telegram.updates.command("export", { from: USER }));
    await shown(/^⏳ This chat has used all 1 video exports for today\. They reset at 00:00 UTC/);
    expect(count("run_sse")).toBe(2);
    expect(count("render-submit")).toBe(1);

    // The reset time shown is the distance from the chat's clock to its next UTC midnight.
    const refusal = botTexts().find((text) => text.startsWith("⏳ You've used all")) ?? "";
    const [, hours, minutes] = /\(in (?:(\d+) h )?(\d+) min\)/.exec(refusal) ?? [];
    const shownMs = (Number(hours ?? 0) * 60 + Number(minutes)) * 60_000;
    const untilMidnight = DAY_MS - ((Date.now() + shift) % DAY_MS);
    expect(Math.abs(shownMs - untilMidnight)).toBeLessThan(2 * 60_000);
  });

  it("starts counting afresh the next UTC day", async () => {
    const { telegram } = stack;
    // Tomorrow, a minute after midnight.
    await shiftClock(DAY_MS - ((Date.now() + shift) % DAY_MS) + 60_000);

    await telegram.deliver(telegram.updates.privateText("now add trending music", { from: USER }));
    await shown(/^📊 1 of 2 requests left for you today · resets at 00:00 UTC \(in 23 h 59 min\)\.$/);
    await shown(/^What next\?/, 2);
    expect(count("run_sse")).toBe(3);

    await telegram.deliver(telegram.updates.command("export", { from: USER }));
    await expect.poll(() => calls("sendVideo").length, { timeout: 25_000 }).toBe(2);
    await shown(/^📊 0 of 1 video exports left in this chat today/, 2);
    expect(count("render-submit")).toBe(2);
  });
});
