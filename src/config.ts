import { looseObject, number, object, type output, string, ZodError } from "zod";
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

const BotInfoSchema = looseObject({
  id: number().int(),
  username: string().min(1),
  first_name: string().optional(),
});

const ConfigSchema = object({
  BOT_TOKEN: string().regex(/^\d+:[\w-]+$/, "must look like <digits>:<characters> as BotFather gives it"),
  WEBHOOK_SECRET: string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z a-z 0-9 _ -"),
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
  /** Agent turns one user may start per UTC day in a chat; absent = no limit. */
  DAILY_TURNS_PER_USER: optionalLimit,
  /** Renders a chat may start per UTC day; absent = no limit. */
  DAILY_RENDERS_PER_CHAT: optionalLimit,
  /** Encrypts NemoVideo tokens at rest in KV when set. */
  TOKEN_ENCRYPTION_KEY: aesKey,
  /** The key being rotated out: still decrypts, never encrypts. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: aesKey,
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
