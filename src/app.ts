import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import packageJson from "../package.json";
import { ConfigError, configFrom } from "./config";
import { logEvent, prepareChatHash } from "./log";
import { routeOf } from "./operator/update-facts";
import { type Clock, systemClock } from "./shared/clock";
import { isRecord } from "./shared/is-record";
import { acceptWithRetry } from "./telegram/edge-accept";
import { chatIdOfUpdate, updateIdOf } from "./telegram/update-routing";

type AppEnv = { Bindings: Env };

/** Telegram sends at most a few KB per update; anything past 1 MB is not an update. */
const MAX_UPDATE_BYTES = 1024 * 1024;
/** The Worker entry's clock (it times each webhook request for the log). */
const clock: Clock = systemClock;

export const app = new Hono<AppEnv>();

app.get("/healthz", async (c) => {
  let configValid = true;
  let problems: string[] = [];
  try {
    configFrom(c.env);
  } catch (error) {
    configValid = false;
    problems = error instanceof ConfigError ? error.problems : ["unreadable configuration"];
  }
  return c.json(
    {
      ok: configValid,
      version: packageJson.version,
      configValid,
      problems,
      // Only a working configuration has chats asking for tokens.
      ...(configValid ? await anonymousTokensHealth(c.env) : {}),
    },
    configValid ? 200 : 503,
  );
});

app.post(
  "/telegram/webhook",
  bodyLimit({ maxSize: MAX_UPDATE_BYTES, onError: (c) => c.json({ ok: false, error: "update too large" }, 413) }),
  async (c) => {
    const started = clock();
    const config = configFrom(c.env);
    if (!(await secretMatches(c.req.header("X-Telegram-Bot-Api-Secret-Token"), config.WEBHOOK_SECRET))) {
      return c.json({ ok: false, error: "unauthorized" }, 401);
    }
    let update: unknown;
    try {
      update = await c.req.json();
    } catch {
      return c.json({ ok: false, error: "body is not JSON" }, 400);
    }
    if (!isRecord(update)) return c.json({ ok: false, error: "update must be a JSON object" }, 400);
    const updateId = updateIdOf(update);
    if (updateId === undefined) return c.json({ ok: false, error: "update_id missing" }, 400);

    const chatId = chatIdOfUpdate(update);
    if (chatId === undefined) {
      // Inline queries and the like carry no chat: acknowledged so Telegram does not redeliver them.
      logEvent(config, "info", {
        event: "update",
        updateId,
        route: "ignored",
        outcome: "no chat",
        ms: clock() - started,
      });
      return c.json({ ok: true });
    }
    await prepareChatHash(config, chatId);
    const stub = c.env.CHAT.get(c.env.CHAT.idFromName(String(chatId)));
    // accept() only records the update and wakes the chat's object; every slow step happens there, after
    // this response, so Telegram gets its 200 in milliseconds whatever NemoVideo is doing.
    const result = await acceptWithRetry(
      () => stub.accept(update),
      config.ACCEPT_RETRY_DELAYS_MS,
      (ms) => scheduler.wait(ms),
      (attempt, error) =>
        logEvent(config, "warn", {
          event: "accept_retry",
          chat: chatId,
          updateId,
          attempt,
          error: error instanceof Error ? error.name : typeof error,
        }),
    );
    logEvent(config, "info", {
      event: "update",
      chat: chatId,
      updateId,
      route: routeOf(update),
      outcome: result.duplicate ? "duplicate" : "accepted",
      ms: clock() - started,
    });
    return c.json({ ok: true });
  },
);

app.notFound((c) => c.json({ ok: false, error: "not found" }, 404));

app.onError((error, c) => {
  if (error instanceof ConfigError) {
    console.error(JSON.stringify({ level: "error", event: "config", problems: error.problems }));
    return c.json({ ok: false, error: "bot is misconfigured" }, 500);
  }
  console.error(JSON.stringify({ level: "error", event: "unhandled", error: error.name }));
  return c.json({ ok: false, error: "internal error" }, 500);
});

/**
 * Issue 17: whether NemoVideo still gives this bot anonymous tokens, from the STATS object every chat
 * reports to. "unknown" when it cannot be asked; absent with NEMO_TOKEN or ANONYMOUS_TOKENS=off set.
 */
async function anonymousTokensHealth(
  env: Env,
): Promise<{ anonymousTokens?: string; anonymousTokensLastRefusalAt?: string }> {
  const settings = env as unknown as Record<string, unknown>;
  if (settings.NEMO_TOKEN || settings.ANONYMOUS_TOKENS === "off") return { anonymousTokens: "off" };
  try {
    const status = await env.STATS.get(env.STATS.idFromName("stats")).anonymousTokenStatus();
    return {
      anonymousTokens: status.state,
      ...(status.lastRefusalAt ? { anonymousTokensLastRefusalAt: status.lastRefusalAt } : {}),
    };
  } catch {
    return { anonymousTokens: "unknown" };
  }
}

/** Constant-time comparison: both sides are hashed first so neither length nor content leaks through timing. */
async function secretMatches(given: string | undefined, expected: string): Promise<boolean> {
  if (given === undefined) return false;
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}
