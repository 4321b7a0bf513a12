import type { Message } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { optionalInt, optionalString, requireInt } from "../params.js";
import type { FakeState, MethodContext, MethodHandler } from "../state.js";
import { formatText } from "../text/index.js";
import type { Params } from "../types.js";
import { baseMessage, inlineMarkup, nowSeconds, targetChat } from "./common.js";

const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** Text after parse_mode, checked against Telegram's 1–4096 limit (trimmed-empty counts as empty). */
function messageText(params: Params): ReturnType<typeof formatText> {
  const formatted = formatText(optionalString(params, "text") ?? "", params.parse_mode, params.entities);
  if (formatted.text.trim().length === 0) throw badRequest("message text is empty");
  if (formatted.text.length > TEXT_LIMIT) throw badRequest("message is too long");
  return formatted;
}

/** Caption after parse_mode, 0–1024 characters. */
export function messageCaption(params: Params): ReturnType<typeof formatText> | undefined {
  const caption = optionalString(params, "caption");
  if (caption === undefined) return undefined;
  const formatted = formatText(caption, params.parse_mode, params.caption_entities);
  if (formatted.text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return formatted;
}

const sendMessage: MethodHandler = ({ state, params }) => {
  const chat = targetChat(state, params);
  const { text, entities } = messageText(params);
  const message = baseMessage(state, chat, params);
  message.text = text;
  if (entities.length) message.entities = entities;
  state.chats.record(message, true);
  return message;
};

/** The bot's own, still existing message addressed by chat_id + message_id. */
function editable(state: FakeState, params: Params): Message {
  if (params.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
  const chat = targetChat(state, params);
  const found = state.chats.get(chat.id, requireInt(params, "message_id"));
  if (!found) throw badRequest("message to edit not found");
  if (!found.fromBot) throw badRequest("message can't be edited");
  return found.message;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Stores an edit; like Telegram, an edit without reply_markup removes the inline keyboard. */
function commitEdit(state: FakeState, before: Message, changes: Partial<Message>): Message {
  const after: Message = { ...before, ...changes, edit_date: nowSeconds() };
  if (changes.reply_markup === undefined) delete after.reply_markup;
  for (const key of ["entities", "caption_entities"] as const) if (after[key]?.length === 0) delete after[key];
  state.chats.replace(after);
  return after;
}

const editMessageText: MethodHandler = ({ state, params }) => {
  const before = editable(state, params);
  if (before.text === undefined) throw badRequest("there is no text in the message to edit");
  const { text, entities } = messageText(params);
  const markup = inlineMarkup(params);
  if (text === before.text && same(entities, before.entities ?? []) && same(markup, before.reply_markup)) {
    throw badRequest(NOT_MODIFIED);
  }
  return commitEdit(state, before, { text, entities, reply_markup: markup });
};

const editMessageCaption: MethodHandler = ({ state, params }) => {
  const before = editable(state, params);
  if (before.text !== undefined) throw badRequest("there is no caption in the message to edit");
  const caption = messageCaption(params);
  const markup = inlineMarkup(params);
  if (
    (caption?.text ?? "") === (before.caption ?? "") &&
    same(caption?.entities ?? [], before.caption_entities ?? []) &&
    same(markup, before.reply_markup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  const after = commitEdit(state, before, {
    caption: caption?.text,
    caption_entities: caption?.entities,
    reply_markup: markup,
  });
  if (!after.caption) delete after.caption;
  return after;
};

const editMessageReplyMarkup: MethodHandler = ({ state, params }) => {
  const before = editable(state, params);
  const markup = inlineMarkup(params);
  if (same(markup, before.reply_markup)) throw badRequest(NOT_MODIFIED);
  return commitEdit(state, before, { reply_markup: markup });
};

const deleteMessage: MethodHandler = ({ state, params }) => {
  const chat = targetChat(state, params);
  if (!state.chats.delete(chat.id, requireInt(params, "message_id"))) throw badRequest("message to delete not found");
  return true;
};

const sendChatAction: MethodHandler = ({ state, params }: MethodContext) => {
  const chat = targetChat(state, params);
  const action = optionalString(params, "action") ?? "";
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  const threadId = optionalInt(params, "message_thread_id");
  // Forums accept thread 1 (General) for chat actions only.
  if (threadId !== undefined && threadId !== 1 && !state.chats.hasThread(chat.id, threadId)) {
    throw badRequest("message thread not found");
  }
  state.chats.addAction(chat.id, action);
  return true;
};

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
};
