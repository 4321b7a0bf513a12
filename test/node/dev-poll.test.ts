import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDevPoll } from "../../scripts/dev-poll";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

const SECRET = "dev-poll-secret-0123456789abcdef01";

interface Received {
  updateId: number;
  secret: string | undefined;
  path: string;
  answered: number;
}

/** A local HTTP server standing in for the Worker's webhook; `answers` scripts its statuses in order. */
async function startStandIn(answers: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const update = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Update;
    const status = answers.shift() ?? 200;
    received.push({
      updateId: update.update_id,
      secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined,
      path: req.url ?? "",
      answered: status,
    });
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "error");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
  return {
    url,
    received,
    accepted: () => received.filter((r) => r.answered === 200),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(predicate: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("npm run dev:poll", () => {
  let fake: TelegramFake;
  beforeEach(async () => {
    // The bot starts with a webhook, as after `npm run setup`: dev:poll must remove it before polling.
    fake = await startTelegramFake({
      webhook: { url: "https://bot.example.workers.dev/telegram/webhook", secret: SECRET },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it("relays queued updates to the Worker's webhook with the secret header, in order, once each", async () => {
    const worker = await startStandIn();
    const first = fake.updates.privateText("/start");
    const album = fake.updates.album(3, { caption: "turn my photos into a 30-second TikTok" });
    const press = fake.updates.callback("export", { chatId: 6_123_456_789, messageId: 1 });
    for (const update of [first, ...album, press]) fake.queueForPolling(update);
    const expected = [first, ...album, press].map((u) => u.update_id);

    const controller = new AbortController();
    const relayed: number[] = [];
    const running = runDevPoll({
      apiRoot: fake.apiRoot,
      token: fake.token,
      secret: SECRET,
      webhookUrl: worker.url,
      signal: controller.signal,
      pollTimeoutS: 1,
      log: () => {},
      onRelayed: (update) => relayed.push(update.update_id),
    });
    await until(() => worker.received.length >= expected.length);
    // Another update arriving while it polls is relayed too.
    const later = fake.updates.privateText("make the title bigger");
    fake.queueForPolling(later);
    await until(() => worker.received.length >= expected.length + 1);
    // A few more polls: nothing is relayed twice.
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await running;

    expect(worker.received.map((r) => r.updateId)).toEqual([...expected, later.update_id]);
    expect(relayed).toEqual([...expected, later.update_id]);
    expect(worker.received.every((r) => r.secret === SECRET && r.path === "/telegram/webhook")).toBe(true);
    // The webhook was removed first (getUpdates is refused while one is set), and updates are confirmed.
    const methods = fake.calls.map((call) => call.method);
    expect(methods.indexOf("deleteWebhook")).toBeLessThan(methods.indexOf("getUpdates"));
    // Only the long poll cut short by the final confirming call may end with 409 "terminated by other getUpdates".
    const refused = fake.callsTo("getUpdates").filter((call) => call.status !== 200);
    expect(refused.length).toBeLessThanOrEqual(1);
    expect(refused.every((call) => call.status === 409)).toBe(true);
    expect(fake.callsTo("getUpdates")[0]?.params).toMatchObject({
      allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"],
    });
    const lastPoll = fake.callsTo("getUpdates").at(-1);
    expect(lastPoll?.params.offset).toBe(later.update_id + 1);
    expect(lastPoll?.response).toMatchObject({ ok: true, result: [] });
    await worker.close();
  });

  it("retries an update the Worker refuses before relaying the next one (no loss, no reordering)", async () => {
    const worker = await startStandIn([500, 503]);
    const a = fake.updates.privateText("one");
    const b = fake.updates.privateText("two");
    fake.queueForPolling(a);
    fake.queueForPolling(b);
    const controller = new AbortController();
    const running = runDevPoll({
      apiRoot: fake.apiRoot,
      token: fake.token,
      secret: SECRET,
      webhookUrl: worker.url,
      signal: controller.signal,
      pollTimeoutS: 1,
      retryDelayMs: 20,
      log: () => {},
    });
    await until(() => worker.accepted().length >= 2);
    controller.abort();
    await running;
    expect(worker.received.map((r) => [r.updateId, r.answered])).toEqual([
      [a.update_id, 500],
      [a.update_id, 503],
      [a.update_id, 200],
      [b.update_id, 200],
    ]);
    await worker.close();
  });

  it("runs from the command line (`npm run dev:poll -- --api-root … --worker-url …`) and stops on Ctrl-C", async () => {
    const worker = await startStandIn();
    const updates = [fake.updates.privateText("hi"), fake.updates.privateText("/credits")];
    for (const update of updates) fake.queueForPolling(update);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/dev-poll.ts",
        "--api-root",
        fake.apiRoot,
        "--worker-url",
        worker.url.replace(/\/telegram\/webhook$/, ""),
      ],
      { env: { ...process.env, BOT_TOKEN: fake.token, WEBHOOK_SECRET: SECRET }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await until(() => worker.received.length >= 2, 20_000);
    await until(() => output.includes("/credits"), 5_000);
    child.kill("SIGINT");
    const code = await exited;
    expect(code).toBe(0);
    expect(worker.received.map((r) => r.updateId)).toEqual(updates.map((u) => u.update_id));
    expect(worker.received.every((r) => r.secret === SECRET)).toBe(true);
    expect(output).toContain("Polling updates for @nemo_test_bot");
    await worker.close();
  });
});
