import type { Config } from "./config";
import { fnv1a } from "./shared/fnv";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** Fields a log line may carry. Message texts, tokens and URLs with secrets are never passed here. */
export type LogFields = {
  event: string;
  chat?: number;
  updateId?: number;
  route?: string;
  outcome?: string;
  ms?: number;
  [key: string]: string | number | boolean | undefined;
};

/**
 * One structured JSON line. The chat id is replaced by a short stable hash so logs can be correlated
 * without identifying the chat.
 */
export function logEvent(config: Pick<Config, "LOG_LEVEL">, level: Level, fields: LogFields): void {
  const threshold = LEVELS[(config.LOG_LEVEL as Level) in LEVELS ? (config.LOG_LEVEL as Level) : "info"];
  if (LEVELS[level] < threshold) return;
  const { chat, ...rest } = fields;
  const line = JSON.stringify({ level, ...rest, ...(chat === undefined ? {} : { chat: hashChatId(chat) }) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** FNV-1a over the decimal id: cheap, synchronous, and enough to correlate lines without exposing the id. */
export function hashChatId(chatId: number): string {
  return fnv1a(String(chatId));
}
