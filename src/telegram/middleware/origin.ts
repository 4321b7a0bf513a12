import type { Context, MiddlewareFn } from "grammy/web";
import type { Origin } from "../../chat/storage";
import type { Lang } from "../../i18n";
import type { BotContext } from "../context";

/** The chat's language for a user's Telegram language code (a /language choice wins). */
export type LanguageOf = (languageCode: string | undefined) => Promise<Lang>;

/**
 * Where the answer goes. Groups: a reply to the message that addressed the bot (for a button, the
 * message carrying it), so members see whom it answers; private chats need no quoting. A thread id only
 * for forum topic messages: a plain supergroup reply carries one too, and sending it back fails.
 */
export async function originOf(ctx: Context, languageOf: LanguageOf): Promise<Origin> {
  const message = ctx.msg;
  const chat = ctx.chat;
  if (!chat) throw new Error("update without chat reached a chat handler");
  // Updates are outside data: a field of the wrong type must not reach persisted state, where it would
  // fail the schema on the next read.
  const languageCode = typeof ctx.from?.language_code === "string" ? ctx.from.language_code : undefined;
  const userId = typeof ctx.from?.id === "number" ? ctx.from.id : undefined;
  const messageId = typeof message?.message_id === "number" ? message.message_id : undefined;
  return {
    chatId: chat.id,
    messageId: chat.type === "private" ? undefined : messageId,
    sourceMessageId: ctx.callbackQuery ? undefined : messageId,
    userId,
    threadId:
      message?.is_topic_message === true && typeof message.message_thread_id === "number"
        ? message.message_thread_id
        : undefined,
    lang: await languageOf(languageCode),
    languageCode,
  };
}

/**
 * Sets `ctx.origin` for everything installed after it. Installed after the filters that drop what costs
 * nothing (the access gate, unaddressed group chatter), since the language lookup reads the chat's record.
 * A button on an inline message carries no chat: there is nowhere to act, so the press is only answered.
 */
export function originMiddleware(languageOf: LanguageOf): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (!ctx.chat) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    ctx.origin = await originOf(ctx, languageOf);
    await next();
  };
}
