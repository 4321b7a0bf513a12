/**
 * `npm run setup` — points Telegram at the deployed Worker and registers the bot's commands. Idempotent:
 * run it after every deploy.
 *
 *   npm run setup -- --url https://nemo-tiktok-bot.<you>.workers.dev [--drop-pending-updates]
 *
 * Reads BOT_TOKEN and WEBHOOK_SECRET from the environment or `.dev.vars` (flags win). `--api-root` points
 * it at another Bot API server (a self-hosted one, or the local Telegram fake in tests).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { commandList } from "../src/i18n";

/** The updates the bot handles; anything else would only cost requests. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;
/** Where the commands show: private chats and groups, each in English (the default) and Chinese. */
export const COMMAND_SCOPES = [{ type: "all_private_chats" }, { type: "all_group_chats" }] as const;
export const COMMAND_LANGUAGES = [undefined, "zh"] as const;

/** A fresh webhook secret: 32 random bytes as 64 hex characters (Telegram allows A-Z a-z 0-9 _ -). */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString("hex");
}

export interface SetupOptions {
  apiRoot: string;
  token: string;
  /** The Worker's public base URL (https://…) or the full webhook URL ending in /telegram/webhook. */
  url: string;
  secret: string;
  dropPendingUpdates?: boolean;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface SetupResult {
  webhookUrl: string;
  /** Command lists that were (re)registered; unchanged ones are skipped. */
  commandsChanged: number;
  webhookInfo: Record<string, unknown>;
}

/** The webhook URL for a Worker base URL (a full …/telegram/webhook URL is kept). */
export function webhookUrlFor(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "");
  return /\/telegram\/webhook$/.test(trimmed) ? trimmed : `${trimmed}/telegram/webhook`;
}

/** The commands for one language, from the bot's own text module. */
export function commandsFor(language: string | undefined): { command: string; description: string }[] {
  return commandList(language === "zh" ? "zh" : "en");
}

export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const log = options.log ?? console.log;
  const api = new BotApi(options.apiRoot, options.token, options.fetch);
  const webhookUrl = webhookUrlFor(options.url);
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(options.secret)) {
    throw new Error(
      "WEBHOOK_SECRET must be 32-256 characters of A-Z a-z 0-9 _ - (the Worker refuses shorter ones). " +
        "Run setup without it and it generates one.",
    );
  }

  await api.call("setWebhook", {
    url: webhookUrl,
    secret_token: options.secret,
    allowed_updates: [...ALLOWED_UPDATES],
    drop_pending_updates: options.dropPendingUpdates === true,
  });
  log(
    `✓ Webhook set: ${webhookUrl} (secret token, allowed updates: ${ALLOWED_UPDATES.join(", ")}${
      options.dropPendingUpdates ? ", pending updates dropped" : ""
    })`,
  );

  let commandsChanged = 0;
  for (const scope of COMMAND_SCOPES) {
    for (const language of COMMAND_LANGUAGES) {
      const commands = commandsFor(language);
      const where = { scope, ...(language ? { language_code: language } : {}) };
      const current = await api.call<{ command: string; description: string }[]>("getMyCommands", where);
      const label = `${scope.type.replace(/^all_|_chats$/g, "")} chats, ${language ?? "en (default)"}`;
      if (sameCommands(current, commands)) {
        log(`✓ Commands already registered (${label})`);
        continue;
      }
      await api.call("setMyCommands", { commands, ...where });
      commandsChanged++;
      log(`✓ Commands registered (${label}): ${commands.map((c) => `/${c.command}`).join(" ")}`);
    }
  }

  const webhookInfo = await api.call<Record<string, unknown>>("getWebhookInfo", {});
  log("getWebhookInfo:");
  log(JSON.stringify(webhookInfo, null, 2));
  if (webhookInfo.url !== webhookUrl) log(`⚠ Telegram reports the webhook as ${String(webhookInfo.url)}`);
  if (typeof webhookInfo.last_error_message === "string") {
    log(`⚠ Telegram's last delivery error: ${webhookInfo.last_error_message} — see README "Troubleshooting".`);
  }
  return { webhookUrl, commandsChanged, webhookInfo };
}

// ---------- helpers shared with scripts/dev-poll.ts and scripts/local-stack.ts ----------

export type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value` and bare `--flag` (true). */
export function parseFlags(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-h") {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    if (eq > 0) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      flags[arg.slice(2)] = next;
      i++;
    } else flags[arg.slice(2)] = true;
  }
  return flags;
}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** KEY=VALUE lines of a dotenv-style file (wrangler's `.dev.vars`); quotes are stripped. */
export function readDevVars(path = ".dev.vars"): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    let value = match[2] ?? "";
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    vars[match[1] as string] = value;
  }
  return vars;
}

/** Looks like a token BotFather issued (not the example's placeholder or a test token). */
export function isRealBotToken(token: string | undefined): boolean {
  return typeof token === "string" && /^\d{6,}:[A-Za-z0-9_-]{30,}$/.test(token) && !/test|replace/i.test(token);
}

/** Bot API settings: flags, then the environment, then `.dev.vars`. */
export function loadSettings(flags: Flags, devVarsPath = stringFlag(flags, "dev-vars") ?? ".dev.vars") {
  const devVars = readDevVars(devVarsPath);
  const pick = (flag: string, name: string) => stringFlag(flags, flag) ?? process.env[name] ?? devVars[name] ?? "";
  return {
    apiRoot: (pick("api-root", "TELEGRAM_API_ROOT") || "https://api.telegram.org").replace(/\/+$/, ""),
    token: pick("token", "BOT_TOKEN"),
    secret: pick("secret", "WEBHOOK_SECRET"),
    devVars,
  };
}

export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(`${method} failed: ${code} ${description}`);
  }
}

/** A minimal Bot API client for the scripts; the token never appears in messages. */
export class BotApi {
  constructor(
    readonly apiRoot: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async call<T = unknown>(method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TelegramApiError(method, 0, `cannot reach ${this.apiRoot} (${(error as Error).message})`);
    }
    const body = (await response.json().catch(() => undefined)) as
      | { ok: true; result: T }
      | { ok: false; error_code?: number; description?: string; parameters?: { retry_after?: number } }
      | undefined;
    if (body?.ok) return body.result;
    throw new TelegramApiError(
      method,
      body?.error_code ?? response.status,
      body?.description ?? `HTTP ${response.status}`,
      body?.parameters?.retry_after,
    );
  }
}

function sameCommands(
  a: { command: string; description: string }[] | undefined,
  b: { command: string; description: string }[],
): boolean {
  return (
    Array.isArray(a) &&
    a.length === b.length &&
    a.every((item, i) => item.command === b[i]?.command && item.description === b[i]?.description)
  );
}

const USAGE = `Usage: npm run setup -- --url <worker URL> [--drop-pending-updates] [--api-root <url>] [--token <t>] [--secret <s>]

  --url                   The deployed Worker, e.g. https://nemo-tiktok-bot.<you>.workers.dev (or $WEBHOOK_URL)
  --drop-pending-updates  Discard updates Telegram queued while no webhook was working
  --api-root              Bot API server (default: TELEGRAM_API_ROOT or https://api.telegram.org)
  --token, --secret       Override BOT_TOKEN / WEBHOOK_SECRET from the environment or .dev.vars`;

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = loadSettings(flags);
  const url = stringFlag(flags, "url") ?? process.env.WEBHOOK_URL;
  const missing = [!settings.token && "BOT_TOKEN", !url && "--url (the Worker's URL)"].filter(Boolean);
  if (missing.length || !url) {
    console.error(`Missing ${missing.join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  let secret = settings.secret;
  if (!secret) {
    // No secret yet: make a strong one. The Worker must get the same value, so it is shown once, here.
    secret = generateWebhookSecret();
    console.log(
      `No WEBHOOK_SECRET given: generated one. Give the Worker the same value now:\n` +
        `  echo ${secret} | npx wrangler secret put WEBHOOK_SECRET\n` +
        `and keep it in .dev.vars (WEBHOOK_SECRET=…) for the next setup run.`,
    );
  }
  try {
    await runSetup({
      apiRoot: settings.apiRoot,
      token: settings.token,
      secret,
      url,
      dropPendingUpdates: flags["drop-pending-updates"] === true,
    });
    return 0;
  } catch (error) {
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
