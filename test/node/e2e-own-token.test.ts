import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

/** Issue 17.3: /token — a user's own NemoVideo token, only in private, deleted, checked, sealed, used. */
const KEY = randomBytes(32).toString("base64");
const USER = { id: 7_180_000_001, first_name: "Tom", language_code: "en" };
const GROUP = -7_180_000_500;

describe("/token: users bring their own NemoVideo token", () => {
  let stack: Stack;
  const output: string[] = [];
  let ownToken = "";
  beforeAll(async () => {
    stack = await startStack({
      vars: { TOKEN_ENCRYPTION_KEY: KEY },
      onWorkerOutput: (_stream, text) => output.push(text),
    });
    ownToken = stack.nemo.issueToken({ credits: 700 }).token;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botTexts = (chatId: number) =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? message.caption ?? "");
  const lastText = (chatId: number) => botTexts(chatId).at(-1) ?? "";
  const stored = async () => (await (await stack.mf.getKVNamespace("CHATS_KV")).get(`chat:${USER.id}`)) ?? "";
  const say = async (text: string) => {
    const update = stack.telegram.updates.privateText(text, { from: USER });
    await stack.telegram.deliver(update);
    return update.message?.message_id ?? 0;
  };
  const deleted = (messageId: number) =>
    stack.telegram.calls.some(
      (call) =>
        call.method === "deleteMessage" && call.params.chat_id === USER.id && call.params.message_id === messageId,
    );
  const authOf = (endpoint: string) =>
    stack.nemo.requests.findLast((request) => request.endpoint === endpoint)?.headers.authorization;

  it("starts on an anonymous token", async () => {
    await stack.telegram.deliver(stack.telegram.updates.command("start", { from: USER }));
    await expect.poll(() => lastText(USER.id), { timeout: 10_000 }).toMatch(/Try saying/);
    expect(authOf("create-session")).not.toBe(`Bearer ${ownToken}`);
  });

  it("a wrong token is refused plainly, its message deleted, nothing stored", async () => {
    await say("/token");
    await expect.poll(() => lastText(USER.id), { timeout: 10_000 }).toMatch(/Send me your NemoVideo API token/);
    // Shaped like a user token (so it is taken as one), built here so no token-like literal sits in the tree.
    const wrong = ["nmv", "usr", "wrong", "token", "for", "this", "test"].join("_");
    const messageId = await say(wrong);
    await expect.poll(() => lastText(USER.id), { timeout: 10_000 }).toMatch(/did not accept that token/);
    expect(deleted(messageId)).toBe(true);
    expect(stack.nemo.requests.findLast((r) => r.endpoint === "credits")?.headers.authorization).toBe(
      `Bearer ${wrong}`,
    );
    expect(await stored()).not.toContain("sealedOwnToken");
    // Not sent on to the agent as an instruction.
    expect(stack.nemo.requests.some((r) => r.endpoint === "run_sse")).toBe(false);
  });

  it("a good token: deleted at once, checked with a credits call, sealed in KV, used from the next turn", async () => {
    await say("/token");
    await expect.poll(() => lastText(USER.id), { timeout: 10_000 }).toMatch(/Send me your NemoVideo API token/);
    const messageId = await say(ownToken);
    await expect.poll(() => botTexts(USER.id).join("\n"), { timeout: 10_000 }).toMatch(/Token checked and saved/);
    expect(botTexts(USER.id).join("\n")).toMatch(/700 credits available/);
    expect(deleted(messageId)).toBe(true);
    // The old project stays reachable by its claim link, offered in this private chat.
    await expect.poll(() => lastText(USER.id), { timeout: 10_000 }).toMatch(/previous project stays/);
    const kv = await stored();
    expect(kv).toContain('"sealedOwnToken"');
    expect(kv).not.toContain(ownToken);
    expect(kv).not.toContain(ownToken.slice(-12));

    stack.nemo.scriptTurn({ events: [{ event: { type: "text", content: "Sure, here is an idea." } }], creditsCost: 2 });
    await say("suggest an idea for a video");
    await expect.poll(() => botTexts(USER.id).join("\n"), { timeout: 10_000 }).toMatch(/here is an idea/);
    expect(authOf("run_sse")).toBe(`Bearer ${ownToken}`);
    // A new project under the user's account.
    expect(authOf("create-session")).toBe(`Bearer ${ownToken}`);
  });

  it("/token off goes back to the default account", async () => {
    await say("/token off");
    await expect.poll(() => botTexts(USER.id).join("\n"), { timeout: 10_000 }).toMatch(/Your token is forgotten/);
    expect(await stored()).not.toContain("sealedOwnToken");
    const creditsBefore = stack.nemo.requests.filter((r) => r.endpoint === "credits").length;
    await say("/credits");
    await expect
      .poll(() => stack.nemo.requests.filter((r) => r.endpoint === "credits").length, { timeout: 10_000 })
      .toBeGreaterThan(creditsBefore);
    await expect.poll(() => authOf("credits"), { timeout: 10_000 }).not.toBe(`Bearer ${ownToken}`);
    const auth = authOf("credits");
    expect(auth).toMatch(/^Bearer /);
    expect(auth).not.toBe(`Bearer ${ownToken}`);
  });

  it("in a group, /token answers 'send it to me in private' and never reads a token there", async () => {
    const member = { id: 7_180_000_002, first_name: "Gia", language_code: "en" };
    const before = stack.nemo.requests.length;
    await stack.telegram.deliver(stack.telegram.updates.command("token", { chatId: GROUP, from: member }));
    await expect.poll(() => lastText(GROUP), { timeout: 10_000 }).toMatch(/in a private chat, never in a group/);
    const pasted = stack.telegram.updates.command("token", { chatId: GROUP, from: member, args: ownToken });
    await stack.telegram.deliver(pasted);
    await expect
      .poll(() => botTexts(GROUP).filter((text) => /private chat/.test(text)).length, { timeout: 10_000 })
      .toBe(2);
    // No credits check, nothing stored: the token was not read.
    expect(stack.nemo.requests.slice(before).some((request) => request.endpoint === "credits")).toBe(false);
    expect((await (await stack.mf.getKVNamespace("CHATS_KV")).get(`chat:${GROUP}`)) ?? "").not.toContain("Own");
  });

  it("the user's token never appears in a chat message, a URL or a log line", () => {
    const telegramText = JSON.stringify(
      stack.telegram.calls.filter((call) => call.method !== "getUpdates").map((call) => call.params),
    );
    expect(telegramText).not.toContain(ownToken);
    expect(stack.nemo.requests.some((request) => request.path.includes(ownToken))).toBe(false);
    expect(output.join("")).not.toContain(ownToken);
    expect(output.join("")).not.toContain(ownToken.slice(-12));
  });
});

describe("ANONYMOUS_TOKENS=off", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ vars: { ANONYMOUS_TOKENS: "off" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("asks for a token instead of minting an anonymous one; /token then makes the chat work", async () => {
    const { telegram, nemo } = stack;
    const user = { id: 7_180_000_010, language_code: "en" };
    const texts = () =>
      telegram
        .chat(user.id)
        .messages.filter((message) => message.from_bot)
        .map((message) => message.text ?? "");
    await telegram.deliver(telegram.updates.command("start", { from: user }));
    await expect.poll(() => texts().join("\n"), { timeout: 10_000 }).toMatch(/works with your own NemoVideo account/);
    expect(nemo.requests.some((request) => request.endpoint === "anonymous-token")).toBe(false);
    const health = (await (await fetch(`${stack.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health.anonymousTokens).toBe("off");

    const token = nemo.issueToken({ credits: 300 }).token;
    await telegram.deliver(telegram.updates.command("token", { from: user, args: token }));
    await expect.poll(() => texts().join("\n"), { timeout: 10_000 }).toMatch(/Token checked and saved/);
    await telegram.deliver(telegram.updates.command("start", { from: user }));
    await expect.poll(() => texts().at(-1), { timeout: 10_000 }).toMatch(/Try saying/);
    expect(nemo.requests.findLast((r) => r.endpoint === "create-session")?.headers.authorization).toBe(
      `Bearer ${token}`,
    );
    expect(nemo.requests.some((request) => request.endpoint === "anonymous-token")).toBe(false);
  });
});
