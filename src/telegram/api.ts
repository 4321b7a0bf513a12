import { autoRetry } from "@grammyjs/auto-retry";
import { Api, type RawApi, type Transformer } from "grammy/web";
import type { Config } from "../config";

/** How every Bot API call of the bot retries: Telegram's 429s and 5xx, never a network failure. */
export function telegramRetry(config: Pick<Config, "TELEGRAM_MAX_RETRY_AFTER_S">): Transformer<RawApi> {
  return autoRetry({
    maxRetryAttempts: 3,
    maxDelaySeconds: config.TELEGRAM_MAX_RETRY_AFTER_S,
    // A network failure may hide a delivered message; resending it would duplicate it.
    rethrowHttpErrors: true,
    rethrowInternalServerErrors: false,
  });
}

/**
 * The Bot API client a chat's work sends through, built before the chat's parts so each gets it at
 * construction. It retries like the bot's own `bot.api` (the update router's, bot.ts).
 */
export function createTelegramApi(
  config: Pick<Config, "BOT_TOKEN" | "TELEGRAM_API_ROOT" | "TELEGRAM_MAX_RETRY_AFTER_S">,
): Api<RawApi> {
  const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  api.config.use(telegramRetry(config));
  return api;
}
