import { isRecord } from "../shared/is-record";
import { addressedToBot } from "../telegram/addressing";

/**
 * What the operator features need to know about a raw update, read defensively (grammY passes an update
 * on as Telegram sent it, unchecked): who sent it, where, and whether it spoke to the bot. Never the
 * message text itself.
 */
export type UpdateFacts = {
  chatType: string | undefined;
  userId: number | undefined;
  languageCode: string | undefined;
  /** Deserves an answer: a message addressed to the bot, a button press, or the bot added to a group. */
  speaksToBot: boolean;
};

export function factsOf(update: Record<string, unknown>, bot: { id: number; username: string }): UpdateFacts {
  const message = firstRecord(update, ["message", "edited_message", "channel_post"]);
  const callback = isRecord(update.callback_query) ? update.callback_query : undefined;
  const member = isRecord(update.my_chat_member) ? update.my_chat_member : undefined;
  const source = message ?? (callback && isRecord(callback.message) ? callback.message : undefined) ?? member;
  const chat = source && isRecord(source.chat) ? source.chat : undefined;
  const from = isRecord(callback?.from) ? callback.from : isRecord(source?.from) ? source.from : undefined;
  const chatType = typeof chat?.type === "string" ? chat.type : undefined;
  let speaksToBot = callback !== undefined;
  if (message && chatType) speaksToBot = addressedToBot(message, bot, chatType).addressed;
  if (member && isRecord(member.new_chat_member)) {
    const status = member.new_chat_member.status;
    speaksToBot = chatType !== "private" && (status === "member" || status === "administrator");
  }
  return {
    chatType,
    userId: typeof from?.id === "number" ? from.id : undefined,
    languageCode: typeof from?.language_code === "string" ? from.language_code : undefined,
    speaksToBot,
  };
}

/** Commands worth naming in logs; anything else is "command:other" so no typed word ends up in a log. */
const KNOWN_COMMANDS = new Set([
  "start",
  "help",
  "credits",
  "balance",
  "status",
  "timeline",
  "export",
  "cancel",
  "new",
  "open",
  "language",
  "forget",
  "stats",
  "block",
  "unblock",
]);

/** A route name for logs: the kind of update, and for commands which one. Never the text. */
export function routeOf(update: Record<string, unknown>): string {
  if (isRecord(update.callback_query)) return "callback";
  for (const key of ["my_chat_member", "chat_member", "edited_message", "channel_post", "edited_channel_post"]) {
    if (isRecord(update[key])) return key;
  }
  const message = isRecord(update.message) ? update.message : undefined;
  if (!message) return "other";
  if (typeof message.text === "string") {
    const command = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)/.exec(message.text)?.[1]?.toLowerCase();
    if (command) return KNOWN_COMMANDS.has(command) ? `command:${command}` : "command:other";
    return "text";
  }
  for (const kind of ["photo", "video", "animation", "document", "audio", "voice", "sticker", "video_note"]) {
    if (message[kind] !== undefined) return message.media_group_id === undefined ? kind : `album:${kind}`;
  }
  return "message:other";
}

function firstRecord(update: Record<string, unknown>, keys: string[]): Record<string, unknown> | undefined {
  for (const key of keys) {
    const value = update[key];
    if (isRecord(value)) return value;
  }
  return undefined;
}
