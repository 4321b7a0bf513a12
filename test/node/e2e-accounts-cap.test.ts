import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, type TestChat } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 17.1–17.2: NemoVideo's per-address cap on anonymous tokens (10 per 7 days, nemo-api.md §1),
 * modelled by the simulator with its default, and what users and the operator see when a public bot
 * reaches it.
 */
const ADMIN = 7_170_000_099;

describe("the anonymous-token cap, end to end under the simulator's default cap", () => {
  let stack: Stack;
  const output: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      vars: { ADMIN_USER_IDS: String(ADMIN) },
      onWorkerOutput: (_stream, text) => output.push(text),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const tokenRequests = (since: number) =>
    stack.nemo.requests.filter((request) => request.endpoint === "anonymous-token" && request.at >= since);
  const health = async () => (await (await fetch(`${stack.url}/healthz`)).json()) as Record<string, unknown>;
  const cappedLines = () =>
    output
      .join("")
      .split("\n")
      .filter((line) => line.includes('"event":"anonymous_tokens_capped"'));
  const botTexts = (chatId: number) =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? "");

  const chats: TestChat[] = [];

  it("the first ten chats from the Worker's address each get a token", async () => {
    for (let i = 0; i < 10; i += 1) chats.push(await openChat(stack));
    expect(tokenRequests(0).filter((request) => request.status === 200)).toHaveLength(10);
    expect(await health()).toMatchObject({ ok: true, anonymousTokens: "ok" });
  });

  const newUserId = 7_170_000_001;
  it("the 11th new chat gets the plain message after at most two token requests", async () => {
    const since = Date.now();
    const { telegram } = stack;
    await telegram.deliver(telegram.updates.command("start", { from: { id: newUserId, language_code: "en" } }));
    await expect
      .poll(() => botTexts(newUserId).join("\n"), { timeout: 10_000 })
      .toMatch(/isn't handing out free accounts right now/);
    const text = botTexts(newUserId).join("\n");
    // The two ways out: the user's own token and the operator's shared account.
    expect(text).toContain("/token");
    expect(text).toMatch(/shared NemoVideo account/);
    expect(text).not.toMatch(/busy|try again in a minute/i);
    const requests = tokenRequests(since);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests.every((request) => request.status === 429)).toBe(true);
  });

  it("/healthz and one warn log line tell the operator", async () => {
    const status = await health();
    expect(status).toMatchObject({ ok: true, anonymousTokens: "capped" });
    expect(Date.parse(String(status.anonymousTokensLastRefusalAt))).toBeGreaterThan(Date.now() - 60_000);
    await expect.poll(() => cappedLines().length, { timeout: 5_000 }).toBe(1);
    expect(JSON.parse(cappedLines()[0] ?? "{}")).toMatchObject({ level: "warn", event: "anonymous_tokens_capped" });
  });

  it("an admin's /stats shows the cap", async () => {
    const { telegram } = stack;
    await telegram.deliver(telegram.updates.command("stats", { from: { id: ADMIN, language_code: "en" } }));
    await expect.poll(() => botTexts(ADMIN).join("\n"), { timeout: 10_000 }).toMatch(/Anonymous tokens: capped/);
  });

  it("a 12th chat is refused too, without a second warn line within the hour", async () => {
    const { telegram } = stack;
    const userId = newUserId + 1;
    await telegram.deliver(telegram.updates.command("start", { from: { id: userId, language_code: "zh" } }));
    await expect.poll(() => botTexts(userId).join("\n"), { timeout: 10_000 }).toMatch(/NemoVideo 暂时不再发放免费账号/);
    expect(cappedLines()).toHaveLength(1);
  });

  it("a new chat's first photo while capped gets the same plain message, not an upload failure", async () => {
    const { telegram } = stack;
    const userId = newUserId + 2;
    await telegram.deliver(telegram.updates.photo({ from: { id: userId, language_code: "en" }, size: 30_000 }));
    await expect
      .poll(() => botTexts(userId).join("\n"), { timeout: 15_000 })
      .toMatch(/isn't handing out free accounts right now/);
    expect(botTexts(userId).join("\n")).not.toMatch(/couldn't upload|upload failed/i);
  });

  it("chats that already hold a token keep working", async () => {
    const first = chats[0];
    if (!first) throw new Error("no chat");
    await first.say("/credits");
    await first.waitForText(/credits/i);
    const credits = stack.nemo.requests.findLast((request) => request.endpoint === "credits");
    expect(credits?.status).toBe(200);
  });

  it("once the cap lifts, the refused chat's next message works without any reset", async () => {
    const { telegram, nemo } = stack;
    nemo.setTokenIpCap(20);
    await telegram.deliver(telegram.updates.command("start", { from: { id: newUserId, language_code: "en" } }));
    await expect.poll(() => botTexts(newUserId).join("\n"), { timeout: 10_000 }).toMatch(/Try saying/);
    expect(await health()).toMatchObject({ anonymousTokens: "ok" });
  });
});
