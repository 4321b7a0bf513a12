import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatHash } from "../../src/log";
import { type Stack, startStack, WEBHOOK_SECRET } from "../support/stack";

const USER = { id: 7_500_000_001, first_name: "Lou", language_code: "en" };
const ADMIN = { id: 7_500_000_002, first_name: "Op", language_code: "en" };
const KEY = randomBytes(32).toString("base64");
const CAPTION = "turn my holiday photo into a dreamy TikTok about Lisbon";
const INSTRUCTION = "make the title say Obrigado Lisboa";

type LogLine = Record<string, unknown>;

describe("observability: the logs of a full run, end to end", () => {
  let stack: Stack;
  const output: string[] = [];
  const lines = () => output.join("").split("\n").filter(Boolean);
  const json = (): LogLine[] =>
    lines()
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never,
      vars: { LOG_LEVEL: "debug", TOKEN_ENCRYPTION_KEY: KEY, ADMIN_USER_IDS: String(ADMIN.id) },
      onWorkerOutput: (_stream, text) => output.push(text),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("has one line per update and per outside call, and no secret, token, message text or chat id", async () => {
    const { telegram, nemo } = stack;
    const updates = [
      telegram.updates.command("start", { from: USER }),
      telegram.updates.photo({ from: USER, caption: CAPTION, size: 70_000 }),
    ];
    for (const update of updates) await telegram.deliver(update);
    await telegram.waitFor((call) => call.method === "sendVideo", { timeoutMs: 25_000 });
    const more = [
      telegram.updates.privateText(INSTRUCTION, { from: USER }),
      telegram.updates.command("credits", { from: USER }),
      telegram.updates.command("stats", { from: ADMIN }),
    ];
    for (const update of more) await telegram.deliver(update);
    updates.push(...more);
    await expect
      .poll(() => stack.telegram.chat(USER.id).messages.filter((m) => /^What next\?/.test(m.text ?? "")).length, {
        timeout: 20_000,
      })
      .toBe(1);
    await expect.poll(() => stack.telegram.chat(ADMIN.id).messages.length, { timeout: 10_000 }).toBe(2);

    // Every update: one line at the edge and one when the chat handled it, with the chat only as a hash.
    const hash = await chatHash(WEBHOOK_SECRET, USER.id);
    for (const update of updates) {
      const forUpdate = json().filter((line) => line.updateId === update.update_id);
      await expect
        .poll(() => json().filter((line) => line.updateId === update.update_id && line.event === "handled").length)
        .toBe(1);
      const edge = forUpdate.filter((line) => line.event === "update");
      expect(edge).toHaveLength(1);
      expect(edge[0]).toMatchObject({ route: expect.any(String), outcome: "accepted", ms: expect.any(Number) });
    }
    const handled = json().filter((line) => line.event === "handled" && line.chat === hash);
    expect(handled.map((line) => line.route)).toEqual(["command:start", "photo", "text", "command:credits"]);
    expect(handled.every((line) => line.outcome === "handled" && typeof line.ms === "number")).toBe(true);

    // Every NemoVideo request the simulator saw has its line; Telegram calls have theirs.
    // (Telegram itself fetches a generation's raw clip by its URL for the preview: not the Worker's call.)
    const workerRequests = nemo.requests.filter((r) => !r.path.startsWith("/generated/"));
    const nemoLines = json().filter((line) => line.event === "outside_call" && line.service === "nemo");
    expect(nemoLines.length).toBe(workerRequests.length);
    const simName = (route: unknown) => (route === "render-output" ? "output" : route);
    expect(nemoLines.map((line) => simName(line.route)).sort()).toEqual(workerRequests.map((r) => r.endpoint).sort());
    const telegramLines = json().filter((line) => line.event === "outside_call" && line.service === "telegram");
    const botCalls = telegram.calls.filter((call) => call.method !== "setWebhook" && call.method !== "getFile");
    expect(telegramLines.length).toBeGreaterThanOrEqual(botCalls.filter((c) => c.method === "sendMessage").length);
    expect(telegramLines.some((line) => line.route === "sendVideo" && line.outcome === "ok")).toBe(true);

    // What must never appear.
    const nemoTokens = new Set(
      nemo.requests.map((r) => r.headers.authorization?.replace("Bearer ", "")).filter((t): t is string => !!t),
    );
    expect(nemoTokens.size).toBeGreaterThan(0);
    const forbidden = [
      telegram.token,
      telegram.token.split(":")[1] ?? telegram.token,
      WEBHOOK_SECRET,
      KEY,
      ...nemoTokens,
      CAPTION,
      "dreamy TikTok",
      INSTRUCTION,
      "Obrigado",
      String(USER.id),
      String(ADMIN.id),
    ];
    const all = lines().join("\n");
    for (const secret of forbidden) expect(all, `logs contain ${secret.slice(0, 6)}…`).not.toContain(secret);
    // The first message that is not JSON would be an unstructured console line from the Worker.
    expect(lines().filter((line) => !line.startsWith("{"))).toEqual([]);
  });
});

describe("/healthz with a broken configuration", () => {
  let stack: Stack;
  const output: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      vars: { DAILY_TURNS_PER_USER: "lots", TOKEN_ENCRYPTION_KEY: "hunter2-is-not-a-key" },
      onWorkerOutput: (_stream, text) => output.push(text),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("reports the version and each invalid setting by name, never its value", async () => {
    const response = await fetch(`${stack.url}/healthz`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      ok: false,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      configValid: false,
      problems: ["DAILY_TURNS_PER_USER must be a whole number", "TOKEN_ENCRYPTION_KEY is invalid (value hidden)"],
    });
    expect(body).not.toContain("hunter2");

    // A webhook delivery fails with 500 (Telegram retries), and the log names the settings the same way.
    const delivered = await stack.telegram.deliver(stack.telegram.updates.command("start", { from: USER }));
    expect(delivered.status).toBe(500);
    await expect.poll(() => output.join("")).toContain("TOKEN_ENCRYPTION_KEY is invalid (value hidden)");
    expect(output.join("")).not.toContain("hunter2");
  });
});
