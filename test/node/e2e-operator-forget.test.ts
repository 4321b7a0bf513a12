import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatsSummary } from "../../src/operator/usage";
import { type Stack, startStack } from "../support/stack";

const USER = { id: 7_400_000_001, first_name: "Fay", language_code: "en" };
const KEY = randomBytes(32).toString("base64");

type ChatObjectHooks = { operatorInspect(): Promise<{ keys: string[]; alarm: number | null }> };

describe("privacy: tokens sealed in KV and /forget, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ vars: { TOKEN_ENCRYPTION_KEY: KEY } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botMessages = () => stack.telegram.chat(USER.id).messages.filter((message) => message.from_bot);
  const kv = () => stack.mf.getKVNamespace("CHATS_KV");
  const inspectChatObject = async () => {
    const chats = await stack.mf.getDurableObjectNamespace("CHAT");
    return (chats.get(chats.idFromName(String(USER.id))) as unknown as ChatObjectHooks).operatorInspect();
  };
  const usage = async () => {
    const ns = await stack.mf.getDurableObjectNamespace("STATS");
    return (ns.get(ns.idFromName("stats")) as unknown as { summary(): Promise<StatsSummary> }).summary();
  };
  const tokenCalls = () => stack.nemo.requests.filter((request) => request.endpoint === "anonymous-token").length;
  /** The button the bot's latest message offers, by its label. */
  const button = (label: RegExp) => {
    const message = botMessages().findLast((m) => m.reply_markup !== undefined);
    const found = message?.reply_markup?.inline_keyboard.flat().find((b) => label.test(b.text));
    if (!message || !found || !("callback_data" in found)) throw new Error(`no button ${label}`);
    return { messageId: message.message_id, data: String(found.callback_data) };
  };

  it("keeps the NemoVideo token unreadable in KV, yet uses it after a restart", async () => {
    const { telegram, nemo } = stack;
    await telegram.deliver(telegram.updates.command("start", { from: USER }));
    await telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.params.chat_id === USER.id &&
        /Try saying/.test(String(call.params.text)),
    );
    const token = String(nemo.requests.find((r) => r.endpoint === "create-session")?.headers.authorization).replace(
      "Bearer ",
      "",
    );
    expect(token.length).toBeGreaterThan(10);
    const stored = (await (await kv()).get(`chat:${USER.id}`)) ?? "";
    expect(stored).toContain('"sealedToken"');
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(-12));

    await stack.restartWorker();
    await telegram.deliver(telegram.updates.command("credits", { from: USER }));
    await telegram.waitFor(
      (call) =>
        call.method === "sendMessage" && call.params.chat_id === USER.id && /credits/i.test(String(call.params.text)),
    );
    const creditsCall = nemo.requests.findLast((r) => r.endpoint === "credits");
    expect(creditsCall?.headers.authorization).toBe(`Bearer ${token}`);
    expect(tokenCalls()).toBe(1);
  });

  it("/forget asks first; 'Keep my data' deletes nothing", async () => {
    const { telegram } = stack;
    await telegram.deliver(telegram.updates.command("forget", { from: USER }));
    await expect.poll(() => botMessages().at(-1)?.text ?? "", { timeout: 10_000 }).toMatch(/^🗑 Delete everything/);
    const keep = button(/Keep my data/);
    await telegram.deliver(
      telegram.updates.callback(keep.data, { chatId: USER.id, messageId: keep.messageId, from: USER }),
    );
    await expect
      .poll(() => botMessages().find((m) => m.message_id === keep.messageId)?.text, { timeout: 10_000 })
      .toBe("👍 Nothing was deleted.");
    expect(await (await kv()).get(`chat:${USER.id}`)).not.toBeNull();
  });

  it("/forget, confirmed, leaves only the sealed anonymous identity in KV, nothing in the chat's object (queued media and alarm included) or the usage stats", async () => {
    const { telegram } = stack;
    // A photo without a caption waits in the chat for its instruction: queued media.
    await telegram.deliver(telegram.updates.photo({ from: USER, size: 40_000 }));
    await expect.poll(() => botMessages().at(-1)?.text ?? "", { timeout: 10_000 }).toMatch(/photo/i);
    expect((await inspectChatObject()).keys.length).toBeGreaterThan(0);
    expect((await usage()).week.chats).toBe(1);

    await telegram.deliver(telegram.updates.command("forget", { from: USER }));
    await expect.poll(() => botMessages().at(-1)?.text ?? "", { timeout: 10_000 }).toMatch(/^🗑 Delete everything/);
    const yes = button(/Yes, delete everything/);
    await telegram.deliver(
      telegram.updates.callback(yes.data, { chatId: USER.id, messageId: yes.messageId, from: USER }),
    );
    await expect
      .poll(() => botMessages().find((m) => m.message_id === yes.messageId)?.text, { timeout: 10_000 })
      .toBe(
        "✅ Done — I deleted everything I stored about this chat except the sealed free-account id. Send /start to begin again.",
      );

    await expect.poll(inspectChatObject, { timeout: 10_000 }).toEqual({ keys: [], alarm: null });
    const store = await kv();
    // Issue 19.3: /forget forgets the project, not the identity that limits free credits; that stays sealed.
    const names = (await store.list()).keys.map((key) => key.name);
    expect(names.filter((name) => name.startsWith("chat:"))).toEqual([`chat:${USER.id}`]);
    // Besides it only the once-a-day /forget marker, named by a hash of the user and holding nothing else.
    const others = names.filter((name) => !name.startsWith("chat:"));
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^forget:[0-9a-f]{16}$/);
    expect(others[0]).not.toContain(String(USER.id));
    const kept = JSON.parse(String((await store.get(`chat:${USER.id}`, "text")) ?? "{}"));
    expect(Object.keys(kept).sort()).toEqual(["anonUserId", "sealedClientId", "sealedToken", "tokenExpiresAt"]);
    expect((await usage()).week.chats).toBe(0);
  });

  it("after /forget, /start begins a new project but gives no new anonymous account or credits", async () => {
    const { telegram, nemo } = stack;
    const sessionsBefore = nemo.sessions().length;
    const token = String(nemo.requests.find((r) => r.endpoint === "create-session")?.headers.authorization).replace(
      "Bearer ",
      "",
    );
    const creditsBefore = nemo.credits(token)?.available;
    await telegram.deliver(telegram.updates.command("start", { from: USER }));
    await expect.poll(() => nemo.sessions().length, { timeout: 10_000 }).toBe(sessionsBefore + 1);
    expect(tokenCalls()).toBe(1);
    expect(nemo.requests.findLast((r) => r.endpoint === "create-session")?.headers.authorization).toBe(
      `Bearer ${token}`,
    );
    expect(nemo.credits(token)?.available).toBe(creditsBefore);
    await expect
      .poll(async () => (await (await kv()).get(`chat:${USER.id}`)) ?? "", { timeout: 10_000 })
      .toContain('"sessionId"');
  });
});
