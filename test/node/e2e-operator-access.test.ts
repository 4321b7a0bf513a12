import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

/** Users of this file: one on the allowlist, one admin, one stranger. */
const ALLOWED = { id: 7_100_000_001, first_name: "Ann", language_code: "en" };
const ADMIN = { id: 7_100_000_002, first_name: "Op", language_code: "en" };
const STRANGER = { id: 7_100_000_003, first_name: "Sam", language_code: "en" };

describe("access control: allowlists, admins and /block, end to end", () => {
  let stack: Stack;
  const lines: string[] = [];
  /** The chat object's per-update log lines, parsed. */
  const handled = () =>
    lines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "handled");

  beforeAll(async () => {
    stack = await startStack({
      vars: {
        ALLOWED_USER_IDS: String(ALLOWED.id),
        ADMIN_USER_IDS: String(ADMIN.id),
        LOG_LEVEL: "info",
      },
      onWorkerOutput: (_stream, text) => lines.push(...text.split("\n").filter(Boolean)),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botTexts = (chatId: number) =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? "");

  it("a stranger gets exactly one polite refusal for many messages and NemoVideo hears nothing", async () => {
    const { telegram, nemo } = stack;
    const before = nemo.requests.length;
    const updates = [
      telegram.updates.command("start", { from: STRANGER }),
      telegram.updates.privateText("turn my photos into a TikTok", { from: STRANGER }),
      telegram.updates.photo({ from: STRANGER, caption: "make a video", size: 50_000 }),
      telegram.updates.command("credits", { from: STRANGER }),
    ];
    for (const update of updates) expect((await telegram.deliver(update)).status).toBe(200);
    const ids = new Set(updates.map((update) => update.update_id));
    await expect
      .poll(() => handled().filter((entry) => ids.has(entry.updateId as number)).length, { timeout: 10_000 })
      .toBe(updates.length);
    expect(
      handled()
        .filter((entry) => ids.has(entry.updateId as number))
        .map((entry) => entry.outcome),
    ).toEqual(["refused", "refused", "refused", "refused"]);
    const texts = botTexts(STRANGER.id);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/this bot is private/);
    expect(nemo.requests.slice(before)).toEqual([]);
    // Nothing was fetched from Telegram's file store either: the photo was never looked at.
    expect(telegram.callsTo("getFile")).toEqual([]);
  });

  it("an allowed user is served as usual", async () => {
    const { telegram, nemo } = stack;
    await telegram.deliver(telegram.updates.command("start", { from: ALLOWED }));
    await telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.params.chat_id === ALLOWED.id &&
        /Try saying/.test(String(call.params.text)),
    );
    expect(nemo.requests.some((request) => request.endpoint === "anonymous-token")).toBe(true);
  });

  it("non-admins get the ordinary unknown-command answer to /stats, /block and /unblock", async () => {
    const { telegram } = stack;
    for (const command of ["stats", "block", "unblock"]) {
      const count = botTexts(ALLOWED.id).length;
      await telegram.deliver(telegram.updates.command(command, { from: ALLOWED, args: String(STRANGER.id) }));
      await expect.poll(() => botTexts(ALLOWED.id).length, { timeout: 10_000 }).toBe(count + 1);
      expect(botTexts(ALLOWED.id).at(-1)).toBe("I don't know that command. /help lists what I can do.");
    }
  });

  it("an admin blocks a chat: it gets one notice, then nothing, and NemoVideo hears nothing; /unblock restores it", async () => {
    const { telegram, nemo } = stack;
    await telegram.deliver(telegram.updates.command("block", { from: ADMIN, args: String(ALLOWED.id) }));
    await telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.params.chat_id === ADMIN.id &&
        /is blocked/.test(String(call.params.text)),
    );
    expect(botTexts(ADMIN.id).at(-1)).toBe(`🚫 Chat ${ALLOWED.id} is blocked: it gets nothing from the bot now.`);

    const shownBefore = botTexts(ALLOWED.id).length;
    const requestsBefore = nemo.requests.length;
    const updates = [
      telegram.updates.privateText("make a video of my cat", { from: ALLOWED }),
      telegram.updates.command("credits", { from: ALLOWED }),
      telegram.updates.privateText("hello?", { from: ALLOWED }),
    ];
    for (const update of updates) await telegram.deliver(update);
    const ids = new Set(updates.map((update) => update.update_id));
    await expect
      .poll(() => handled().filter((entry) => ids.has(entry.updateId as number)).length, { timeout: 10_000 })
      .toBe(3);
    expect(
      handled()
        .filter((entry) => ids.has(entry.updateId as number))
        .every((e) => e.outcome === "blocked"),
    ).toBe(true);
    expect(botTexts(ALLOWED.id).slice(shownBefore)).toEqual(["🔒 This chat can no longer use this bot."]);
    expect(nemo.requests.slice(requestsBefore)).toEqual([]);

    await telegram.deliver(telegram.updates.command("unblock", { from: ADMIN, args: String(ALLOWED.id) }));
    await telegram.waitFor((call) => call.method === "sendMessage" && /is unblocked/.test(String(call.params.text)));
    await telegram.deliver(telegram.updates.command("credits", { from: ALLOWED }));
    await telegram.waitFor(
      (call) =>
        call.method === "sendMessage" &&
        call.params.chat_id === ALLOWED.id &&
        /credit/i.test(String(call.params.text)) &&
        !/can no longer/.test(String(call.params.text)),
    );
    expect(nemo.requests.slice(requestsBefore).map((request) => request.endpoint)).toContain("credits");
  });

  it("an admin's /block without a chat id explains the usage", async () => {
    const { telegram } = stack;
    const count = botTexts(ADMIN.id).length;
    await telegram.deliver(telegram.updates.command("block", { from: ADMIN, args: "everyone" }));
    await expect.poll(() => botTexts(ADMIN.id).length, { timeout: 10_000 }).toBe(count + 1);
    expect(botTexts(ADMIN.id).at(-1)).toMatch(/^Usage: \/block <chat id>/);
  });
});
