import { autoRetry } from "@grammyjs/auto-retry";
import type { UserFromGetMe } from "grammy/types";
import { Bot, type Context } from "grammy/web";
import type { Config } from "../config";
import type { OperatorMiddleware } from "../operator/desk";
import type { ChatActions } from "./actions";
import { addressedToBot } from "./addressing";
import type { BotContext } from "./context";
import { buttons } from "./handlers/buttons";
import { chatCommands } from "./handlers/commands";
import { mediaMessages } from "./handlers/media";
import { membership } from "./handlers/membership";
import { textMessages } from "./handlers/text";
import { originMiddleware } from "./middleware/origin";

export type { ChatActions, MediaMessage } from "./actions";
export { CALLBACK, projectTag } from "./callbacks";

/**
 * The chat's bot: one grammY pipeline per chat object, in the order an update meets it. The operator's
 * gate first (allowlists, /block); then the bot's own membership; then only what deserves an answer goes
 * on, with `ctx.origin` set once for everything after: the operator's commands, the buttons, the chat's
 * commands, text and media. `operator` is absent only in tests of the routing alone.
 */
export function createBot(
  config: Config,
  botInfo: UserFromGetMe,
  actions: ChatActions,
  operator?: OperatorMiddleware,
): Bot<BotContext> {
  const bot = new Bot<BotContext>(config.BOT_TOKEN, { botInfo, client: { apiRoot: config.TELEGRAM_API_ROOT } });
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: config.TELEGRAM_MAX_RETRY_AFTER_S,
      // A network failure may hide a delivered message; resending it would duplicate it.
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: false,
    }),
  );
  const withOrigin = originMiddleware((code) => actions.languageOf(code));

  if (operator) bot.use(operator.gate);
  bot.use(membership(actions, withOrigin));
  // Edits and channel posts are deliberately not handled (see README "Edited messages and channels"):
  // acting on an edit would spend credits twice for one request, and a channel has nobody to answer.
  bot.drop((ctx) => !ctx.message && !ctx.callbackQuery);
  // In groups only messages addressed to the bot go further; everything else costs nothing. Album items
  // go on even unaddressed: the mention may sit on a sibling's caption, and the media flow decides.
  bot.drop((ctx) => ctx.message !== undefined && !addressedOrAlbum(ctx));
  bot.use(withOrigin);
  if (operator) bot.use(operator.commands);
  bot.use(buttons(actions));
  bot.use(chatCommands(actions));
  bot.use(textMessages(actions));
  bot.use(mediaMessages(actions));
  return bot;
}

function addressedOrAlbum(ctx: Context): boolean {
  const message = ctx.message;
  if (!message) return false;
  const { addressed } = addressedToBot(message, { id: ctx.me.id, username: ctx.me.username }, message.chat.type);
  return addressed || message.media_group_id !== undefined;
}
