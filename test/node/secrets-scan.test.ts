import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack, WEBHOOK_SECRET } from "../support/stack";
import { buildFlow, deliverAlbum, okCalls, quiet, until, waitForOutcome } from "./faults-harness";

/**
 * Everything a full run leaves behind — the Worker's log lines (captured from workerd at LOG_LEVEL=debug),
 * every Bot API call and chat message in the fake, every URL, header and body summary sent to NemoVideo,
 * the KV records and /healthz — scanned for the three secrets. The bot token may appear only in the Bot
 * API path (the fake's `token` of a call); a NemoVideo token only in an `Authorization: Bearer` header (and
 * an anonymous chat's own token in its KV record); the webhook secret only in setWebhook's secret_token.
 * Runs twice: with free anonymous tokens, and with an operator NEMO_TOKEN. In the anonymous run a third
 * user brings their own token with /token (issue 17.3): it may appear only in Authorization headers and,
 * sealed or not, their KV record, never in a chat (the message carrying it is deleted), log or URL. Claim
 * links (`clm_…`, a browser session into the account) may appear only in the private chats whose account
 * they open: never with NEMO_TOKEN, never in logs, NemoVideo requests or KV.
 */
const BOT_TOKEN = "7654321:SECRET-bot-token-for-the-scan-AbCdEf0123";
const BOT_TOKEN_SECRET_PART = BOT_TOKEN.split(":")[1] ?? "";

type Capture = { logs: string[] };

async function fullRun(stack: Stack, userId: number): Promise<void> {
  const { telegram } = stack;
  const start = telegram.updates.command("start", { from: { id: userId } });
  await telegram.deliver(start);
  await until(
    () =>
      telegram.calls.some((call) => call.params.chat_id === userId && String(call.params.text).includes("Try saying")),
    "the greeting",
  );
  const flow = buildFlow(stack, userId, `secrets-${userId}`, 2);
  await deliverAlbum(stack, flow);
  await waitForOutcome(stack, flow);
  for (const command of ["credits", "status", "open", "help"]) {
    await telegram.deliver(telegram.updates.command(command, { from: { id: userId } }));
  }
  await telegram.deliver(
    telegram.updates.document({ from: { id: userId }, fileName: "notes.exe", mimeType: "application/x-msdownload" }),
  );
  await telegram.deliver(telegram.updates.privateText("make the title bigger", { from: { id: userId } }));
  await until(() => okCalls(stack, userId, "sendMessage").length >= 8, "the answers to the commands");
  await quiet(stack, userId);
}

describe("no secret leaks in a full run", () => {
  let anonymous: Stack;
  let operator: Stack;
  const anonymousCapture: Capture = { logs: [] };
  const operatorCapture: Capture = { logs: [] };
  let operatorToken = "";

  beforeAll(async () => {
    anonymous = await startStack({
      nemo: { temporaryIssueRate: 0 },
      telegram: { token: BOT_TOKEN },
      vars: { LOG_LEVEL: "debug" },
      onWorkerOutput: (_stream, text) => anonymousCapture.logs.push(text),
    });
    // The operator's token must be one the simulator knows, so this Worker talks to the first stack's
    // simulator (its own stays idle); its Telegram fake is its own.
    operatorToken = anonymous.nemo.issueToken({ clientId: "operator" }).token;
    operator = await startStack({
      telegram: { token: BOT_TOKEN },
      vars: { LOG_LEVEL: "debug", NEMO_TOKEN: operatorToken, NEMO_API_BASE: anonymous.nemo.url },
      onWorkerOutput: (_stream, text) => operatorCapture.logs.push(text),
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([anonymous?.close(), operator?.close()]);
  });

  it("finds no bot token, webhook secret or NemoVideo token outside the places they belong", async () => {
    await Promise.all([fullRun(anonymous, 6_300_000_001), fullRun(operator, 6_300_000_002)]);
    const ownToken = await bringOwnToken(anonymous, OWN_TOKEN_USER);

    const nemoRequests = anonymous.nemo.requests;
    const bearer = (value: string | undefined) => /^Bearer (\S+)$/.exec(value ?? "")?.[1];
    const nemoTokens = new Set(nemoRequests.map((request) => bearer(request.headers.authorization)).filter(Boolean));
    nemoTokens.add(operatorToken);
    expect(nemoRequests.some((request) => request.headers.authorization === `Bearer ${ownToken}`)).toBe(true);
    // The runs really used the secrets being scanned for.
    expect(nemoTokens.size).toBeGreaterThanOrEqual(2);
    expect(nemoRequests.some((request) => request.headers.authorization === `Bearer ${operatorToken}`)).toBe(true);
    expect(anonymousCapture.logs.join("").length).toBeGreaterThan(1_000);
    expect(operatorCapture.logs.join("").length).toBeGreaterThan(1_000);

    const secrets = [
      { name: "bot token", value: BOT_TOKEN_SECRET_PART },
      { name: "webhook secret", value: WEBHOOK_SECRET },
      ...[...nemoTokens].map((value) => ({ name: "NemoVideo token", value: String(value) })),
    ];
    const leaks: string[] = [];
    const scan = (where: string, text: string, allowed: string[] = []) => {
      for (const secret of secrets) {
        if (!allowed.includes(secret.name) && text.includes(secret.value)) leaks.push(`${secret.name} in ${where}`);
      }
      // Any NemoVideo user token, even one this scan did not collect, and any bot-token-shaped string.
      if (!allowed.includes("NemoVideo token") && /nmv_usr_[\w-]{8,}/.test(text))
        leaks.push(`nmv_usr_ token in ${where}`);
      if (!allowed.includes("bot token") && /\b\d{5,}:[\w-]{30,}/.test(text)) leaks.push(`bot-token shape in ${where}`);
      // A claim link is a browser session into the account: only in the private chat whose account it is.
      if (!allowed.includes("claim token") && /clm_[\w-]{8,}/.test(text)) leaks.push(`claim token in ${where}`);
    };

    // The scanner itself catches each secret when planted (so a pass means absence, not a blind scan).
    for (const secret of secrets) scan("a planted line", `x ${secret.value} y`);
    scan("a planted claim link", "https://nemovideo.com/workspace/claim?ct=clm_AbCdEfGh0123");
    expect(leaks.length).toBeGreaterThanOrEqual(secrets.length + 1);
    leaks.length = 0;
    // The anonymous private chat really got a claim link (/open): the operator run must not have.
    const claimIn = (stack: Stack) =>
      stack.telegram.calls.some((call) => /clm_[\w-]{8,}/.test(JSON.stringify(call.params)));
    expect(claimIn(anonymous)).toBe(true);

    // 1. The Worker's logs.
    scan("anonymous Worker logs", anonymousCapture.logs.join(""));
    scan("operator Worker logs", operatorCapture.logs.join(""));

    // 2. Everything sent to Telegram and everything the chats show. The token is the call's path only.
    for (const stack of [anonymous, operator]) {
      for (const call of stack.telegram.calls) {
        expect(call.token).toBe(BOT_TOKEN);
        // setWebhook's secret_token is where the webhook secret belongs (the harness registers it).
        const { secret_token: _registered, ...params } = call.params;
        if (call.method !== "setWebhook") expect(_registered).toBeUndefined();
        const privateOwner = call.params.chat_id === 6_300_000_001 || call.params.chat_id === OWN_TOKEN_USER;
        const own = stack === anonymous && privateOwner ? ["claim token"] : [];
        scan(`Telegram ${call.method} params`, JSON.stringify(params), own);
      }
      for (const chatId of [6_300_000_001, 6_300_000_002, OWN_TOKEN_USER]) {
        const own = stack === anonymous && chatId !== 6_300_000_002 ? ["claim token"] : [];
        scan(`chat ${chatId} messages`, JSON.stringify(stack.telegram.chat(chatId).messages), own);
      }
    }

    // 3. Everything sent to NemoVideo: a token only as `Authorization: Bearer`, nothing of Telegram's.
    for (const request of nemoRequests) {
      const { authorization, ...otherHeaders } = request.headers;
      scan(`NemoVideo ${request.endpoint} URL`, request.path);
      scan(`NemoVideo ${request.endpoint} headers`, JSON.stringify(otherHeaders));
      scan(`NemoVideo ${request.endpoint} body`, JSON.stringify(request.bodySummary ?? null));
      if (authorization !== undefined) {
        expect(nemoTokens.has(bearer(authorization))).toBe(true);
        scan(`NemoVideo ${request.endpoint} Authorization`, authorization, ["NemoVideo token"]);
      }
    }

    // 4. What the Worker keeps and shows: KV records (the operator token is a secret, never stored) and /healthz.
    for (const stack of [anonymous, operator]) {
      const kv = await stack.mf.getKVNamespace("CHATS_KV");
      const { keys } = await kv.list();
      expect(keys.length).toBeGreaterThan(0);
      for (const { name } of keys) {
        const value = String(await kv.get(name, "text"));
        // An anonymous chat's own token is its KV record's purpose; nothing else may be there.
        const allowed = stack === anonymous ? ["NemoVideo token"] : [];
        scan(`KV ${name}`, value, allowed);
        if (stack === operator) expect(value).not.toContain(operatorToken);
      }
      scan("/healthz", await (await fetch(`${stack.url}/healthz`)).text());
    }

    expect(leaks).toEqual([]);

    // 5. Claim tokens: only in the private chat they were made for, never in logs, NemoVideo URLs, KV or
    // another chat.
    const claims = new Map<string, number>();
    for (const stack of [anonymous, operator]) {
      for (const call of stack.telegram.calls) {
        for (const match of JSON.stringify(call.params).matchAll(/clm_[\w-]{8,}/g)) {
          claims.set(match[0], Number(call.params.chat_id));
        }
      }
    }
    expect(claims.size).toBeGreaterThan(0);
    for (const [claim, owner] of claims) {
      expect(owner).toBeGreaterThan(0);
      const outside = (text: string) => text.includes(claim);
      expect(outside(anonymousCapture.logs.join("") + operatorCapture.logs.join(""))).toBe(false);
      expect(nemoRequests.some((request) => outside(request.path))).toBe(false);
      for (const stack of [anonymous, operator]) {
        for (const call of stack.telegram.calls) {
          if (Number(call.params.chat_id) !== owner) expect(outside(JSON.stringify(call.params))).toBe(false);
        }
        const kv = await stack.mf.getKVNamespace("CHATS_KV");
        for (const { name } of (await kv.list()).keys) expect(outside(String(await kv.get(name, "text")))).toBe(false);
      }
    }
  });
});

const OWN_TOKEN_USER = 6_300_000_003;

/** A private chat whose user brings their own NemoVideo token with /token, then uses it. */
async function bringOwnToken(stack: Stack, userId: number): Promise<string> {
  const { telegram, nemo } = stack;
  const own = nemo.issueToken({ credits: 500 }).token;
  const from = { id: userId };
  const texts = () => JSON.stringify(telegram.chat(userId).messages.filter((message) => message.from_bot));
  await telegram.deliver(telegram.updates.command("token", { from }));
  await until(() => texts().includes("Send me your NemoVideo API token"), "the token request");
  await telegram.deliver(telegram.updates.privateText(own, { from }));
  await until(() => texts().includes("Token checked and saved"), "the token saved");
  await telegram.deliver(telegram.updates.command("credits", { from }));
  await until(() => nemo.requests.some((r) => r.headers.authorization === `Bearer ${own}`), "a call with the token");
  await quiet(stack, userId);
  return own;
}
