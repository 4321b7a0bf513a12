import type { Message, MessageEntity } from "grammy/types";

/**
 * Whether a message is meant for this bot. In private chats everything is; in groups only a mention
 * (@username or a text mention of the bot), a reply to one of the bot's messages, or a command that is
 * bare or names this bot — `/cmd@otherbot` belongs to another bot even when it arrives here.
 * Entity offsets and lengths are UTF-16 code units, the same as JS string indices.
 */

export type AddressReason = "private" | "mention" | "text_mention" | "reply" | "command" | "caption_mention" | "none";

export interface Addressing {
  addressed: boolean;
  /** The instruction: the bot's mentions removed and whitespace tidied. */
  text: string;
  reason: AddressReason;
}

export interface BotIdentity {
  id: number;
  username: string;
}

/** The parts of a grammY `Message` this module reads. */
export type MessageLike = Partial<
  Pick<Message, "text" | "caption" | "entities" | "caption_entities" | "reply_to_message">
>;

interface Body {
  text: string;
  entities: MessageEntity[];
  isCaption: boolean;
}

function bodyOf(message: MessageLike): Body {
  if (typeof message.text === "string") {
    return { text: message.text, entities: Array.isArray(message.entities) ? message.entities : [], isCaption: false };
  }
  return {
    text: typeof message.caption === "string" ? message.caption : "",
    entities: Array.isArray(message.caption_entities) ? message.caption_entities : [],
    isCaption: true,
  };
}

const slice = (text: string, entity: MessageEntity) => text.slice(entity.offset, entity.offset + entity.length);

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function isBotMention(text: string, entity: MessageEntity, bot: BotIdentity): boolean {
  if (entity.type === "mention") return sameName(slice(text, entity), `@${bot.username}`);
  if (entity.type === "text_mention") return entity.user?.id === bot.id;
  return false;
}

/** Removes the given UTF-16 ranges, then tidies spaces and a leading comma or colon left by a mention. */
function strip(text: string, ranges: [number, number][]): string {
  let result = text;
  for (const [start, end] of [...ranges].sort((a, b) => b[0] - a[0])) {
    result = `${result.slice(0, start)} ${result.slice(end)}`;
  }
  return result
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/ +([,.!?;:，。！？；：])/g, "$1")
    .trim()
    .replace(/^[,;:，；：]\s*/, "")
    .trim();
}

/** Decides whether the message is for the bot and extracts the instruction (see the module comment). */
export function addressedToBot(message: MessageLike, bot: BotIdentity, chatType: string): Addressing {
  const { text, entities, isCaption } = bodyOf(message);
  const mentions = entities.filter((entity) => isBotMention(text, entity, bot));
  const ranges: [number, number][] = mentions.map((entity) => [entity.offset, entity.offset + entity.length]);

  const command = entities.find((entity) => entity.type === "bot_command" && entity.offset === 0);
  let commandReason: "ours" | "theirs" | undefined;
  if (command) {
    const [, target] = slice(text, command).split("@");
    if (target === undefined || sameName(target, bot.username)) {
      commandReason = "ours";
      const end = command.offset + command.length;
      if (target !== undefined) ranges.push([end - target.length - 1, end]);
    } else commandReason = "theirs";
  }
  const instruction = strip(text, ranges);

  if (chatType === "private") return { addressed: true, text: instruction, reason: "private" };
  if (commandReason === "theirs") return { addressed: false, text: instruction, reason: "none" };
  if (commandReason === "ours") return { addressed: true, text: instruction, reason: "command" };

  const first = mentions[0];
  if (first) {
    const reason = isCaption ? "caption_mention" : first.type === "text_mention" ? "text_mention" : "mention";
    return { addressed: true, text: instruction, reason };
  }
  const replied = message.reply_to_message;
  // In forum topics every message "replies" to the topic's first message; that is not a reply to us.
  if (replied && replied.from?.id === bot.id && !replied.forum_topic_created) {
    return { addressed: true, text: instruction, reason: "reply" };
  }
  return { addressed: false, text: instruction, reason: "none" };
}
