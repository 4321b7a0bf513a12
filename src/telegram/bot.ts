import type { UserFromGetMe } from "grammy/types";
import { Bot, type Context } from "grammy/web";
import type { Config } from "../config";
import type { OperatorMiddleware } from "../operator/desk";
import type { ChatActions } from "./actions";
import { addressedToBot } from "./addressing";
import { telegramRetry } from "./api";
import type { BotContext } from "./context";
import { buttons } from "./handlers/buttons";
import { chatCommands } from "./handlers/commands";
import { mediaMessages } from "./handlers/media";
import { membership } from "./handlers/membership";
import { textMessages } from "./handlers/text";
import { originMiddleware } from "./middleware/origin";

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
  bot.api.config.use(telegramRetry(config));
  const withOrigin = originMiddleware((code) => actions.languageOf(code));

  if (operator) bot.use(operator.gate);
  bot.use(membership(actions, withOrigin));
  const answerable = bot.filter(deservesAnswer);
  answerable.use(withOrigin);
  if (operator) answerable.use(operator.commands);
  answerable.use(buttons(actions), chatCommands(actions), textMessages(actions), mediaMessages(actions));
  return bot;
}

/**
 * Button presses, and messages that are for the bot, go past the membership handlers; nothing else.
 * Edits and channel posts are deliberately not handled (see README "Edited messages and channels"):
 * acting on an edit would spend credits twice for one request, and a channel has nobody to answer. In
 * groups only messages addressed to the bot count, so the rest costs nothing; album items count even
 * unaddressed, since the mention may sit on a sibling's caption (the media flow decides).
 */
function deservesAnswer(ctx: Context): boolean {
  if (ctx.callbackQuery) return true;
  const message = ctx.message;
  if (!message) return false;
  const { addressed } = addressedToBot(message, { id: ctx.me.id, username: ctx.me.username }, message.chat.type);
  return addressed || message.media_group_id !== undefined;
}
