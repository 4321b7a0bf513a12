import type { InlineKeyboardMarkup, ReplyParameters } from "grammy/types";
import { type Api, GrammyError, type RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import { type AnswerRetry, cosmetic, retryAnswer } from "./retry-policy";

/** Telegram refused to deliver to this chat any more: the bot was blocked, kicked or the chat is gone. */
export class ChatUnreachableError extends Error {
  override readonly name = "ChatUnreachableError";
  constructor(readonly chatId: number) {
    super(`Telegram refuses messages to chat ${chatId}`);
  }
}

/** Where a chat's answers go: the chat, and in forum topics the topic the user wrote in. */
export type Destination = { chatId: number; threadId?: number };

export type SendOptions = {
  buttons?: InlineKeyboardMarkup;
  replyTo?: number;
  /**
   * "answer" (the default): something the person asked for; a transport failure is retried (a rare
   * duplicate over a loss). "status": a progress message that is edited and removed later; sent once,
   * and callers wrap it in `cosmetic` so its failure never ends the work.
   */
  kind?: "answer" | "status";
};

/** How a chat's sender retries answers; without it every call is tried once (the operator desk's notices). */
export type SenderPolicy = {
  answers: AnswerRetry;
  /** Finds an answer that reached the chat although its reply was lost (chat/outgoing/latest-message.ts). */
  findLanded?: (html: string, extra: { reply_markup?: InlineKeyboardMarkup }) => Promise<number | undefined>;
};

/** The retry policy of answers from configuration, logging each retry as a possible duplicate. */
export function answerPolicy(
  config: Pick<Config, "ANSWER_RETRY_DELAYS_MS" | "LOG_LEVEL">,
  sleep: (ms: number) => Promise<void>,
  chatId?: number,
): SenderPolicy {
  return {
    answers: {
      delaysMs: config.ANSWER_RETRY_DELAYS_MS,
      sleep,
      // The call may have reached the chat before its answer was lost: counted, so duplicates can be measured.
      onRetry: (attempt, error) =>
        logEvent(config, "warn", {
          event: "answer_retry",
          chat: chatId,
          attempt,
          error: error instanceof Error ? error.name : typeof error,
          possibleDuplicate: true,
        }),
    },
  };
}

/** A logger for `cosmetic`: one warn line naming the skipped call and the error's class, never its text. */
export function skipLogged(config: Pick<Config, "LOG_LEVEL">, what: string): (error: unknown) => void {
  return (error) =>
    logEvent(config, "warn", {
      event: "cosmetic_skipped",
      what,
      error: error instanceof Error ? error.name : typeof error,
    });
}

/** `cosmetic(call)` with the log line: the form turn, upload and render code uses for decoration. */
export function decoration<T>(
  config: Pick<Config, "LOG_LEVEL">,
  what: string,
  call: Promise<T> | (() => Promise<T>),
): Promise<T | undefined> {
  return cosmetic(call, skipLogged(config, what));
}

/**
 * The one way the bot writes to Telegram. It splits nothing and escapes nothing (callers pass ready HTML
 * chunks), but it owns the platform's failure rules: a refused parse is retried as plain text, "message
 * is not modified" is success, and 403 stops work for the chat. 429 is retried by the auto-retry
 * transformer installed on the Api, bounded so the chat never stalls forever.
 */
export interface ChatSender {
  send(html: string, options?: SendOptions): Promise<number>;
  edit(messageId: number, html: string, options?: { buttons?: InlineKeyboardMarkup }): Promise<void>;
  remove(messageId: number): Promise<void>;
  action(action: "typing" | "upload_video" | "upload_photo"): Promise<void>;
  answerCallback(callbackQueryId: string, text?: string): Promise<void>;
}

/**
 * Removes a message when there is one (a status, the message that carried a token). One already gone, too
 * old to delete or in a chat that refused the bot leaves nothing to do, so a failure is ignored.
 */
export async function removeQuietly(sender: Pick<ChatSender, "remove">, messageId: number | undefined): Promise<void> {
  if (messageId === undefined) return;
  await sender.remove(messageId).catch(() => {});
}

export function createChatSender(api: Api<RawApi>, destination: Destination, policy?: SenderPolicy): ChatSender {
  const { chatId, threadId } = destination;
  const thread = threadId === undefined ? {} : { message_thread_id: threadId };
  const once = (call: () => Promise<number>) => call();

  return {
    async send(html, options = {}) {
      const reply: { reply_parameters?: ReplyParameters } =
        options.replyTo === undefined
          ? {}
          : { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } };
      const extra = { ...thread, ...reply, ...(options.buttons ? { reply_markup: options.buttons } : {}) };
      const attempt =
        policy && options.kind !== "status"
          ? (call: () => Promise<number>, landed?: () => Promise<number | undefined>) =>
              retryAnswer(policy.answers, call, landed)
          : once;
      const findLanded = policy?.findLanded;
      try {
        return await attempt(
          () =>
            guard(chatId, () =>
              api.sendMessage(chatId, html, {
                parse_mode: "HTML",
                link_preview_options: { is_disabled: true },
                ...extra,
              }),
            ).then((message) => message.message_id),
          findLanded && (() => findLanded(html, { reply_markup: options.buttons })),
        );
      } catch (error) {
        if (!isParseError(error)) throw error;
        return await attempt(() =>
          guard(chatId, () => api.sendMessage(chatId, htmlToPlain(html), extra)).then((message) => message.message_id),
        );
      }
    },
    async edit(messageId, html, options = {}) {
      const extra = options.buttons ? { reply_markup: options.buttons } : {};
      try {
        await guard(chatId, () =>
          api.editMessageText(chatId, messageId, html, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            ...extra,
          }),
        );
      } catch (error) {
        if (isNotModified(error)) return;
        if (isParseError(error)) {
          await guard(chatId, () => api.editMessageText(chatId, messageId, htmlToPlain(html), extra)).catch((again) => {
            if (!isNotModified(again)) throw again;
          });
          return;
        }
        throw error;
      }
    },
    async remove(messageId) {
      await guard(chatId, () => api.deleteMessage(chatId, messageId)).catch((error) => {
        // A message already gone or older than 48 h cannot be deleted; the chat is no worse for it.
        if (error instanceof GrammyError && error.error_code === 400) return;
        throw error;
      });
    },
    async action(action) {
      await guard(chatId, () => api.sendChatAction(chatId, action, thread)).catch((error) => {
        if (error instanceof ChatUnreachableError) throw error;
        // A chat action is decoration; failing to show it must not fail the work.
      });
    },
    async answerCallback(callbackQueryId, text) {
      await api.answerCallbackQuery(callbackQueryId, text ? { text } : {}).catch(() => {
        // Too old or already answered: nothing the user can act on.
      });
    },
  };
}

async function guard<T>(chatId: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 403) throw new ChatUnreachableError(chatId);
    throw error;
  }
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /not modified/i.test(error.description);
}

function isParseError(error: unknown): boolean {
  return (
    error instanceof GrammyError && error.error_code === 400 && /parse entities|can't parse/i.test(error.description)
  );
}

/** The same text without markup, for Telegram's plain-text retry. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<a\s+href="([^"]*)"[^>]*>(.*?)<\/a>/gi, "$2 ($1)")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
