import { looseObject, number, object, type output, string, ZodError, enum as zEnum } from "zod";
import packageJson from "../package.json";

/**
 * Every setting the Worker reads, parsed once from the bindings. Nothing else in the code reads `env.X`
 * for a setting; it receives a `Config`. Names are the product's interface (see README "Configuration").
 */

const wholeNumber = (fallback: number) =>
  string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .optional()
    .transform((value) => value ?? fallback);

const optionalText = string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const idList = optionalText.transform((value) =>
  value
    ? value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)
    : [],
);

/** A whole number, or undefined when the setting is absent (a limit that is off unless set). */
const optionalLimit = optionalText.pipe(string().regex(/^\d+$/, "must be a whole number").transform(Number).optional());

/** A comma-separated list of pauses in ms ("1000,4000"); "" = none. */
const delayList = (fallback: string) =>
  string()
    .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, "must be whole numbers of ms separated by commas")
    .optional()
    .transform((value) =>
      (value ?? fallback)
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)
        .map(Number),
    );

/** An AES-256 key: base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`). */
const aesKey = optionalText.refine(
  (value) => value === undefined || (/^[A-Za-z0-9+/]{43}=$/.test(value) && atob(value).length === 32),
  "must be base64 of 32 random bytes",
);

const urlWithoutTrailingSlash = (fallback: string) =>
  string()
    .url("must be an absolute URL")
    .optional()
    .transform((value) => (value ?? fallback).replace(/\/+$/, ""));

/** A switch: "on"/"off" (also true/false, 1/0, yes/no), `fallback` when absent. */
const onOff = (fallback: boolean) =>
  string()
    .trim()
    .toLowerCase()
    .regex(/^(on|off|true|false|1|0|yes|no)$/, 'must be "on" or "off"')
    .optional()
    .transform((value) => (value === undefined ? fallback : ["on", "true", "1", "yes"].includes(value)));

const BotInfoSchema = looseObject({
  id: number().int(),
  username: string().min(1),
  first_name: string().optional(),
});

const ConfigSchema = object({
  BOT_TOKEN: string().regex(/^\d+:[\w-]+$/, "must look like <digits>:<characters> as BotFather gives it"),
  // At least 32 characters: the secret is the webhook's only proof that an update came from Telegram.
  WEBHOOK_SECRET: string().regex(/^[A-Za-z0-9_-]{32,256}$/, "must be 32-256 characters of A-Z a-z 0-9 _ -"),
  BOT_INFO: optionalText,
  TELEGRAM_API_ROOT: urlWithoutTrailingSlash("https://api.telegram.org"),
  NEMO_API_BASE: urlWithoutTrailingSlash("https://mega-api-prod.nemovideo.ai"),
  NEMO_WEB_URL: urlWithoutTrailingSlash("https://nemovideo.com"),
  NEMO_TOKEN: optionalText,
  RENDER_POLL_INTERVAL_MS: wholeNumber(30_000),
  STILL_WORKING_INTERVAL_MS: wholeNumber(120_000),
  RATE_LIMIT_WAIT_MS: wholeNumber(30_000),
  SSE_MAX_DURATION_MS: wholeNumber(900_000),
  HEARTBEAT_ONLY_TIMEOUT_MS: wholeNumber(600_000),
  STATE_RECHECK_MS: wholeNumber(30_000),
  ALBUM_SETTLE_MS: wholeNumber(1_500),
  /** Longest one file's Telegram download + NemoVideo upload may take before it counts as failed. */
  UPLOAD_MAX_DURATION_MS: wholeNumber(600_000),
  /** getFile limit of the Bot API server: 20 MB on the cloud API, more on a self-hosted one. */
  TELEGRAM_DOWNLOAD_LIMIT_MB: wholeNumber(20),
  /** Multipart upload limit of the Bot API server: 50 MB on the cloud API. */
  TELEGRAM_UPLOAD_LIMIT_MB: wholeNumber(50),
  WATCHDOG_INTERVAL_MS: wholeNumber(30_000),
  TELEGRAM_MAX_RETRY_AFTER_S: wholeNumber(60),
  // --- issue 16: retries of answers, transfers and reads that failed in transport ---
  /** Pauses before each retry of a webhook's hand-off to the chat's object that threw (the edge holds). */
  ACCEPT_RETRY_DELAYS_MS: delayList("100,400,1500"),
  /** Pauses before each retry of an answer Telegram did not acknowledge (a lost connection, a 5xx). */
  ANSWER_RETRY_DELAYS_MS: delayList("1000,4000,15000"),
  /** Pauses before each retry of a file's Telegram download + NemoVideo upload that failed in transport. */
  TRANSFER_RETRY_DELAYS_MS: delayList("1000,5000"),
  /** Pauses before each retry of an idempotent NemoVideo read (state, render status, credits). */
  NEMO_READ_RETRY_DELAYS_MS: delayList("250,1000"),
  /** An answer every retry failed for waits this long (doubling) in storage before the alarm sends it again. */
  OUTBOX_RETRY_MS: wholeNumber(60_000),
  /** An undelivered answer older than this is dropped (logged): the person has moved on. */
  OUTBOX_MAX_AGE_MS: wholeNumber(172_800_000),
  /** Instructions a chat may have waiting behind the running one. */
  QUEUE_LIMIT: wholeNumber(5),
  /** Agent turns one user may start per minute (groups share credits). */
  USER_TURNS_PER_MINUTE: wholeNumber(4),
  // --- issue 18: progress people can see ---
  /** How often a private chat's live draft is sent again (Telegram drops a draft after about 30 s). */
  DRAFT_REFRESH_MS: wholeNumber(10_000),
  /** Least time between two drafts of one turn (the draft follows the stream, at most once a second). */
  DRAFT_MIN_INTERVAL_MS: wholeNumber(1_000),
  /** Least time between two edits of a group's status or queue message. */
  GROUP_STATUS_EDIT_MS: wholeNumber(3_000),
  /** Messages (sends and edits) the bot allows itself per group chat within GROUP_RATE_WINDOW_MS. */
  GROUP_MESSAGES_PER_MINUTE: wholeNumber(20),
  /** The window of GROUP_MESSAGES_PER_MINUTE (a minute; tests shrink it). */
  GROUP_RATE_WINDOW_MS: wholeNumber(60_000),
  SKILL_SOURCE: optionalText.transform((value) => value ?? "tiktok-video-generator-ai"),
  SKILL_VERSION: optionalText.transform((value) => value ?? packageJson.version),
  SKILL_PLATFORM: optionalText.transform((value) => value ?? "unknown"),
  ALLOWED_CHAT_IDS: idList,
  ALLOWED_USER_IDS: idList,
  ADMIN_USER_IDS: idList,
  LOG_LEVEL: optionalText.transform((value) => value ?? "info"),
  /** Agent turns one user may start per UTC day, across all chats; absent = no limit. */
  DAILY_TURNS_PER_USER: optionalLimit,
  /** Renders a chat may start per UTC day; absent = no limit. */
  DAILY_RENDERS_PER_CHAT: optionalLimit,
  // --- issue 19 (security): input limits and storage caps ---
  /** Files and media links one user may send per minute (0 = no limit). */
  USER_MEDIA_PER_MINUTE: wholeNumber(30),
  /** Quick actions (credits, timeline, export, open, help…) one user may ask for per minute (0 = no limit). */
  USER_QUICK_ACTIONS_PER_MINUTE: wholeNumber(20),
  /** Media links one message may carry; more are refused before any reaches NemoVideo. */
  MAX_LINKS_PER_MESSAGE: wholeNumber(10),
  /** Updates a chat may have waiting to be handled; later ones are dropped (one polite notice). */
  INBOX_LIMIT: wholeNumber(1_000),
  /** Media items a chat may have collecting in albums or waiting to upload; more are refused politely. */
  MEDIA_PENDING_LIMIT: wholeNumber(100),
  // --- end issue 19 ---
  // --- renders (issue 15) ---
  /** "on": a turn that changes an exportable draft is followed by its render and video; "off": only on Export. */
  AUTO_EXPORT: onOff(true),
  /** Longest a render may take from submit to completion before it is cancelled and reported. */
  RENDER_TIMEOUT_MS: wholeNumber(900_000),
  /** Longest a render's progress may stay unchanged (errors included) before it is cancelled and reported. */
  RENDER_STALL_MS: wholeNumber(300_000),
  /** Encrypts NemoVideo tokens at rest in KV when set. */
  TOKEN_ENCRYPTION_KEY: aesKey,
  /** The key being rotated out: still decrypts, never encrypts. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: aesKey,
  // --- issue 17: accounts ---
  /** `off`: no anonymous tokens at all; chats without NEMO_TOKEN or their own token are asked for one. */
  ANONYMOUS_TOKENS: zEnum(["on", "off"])
    .optional()
    .transform((value) => value ?? "on"),
});

export type Config = Omit<output<typeof ConfigSchema>, "BOT_INFO"> & {
  /** getMe of the bot when the operator supplied it; otherwise fetched once and cached by the bot factory. */
  BOT_INFO: BotInfo | undefined;
};
export type BotInfo = { id: number; username: string; first_name: string; is_bot: true } & Record<string, unknown>;

/** Settings that hold secrets: their values are never echoed in errors or logs. */
const SECRET_NAMES = new Set([
  "BOT_TOKEN",
  "WEBHOOK_SECRET",
  "NEMO_TOKEN",
  "TOKEN_ENCRYPTION_KEY",
  "TOKEN_ENCRYPTION_KEY_PREVIOUS",
]);

/** A setting is missing or invalid; the message names each one and never prints a secret's value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

/** Parses the Worker's bindings into a typed Config, or throws ConfigError naming what is wrong. */
export function parseConfig(env: Record<string, unknown>): Config {
  const strings: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === "string") strings[key] = value;
  }
  try {
    const parsed = ConfigSchema.parse(strings);
    return { ...parsed, BOT_INFO: parseBotInfo(parsed.BOT_INFO) };
  } catch (error) {
    if (error instanceof ZodError) {
      throw new ConfigError(
        error.issues.map((issue) => {
          const name = String(issue.path[0] ?? "configuration");
          const present = strings[name] !== undefined;
          if (!present) return `${name} is missing`;
          return SECRET_NAMES.has(name) ? `${name} is invalid (value hidden)` : `${name} ${issue.message}`;
        }),
      );
    }
    throw error;
  }
}

function parseBotInfo(raw: string | undefined): BotInfo | undefined {
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(["BOT_INFO must be the JSON that getMe returns"]);
  }
  const result = BotInfoSchema.safeParse(json);
  if (!result.success)
    throw new ConfigError(["BOT_INFO must be the JSON that getMe returns (id, username, first_name)"]);
  return { ...result.data, is_bot: true, first_name: result.data.first_name ?? result.data.username };
}

const cache = new WeakMap<object, Config>();

/** parseConfig, memoised per bindings object so a request pays for it once per isolate. */
export function configFrom(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Record<string, unknown>);
    cache.set(env, config);
  }
  return config;
}
