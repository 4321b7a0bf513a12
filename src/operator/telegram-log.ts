import type { Api, RawApi } from "grammy/web";
import { GrammyError } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import type { Clock } from "../shared/clock";

/**
 * One log line per Bot API call: the method, the outcome (ok or Telegram's error code) and the time.
 * Installed as an API transformer, so it sees every call the chat makes and never the payload, which
 * holds message texts, or the URL, which holds the bot token.
 */
export function logTelegramCalls(
  api: Api<RawApi>,
  config: Pick<Config, "LOG_LEVEL">,
  chatId: number,
  now: Clock,
): void {
  api.config.use(async (previous, method, payload, signal) => {
    const started = now();
    const line = (outcome: string, level: "info" | "warn") =>
      logEvent(config, level, {
        event: "outside_call",
        service: "telegram",
        chat: chatId,
        route: method,
        outcome,
        ms: now() - started,
      });
    try {
      const result = await previous(method, payload, signal);
      if (result.ok) line("ok", "info");
      // 400s are mostly routine ("message is not modified", an old callback); the sender handles them.
      else line(String(result.error_code), result.error_code === 400 ? "info" : "warn");
      return result;
    } catch (error) {
      if (error instanceof GrammyError) line(String(error.error_code), error.error_code === 400 ? "info" : "warn");
      else line("network_error", "warn");
      throw error;
    }
  });
}
