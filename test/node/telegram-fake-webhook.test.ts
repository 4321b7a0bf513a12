import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { Api, type GrammyError } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

const SECRET = "test_secret-123";
const ALICE = 6_123_456_789;
const BOB = 6_000_000_002;

interface Received {
  update: Update;
  secret: string | undefined;
  at: number;
}

/** A stand-in for the bot's webhook endpoint; each test decides how it answers. */
let received: Received[] = [];
let respond: (update: Update) => Promise<{ status: number; body?: string }> | { status: number; body?: string };
let bot: Server;
let webhookUrl: string;
let fake: TelegramFake;
let api: Api;

async function readJson(req: IncomingMessage): Promise<Update> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as Update;
}

beforeAll(async () => {
  bot = createServer(async (req, res) => {
    const update = await readJson(req);
    received.push({
      update,
      secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined,
      at: Date.now(),
    });
    const answer = await respond(update);
    res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body ?? "");
  });
  await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/telegram/webhook`;
  fake = await startTelegramFake({ webhook: { url: webhookUrl, secret: SECRET }, redelivery: { delayMs: 20 } });
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
});
afterAll(async () => {
  await fake.close();
  bot.close();
});
afterEach(() => {
  fake.reset();
  received = [];
  respond = () => ({ status: 200 });
});

const texts = () => received.map((r) => r.update.message?.text);

describe("webhook delivery", () => {
  it("POSTs the update with the secret header and an assigned update_id", async () => {
    respond = () => ({ status: 200 });
    const update = fake.updates.privateText("hello");
    const { update_id, ...withoutId } = update;
    const result = await fake.deliver(withoutId);
    expect(result).toMatchObject({ status: 200, attempts: 1 });
    expect(result.update_id).toBeGreaterThan(update_id);
    expect(received).toHaveLength(1);
    expect(received[0]?.secret).toBe(SECRET);
    expect(received[0]?.update.message?.text).toBe("hello");
    // The message is now part of the chat, so the bot may reply to it.
    expect(fake.chat(ALICE).messages[0]).toMatchObject({ text: "hello", from_bot: false });
  });

  it("redelivers after 500 until a 2xx and reports the error in getWebhookInfo", async () => {
    let failures = 2;
    respond = () => (failures-- > 0 ? { status: 500 } : { status: 200 });
    const result = await fake.deliver(fake.updates.privateText("retry me"));
    expect(result).toMatchObject({ status: 200, attempts: 3 });
    expect(texts()).toEqual(["retry me", "retry me", "retry me"]);
    const info = await api.getWebhookInfo();
    expect(info).toMatchObject({
      url: webhookUrl,
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
    });
    expect(info.last_error_date).toBeGreaterThan(0);
  });

  it("gives up after maxAttempts when the webhook cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lonely = await startTelegramFake({
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
      redelivery: { maxAttempts: 2, delayMs: 10 },
    });
    try {
      expect(await lonely.deliver(lonely.updates.privateText("anyone?"))).toMatchObject({ status: 0, attempts: 2 });
      const info = await new Api(lonely.token, { apiRoot: lonely.apiRoot }).getWebhookInfo();
      expect(info.last_error_message).toBe("Connection refused");
    } finally {
      await lonely.close();
    }
  });

  it("delivers one update at a time per chat, while other chats proceed", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    respond = async (update) => {
      if (update.message?.text === "first") await gate;
      return { status: 200 };
    };
    const first = fake.deliver(fake.updates.privateText("first"));
    const second = fake.deliver(fake.updates.privateText("second"));
    const other = fake.deliver(fake.updates.privateText("from bob", { from: { id: BOB, first_name: "Bob" } }));
    await other;
    expect(texts()).toEqual(["first", "from bob"]);
    expect((await api.getWebhookInfo()).pending_update_count).toBe(2);
    release();
    await Promise.all([first, second]);
    expect(texts()).toEqual(["first", "from bob", "second"]);
  });

  it("keeps a failing update at the head of its chat's queue", async () => {
    let failures = 2;
    respond = (update) => (update.message?.text === "broken" && failures-- > 0 ? { status: 502 } : { status: 200 });
    await Promise.all([
      fake.deliver(fake.updates.privateText("broken")),
      fake.deliver(fake.updates.privateText("next")),
    ]);
    expect(texts()).toEqual(["broken", "broken", "broken", "next"]);
  });

  it("delivers an album as a burst sharing one media_group_id, in order or shuffled", async () => {
    await fake.deliverAlbum(fake.updates.album(4, { caption: "make it pop", captionOn: 2 }));
    const groups = new Set(received.map((r) => r.update.message?.media_group_id));
    expect(groups.size).toBe(1);
    expect(received.map((r) => r.update.message?.caption)).toEqual([undefined, undefined, "make it pop", undefined]);
    received = [];
    const album = fake.updates.album(6);
    await fake.deliverAlbum(album, { shuffle: true });
    expect(received.map((r) => r.update.update_id).sort()).toEqual(album.map((u) => u.update_id).sort());
  });

  it("runs a method the webhook answers with in its body", async () => {
    respond = (update) => ({
      status: 200,
      body: JSON.stringify({ method: "sendMessage", chat_id: update.message?.chat.id, text: "got it" }),
    });
    await fake.deliver(fake.updates.privateText("ping"));
    expect(fake.chat(ALICE).messages.map((m) => m.text)).toEqual(["ping", "got it"]);
    expect(fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("skips update types outside allowed_updates", async () => {
    await api.setWebhook(webhookUrl, { secret_token: SECRET, allowed_updates: ["message"] });
    const sent = await api.sendMessage(ALICE, "menu").catch(() => undefined);
    expect(sent).toBeUndefined(); // Alice never wrote after reset: chat not found.
    const result = await fake.deliver(fake.updates.callback("go", { chatId: ALICE, messageId: 1 }));
    expect(result).toMatchObject({ attempts: 0, status: 0 });
    expect(received).toHaveLength(0);
    expect((await api.getWebhookInfo()).allowed_updates).toEqual(["message"]);
  });
});

describe("setWebhook and getUpdates", () => {
  it("validates the secret token and reports the webhook", async () => {
    expect(
      await api.setWebhook(webhookUrl, { secret_token: "bad secret!" }).catch((e: GrammyError) => e.description),
    ).toBe("Bad Request: bad webhook: secret token contains unallowed characters");
    const raw = await fetch(`${fake.apiRoot}/bot${fake.token}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${webhookUrl}?v=2`, secret_token: "s".repeat(256) }),
    });
    expect(await raw.json()).toEqual({ ok: true, result: true, description: "Webhook was set" });
    expect((await api.getWebhookInfo()).url).toBe(`${webhookUrl}?v=2`);
  });

  it("refuses getUpdates while a webhook is active", async () => {
    const error = await api.getUpdates().catch((e: unknown) => e);
    expect(error).toMatchObject({ error_code: 409 });
    expect((error as GrammyError).description).toMatch(
      /^Conflict: can't use getUpdates method while webhook is active/,
    );
  });

  it("hands out queued updates with offset confirmation and long polling", async () => {
    await api.deleteWebhook();
    await expect(fake.deliver(fake.updates.privateText("x"))).rejects.toThrow(/no webhook is set/);
    fake.queueForPolling(fake.updates.privateText("one"));
    fake.queueForPolling(fake.updates.privateText("two"));
    const firstBatch = await api.getUpdates({ timeout: 0 });
    expect(firstBatch.map((u) => u.message?.text)).toEqual(["one", "two"]);
    const lastId = firstBatch.at(-1)?.update_id ?? 0;
    expect(await api.getUpdates({ offset: lastId, timeout: 0 })).toHaveLength(1);
    expect(await api.getUpdates({ offset: lastId + 1, timeout: 0 })).toEqual([]);

    const started = Date.now();
    const polling = api.getUpdates({ offset: lastId + 1, timeout: 5 });
    setTimeout(() => fake.queueForPolling(fake.updates.privateText("three")), 100);
    expect((await polling).map((u) => u.message?.text)).toEqual(["three"]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await api.getUpdates({ offset: lastId + 1, limit: 1, timeout: 0 })).length).toBe(1);
  });

  it("ends an older long poll with 409 when a newer one starts", async () => {
    await api.deleteWebhook();
    const older = api.getUpdates({ timeout: 5 }).catch((e: GrammyError) => e.error_code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = api.getUpdates({ timeout: 1 });
    expect(await older).toBe(409);
    fake.queueForPolling(fake.updates.privateText("late"));
    expect((await newer).map((u) => u.message?.text)).toEqual(["late"]);
  });
});
