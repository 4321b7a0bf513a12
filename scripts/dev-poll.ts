/**
 * `npm run dev:poll` — try the bot with a real Telegram bot but no public URL. Removes the bot's webhook,
 * long-polls Telegram's getUpdates and relays each update, in order and once, to the local Worker's webhook
 * with the secret header, exactly as Telegram would POST it. NemoVideo is whatever NEMO_API_BASE says
 * (the real API by default; `npm run sim:nemo` and NEMO_API_BASE=http://127.0.0.1:9101 for the simulator).
 *
 *   npm run dev:poll                                  # starts `wrangler dev` on :8787 and relays into it
 *   npm run dev:poll -- --worker-url http://127.0.0.1:8787   # relay into a Worker you started yourself
 *
 * BOT_TOKEN and WEBHOOK_SECRET come from flags, the environment or `.dev.vars`. When you deploy, run
 * `npm run setup` to put the webhook back (dev:poll deleted it).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Update } from "@grammyjs/types";
import {
  ALLOWED_UPDATES,
  BotApi,
  isRealBotToken,
  loadSettings,
  parseFlags,
  stringFlag,
  TelegramApiError,
} from "./setup";

export interface DevPollOptions {
  apiRoot: string;
  token: string;
  secret: string;
  /** The local Worker's webhook URL (…/telegram/webhook). */
  webhookUrl: string;
  signal?: AbortSignal;
  /** Long-poll timeout in seconds (Telegram holds the request this long when there is nothing). */
  pollTimeoutS?: number;
  /** First wait between two relay attempts of an update the Worker refused (doubles up to 30 s). */
  retryDelayMs?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  /** Called after each update the Worker accepted. */
  onRelayed?: (update: Update, status: number) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

function describe(update: Update): string {
  const kind = Object.keys(update).find((key) => key !== "update_id") ?? "update";
  const message = update.message ?? update.edited_message;
  const what = message?.text
    ? `“${message.text.slice(0, 40)}”`
    : message?.photo
      ? "photo"
      : message?.video
        ? "video"
        : update.callback_query
          ? `button ${update.callback_query.data ?? ""}`
          : "";
  return `${update.update_id} ${kind}${what ? ` ${what}` : ""}`;
}

/** POSTs one update until the Worker accepts it (2xx), like Telegram's webhook redelivery. */
async function relay(update: Update, options: DevPollOptions): Promise<number | undefined> {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? console.log;
  let delay = options.retryDelayMs ?? 1000;
  for (let attempt = 1; !options.signal?.aborted; attempt++) {
    let status = 0;
    let problem = "";
    try {
      const response = await doFetch(options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": options.secret },
        body: JSON.stringify(update),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return status;
      problem = `HTTP ${status}`;
    } catch (error) {
      if (options.signal?.aborted) return undefined;
      problem = `cannot reach ${options.webhookUrl} (${(error as Error).message})`;
    }
    if (status === 401 || status === 403) problem += " — does WEBHOOK_SECRET match the Worker's?";
    log(`… update ${update.update_id}: ${problem}; retrying in ${Math.round(delay / 1000)} s (attempt ${attempt})`);
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 30_000);
  }
  return undefined;
}

/** Runs until `signal` aborts. Updates are confirmed to Telegram only after the Worker accepted them. */
export async function runDevPoll(options: DevPollOptions): Promise<void> {
  const log = options.log ?? console.log;
  const api = new BotApi(options.apiRoot, options.token, options.fetch);
  const me = await api.call<{ username?: string }>("getMe", {});
  const info = await api.call<{ url?: string }>("getWebhookInfo", {});
  await api.call("deleteWebhook", { drop_pending_updates: false });
  log(
    `Polling updates for @${me.username ?? "bot"}${info.url ? ` (webhook ${info.url} removed; run \`npm run setup\` to restore it)` : ""} → ${options.webhookUrl}`,
  );

  let offset: number | undefined;
  let failures = 0;
  while (!options.signal?.aborted) {
    let updates: Update[];
    try {
      updates = await api.call<Update[]>(
        "getUpdates",
        {
          ...(offset === undefined ? {} : { offset }),
          timeout: options.pollTimeoutS ?? 30,
          allowed_updates: [...ALLOWED_UPDATES],
        },
        options.signal,
      );
      failures = 0;
    } catch (error) {
      if (options.signal?.aborted) break;
      failures++;
      if (error instanceof TelegramApiError && error.code === 409) {
        log(`getUpdates: ${error.description}`);
        // A webhook set again (e.g. by `npm run setup`) or another poller: take over after a pause.
        if (/webhook/i.test(error.description)) await api.call("deleteWebhook", { drop_pending_updates: false });
      } else if (error instanceof TelegramApiError && error.code === 401) {
        throw new Error("Telegram refused BOT_TOKEN (401 Unauthorized); check .dev.vars");
      } else {
        log(`getUpdates failed: ${(error as Error).message}`);
      }
      const wait = error instanceof TelegramApiError && error.retryAfter ? error.retryAfter * 1000 : 0;
      await sleep(Math.max(wait, Math.min(30_000, 500 * 2 ** Math.min(failures, 6))), options.signal);
      continue;
    }
    for (const update of updates) {
      if (offset !== undefined && update.update_id < offset) continue;
      const status = await relay(update, options);
      if (status === undefined) break; // stopped while retrying: this update stays unconfirmed
      log(`→ ${describe(update)} (${status})`);
      options.onRelayed?.(update, status);
      offset = update.update_id + 1;
    }
  }
  // Confirm what was relayed, so the next run does not receive it again.
  if (offset !== undefined) {
    await api.call("getUpdates", { offset, timeout: 0, limit: 1 }).catch(() => undefined);
  }
}

const USAGE = `Usage: npm run dev:poll -- [--worker-url <url>] [--port 8787] [--api-root <url>] [--token <t>] [--secret <s>]

  --worker-url   Relay into this Worker instead of starting \`wrangler dev\` (e.g. http://127.0.0.1:8787)
  --port         Port for the \`wrangler dev\` this script starts (default 8787)
  --api-root     Bot API server (default: TELEGRAM_API_ROOT or https://api.telegram.org)
  --token, --secret  Override BOT_TOKEN / WEBHOOK_SECRET from the environment or .dev.vars`;

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = loadSettings(flags);
  if (!settings.token || !settings.secret) {
    console.error(
      `dev:poll needs BOT_TOKEN and WEBHOOK_SECRET (flags, environment or .dev.vars — copy .dev.vars.example).\n` +
        `No Telegram bot yet? \`npm start\` runs everything locally with a web chat instead.\n\n${USAGE}`,
    );
    return 2;
  }
  if (settings.apiRoot === "https://api.telegram.org" && !isRealBotToken(settings.token)) {
    console.error("BOT_TOKEN does not look like a token from @BotFather (123456789:AA…). Check .dev.vars.");
    return 2;
  }
  const controller = new AbortController();
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log("\nStopping…");
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  let worker: { stop(): Promise<void> } | undefined;
  let workerBase = stringFlag(flags, "worker-url");
  try {
    if (!workerBase) {
      const { startWrangler } = await import("./local-stack");
      const port = Number(stringFlag(flags, "port") ?? process.env.WORKER_PORT ?? 8787);
      console.log(`Starting the Worker (wrangler dev on http://127.0.0.1:${port}, settings from .dev.vars)…`);
      // The Worker gets .dev.vars plus what this run overrides (flags, environment), through a private
      // env file rather than --var, so no secret shows in the process list.
      const envDir = mkdtempSync(join(tmpdir(), "dev-poll-"));
      const envFile = join(envDir, ".dev.vars");
      const workerVars: Record<string, string> = {
        ...settings.devVars,
        BOT_TOKEN: settings.token,
        WEBHOOK_SECRET: settings.secret,
        ...(settings.apiRoot !== "https://api.telegram.org" ? { TELEGRAM_API_ROOT: settings.apiRoot } : {}),
        ...(process.env.NEMO_API_BASE ? { NEMO_API_BASE: process.env.NEMO_API_BASE } : {}),
      };
      writeFileSync(
        envFile,
        Object.entries(workerVars)
          .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
          .join("\n"),
        { mode: 0o600 },
      );
      const started = await startWrangler({
        port,
        persistTo: ".wrangler/state",
        envFiles: [envFile],
        log: (line) => console.log(`[worker] ${line}`),
      }).catch((error: unknown) => {
        rmSync(envDir, { recursive: true, force: true });
        throw error;
      });
      worker = {
        stop: async () => {
          await started.stop();
          rmSync(envDir, { recursive: true, force: true });
        },
      };
      workerBase = started.url;
    }
    if (controller.signal.aborted) return 130;
    const webhookUrl = /\/telegram\/webhook$/.test(workerBase)
      ? workerBase
      : `${workerBase.replace(/\/+$/, "")}/telegram/webhook`;
    await runDevPoll({
      apiRoot: settings.apiRoot,
      token: settings.token,
      secret: settings.secret,
      webhookUrl,
      signal: controller.signal,
    });
    return 0;
  } catch (error) {
    if (controller.signal.aborted) return 0;
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await worker?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
