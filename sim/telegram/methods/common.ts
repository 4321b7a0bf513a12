import type { Chat, InlineKeyboardMarkup, Message } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { optionalBool, optionalInt, optionalObject, optionalString } from "../params.js";
import type { FakeState } from "../state.js";
import type { Params, ParamValue } from "../types.js";

/** Resolves chat_id (number or @username) to a chat the bot may talk to; Telegram refuses chats it never met. */
export function targetChat(state: FakeState, params: Params): Chat {
  const raw = params.chat_id;
  if (raw === undefined || raw === null || raw === "") throw badRequest("chat_id is empty");
  if (typeof raw === "string" && raw.startsWith("@")) {
    const chat = state.chats.findByUsername(raw);
    if (!chat) throw badRequest("chat not found");
    return chat;
  }
  const id = optionalInt(params, "chat_id");
  if (id === undefined || !state.chats.known(id)) throw badRequest("chat not found");
  return state.chats.chat(id);
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Fields every message the bot sends shares: id, sender, chat, date, reply and topic placement. */
export function baseMessage(state: FakeState, chat: Chat, params: Params): Message {
  const reply = replyTarget(state, chat, params);
  const threadId = threadFor(state, chat, params, reply);
  const markup = inlineMarkup(params);
  const message: Message = {
    message_id: state.chats.allocateId(chat.id),
    from: state.botUser,
    chat,
    date: nowSeconds(),
  };
  if (threadId !== undefined) {
    message.message_thread_id = threadId;
    message.is_topic_message = true;
  }
  if (reply) message.reply_to_message = { ...reply, reply_to_message: undefined };
  if (markup) message.reply_markup = markup;
  return message;
}

/** reply_parameters (or the older reply_to_message_id) must name an existing message unless the bot allows otherwise. */
function replyTarget(state: FakeState, chat: Chat, params: Params): Message | undefined {
  const replyParameters = optionalObject(params, "reply_parameters");
  const messageId = replyParameters
    ? optionalInt(replyParameters as Params, "message_id")
    : optionalInt(params, "reply_to_message_id");
  if (messageId === undefined) return undefined;
  const replyChatId = replyParameters ? optionalInt(replyParameters as Params, "chat_id") : undefined;
  const allowWithout = replyParameters
    ? optionalBool(replyParameters as Params, "allow_sending_without_reply")
    : optionalBool(params, "allow_sending_without_reply");
  const found = state.chats.get(replyChatId ?? chat.id, messageId);
  if (found) return found.message;
  if (allowWithout) return undefined;
  throw badRequest("message to be replied not found");
}

/** message_thread_id is accepted only for known forum topics; a reply inside a topic stays in that topic. */
function threadFor(state: FakeState, chat: Chat, params: Params, reply: Message | undefined): number | undefined {
  const threadId = optionalInt(params, "message_thread_id");
  if (threadId === undefined) {
    return reply?.is_topic_message ? reply.message_thread_id : undefined;
  }
  if (chat.type !== "supergroup" || !state.chats.hasThread(chat.id, threadId)) {
    throw badRequest("message thread not found");
  }
  return threadId;
}

/**
 * Validates reply_markup. Only inline keyboards become part of the message Telegram returns;
 * reply keyboards and force_reply are accepted and not echoed.
 */
export function inlineMarkup(params: Params): InlineKeyboardMarkup | undefined {
  const markup = optionalObject(params, "reply_markup");
  if (!markup) return undefined;
  const rows = markup.inline_keyboard;
  if (rows === undefined) {
    if (!("keyboard" in markup || "remove_keyboard" in markup || "force_reply" in markup)) {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
    return undefined;
  }
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    throw badRequest('field "inline_keyboard" must be an Array of Arrays');
  for (const row of rows as ParamValue[][]) {
    for (const button of row) validateButton(button);
  }
  return markup as unknown as InlineKeyboardMarkup;
}

function validateButton(button: ParamValue): void {
  if (!button || typeof button !== "object" || Array.isArray(button))
    throw badRequest("can't parse inline keyboard button");
  const text = optionalString(button as Params, "text");
  if (!text) throw badRequest("text buttons are unallowed in the inline keyboard");
  const data = (button as Params).callback_data;
  if (data !== undefined) {
    const bytes = Buffer.byteLength(String(data), "utf8");
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  const kinds = [
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
  ];
  if (!kinds.some((kind) => kind in button)) throw badRequest("text buttons are unallowed in the inline keyboard");
}
