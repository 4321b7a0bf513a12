import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALLOWED_UPDATES, commandsFor, parseFlags, readDevVars, runSetup, webhookUrlFor } from "../../scripts/setup";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

const run = promisify(execFile);
const SECRET = "setup-test-secret_1-0123456789abcdef";
const WORKER = "https://nemo-tiktok-bot.example.workers.dev";

async function getMyCommands(fake: TelegramFake, scope: string, language?: string) {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getMyCommands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scope: { type: scope }, ...(language ? { language_code: language } : {}) }),
  });
  return ((await response.json()) as { result: { command: string; description: string }[] }).result;
}

describe("npm run setup", () => {
  let fake: TelegramFake;
  beforeEach(async () => {
    fake = await startTelegramFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("sets the webhook with the secret and allowed_updates, and registers commands in English and Chinese for private chats and groups", async () => {
    const lines: string[] = [];
    const result = await runSetup({
      apiRoot: fake.apiRoot,
      token: fake.token,
      url: WORKER,
      secret: SECRET,
      log: (line) => lines.push(line),
    });

    const [setWebhook] = fake.callsTo("setWebhook");
    expect(setWebhook?.params).toMatchObject({
      url: `${WORKER}/telegram/webhook`,
      secret_token: SECRET,
      allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"],
      drop_pending_updates: false,
    });
    expect(result.webhookInfo).toMatchObject({
      url: `${WORKER}/telegram/webhook`,
      allowed_updates: [...ALLOWED_UPDATES],
    });

    const expected = ["start", "help", "credits", "status", "export", "new", "cancel", "open", "language", "token"];
    for (const scope of ["all_private_chats", "all_group_chats"]) {
      const english = await getMyCommands(fake, scope);
      const chinese = await getMyCommands(fake, scope, "zh");
      expect(english.map((c) => c.command)).toEqual(expected);
      expect(chinese.map((c) => c.command)).toEqual(expected);
      expect(english.find((c) => c.command === "export")?.description).toBe("Render and send the video");
      expect(chinese.find((c) => c.command === "export")?.description).toBe("渲染并发送视频");
    }
    expect(fake.callsTo("setMyCommands")).toHaveLength(4);
    expect(result.commandsChanged).toBe(4);
    expect(fake.callsTo("getWebhookInfo")).toHaveLength(1);
    expect(lines.join("\n")).toContain("getWebhookInfo:");
    // The secret is sent, never printed.
    expect(lines.join("\n")).not.toContain(SECRET);
  });

  it("is idempotent: a second run keeps the same webhook and registers nothing again", async () => {
    await runSetup({ apiRoot: fake.apiRoot, token: fake.token, url: WORKER, secret: SECRET, log: () => {} });
    const second = await runSetup({
      apiRoot: fake.apiRoot,
      token: fake.token,
      url: WORKER,
      secret: SECRET,
      log: () => {},
    });

    expect(second.commandsChanged).toBe(0);
    expect(fake.callsTo("setMyCommands")).toHaveLength(4);
    expect(fake.callsTo("setWebhook")).toHaveLength(2);
    expect(fake.callsTo("setWebhook").every((call) => call.response.ok)).toBe(true);
    expect(fake.callsTo("setWebhook")[1]?.response).toMatchObject({ description: "Webhook is already set" });
    expect(second.webhookInfo.url).toBe(`${WORKER}/telegram/webhook`);
    for (const scope of ["all_private_chats", "all_group_chats"]) {
      expect(await getMyCommands(fake, scope, "zh")).toEqual(commandsFor("zh"));
    }
  });

  it("drops pending updates only when asked", async () => {
    fake.queueForPolling(fake.updates.privateText("hello"));
    await runSetup({
      apiRoot: fake.apiRoot,
      token: fake.token,
      url: `${WORKER}/telegram/webhook`,
      secret: SECRET,
      dropPendingUpdates: true,
      log: () => {},
    });
    expect(fake.callsTo("setWebhook")[0]?.params).toMatchObject({
      url: `${WORKER}/telegram/webhook`,
      drop_pending_updates: true,
    });
  });

  it("refuses a secret Telegram would refuse, before calling anything", async () => {
    await expect(
      runSetup({ apiRoot: fake.apiRoot, token: fake.token, url: WORKER, secret: "has spaces!", log: () => {} }),
    ).rejects.toThrow(/WEBHOOK_SECRET/);
    expect(fake.calls).toHaveLength(0);
  });

  it("runs as `npm run setup` from the command line with --api-root, twice", async () => {
    const args = [
      "--import",
      "tsx",
      "scripts/setup.ts",
      "--api-root",
      fake.apiRoot,
      "--url",
      WORKER,
      "--drop-pending-updates",
    ];
    const env = { ...process.env, BOT_TOKEN: fake.token, WEBHOOK_SECRET: SECRET };
    const first = await run(process.execPath, args, { env });
    expect(first.stdout).toContain("✓ Webhook set");
    expect(first.stdout).toContain("getWebhookInfo:");
    const second = await run(process.execPath, args, { env });
    expect(second.stdout).toContain("Commands already registered");
    expect(fake.callsTo("setMyCommands")).toHaveLength(4);
    expect(fake.callsTo("setWebhook")[0]?.params).toMatchObject({ secret_token: SECRET, drop_pending_updates: true });
  });

  it("helpers: flags, webhook URL and .dev.vars parsing", () => {
    expect(parseFlags(["--url", "https://x", "--drop-pending-updates", "--api-root=http://y"])).toEqual({
      url: "https://x",
      "drop-pending-updates": true,
      "api-root": "http://y",
    });
    expect(webhookUrlFor("https://a.workers.dev/")).toBe("https://a.workers.dev/telegram/webhook");
    expect(webhookUrlFor("https://a.workers.dev/telegram/webhook")).toBe("https://a.workers.dev/telegram/webhook");
    expect(readDevVars("/nonexistent/.dev.vars")).toEqual({});
  });
});
