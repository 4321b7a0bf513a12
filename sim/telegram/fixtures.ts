import type { Chat, MessageEntity, User } from "@grammyjs/types";

/** A realistic default person: 10-digit id, username, and a language code as Telegram clients send it. */
export const DEFAULT_USER: User = {
  id: 6_123_456_789,
  is_bot: false,
  first_name: "Alice",
  last_name: "Tester",
  username: "alice_tg",
  language_code: "en",
};
/** Basic groups have small negative ids; supergroups and channels live under -100…. */
export const DEFAULT_GROUP_ID = -4_123_456_789;
export const DEFAULT_SUPERGROUP_ID = -1_001_234_567_890;
export const DEFAULT_CHANNEL_ID = -1_009_876_543_210;
/** Telegram's stand-in senders for messages posted on behalf of a chat. */
export const GROUP_ANONYMOUS_BOT: User = {
  id: 1_087_968_824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
};
export const CHANNEL_BOT: User = { id: 136_817_688, is_bot: true, first_name: "Channel", username: "Channel_Bot" };

export const user = (from?: Partial<User>): User => ({ ...DEFAULT_USER, ...from });

export function privateChat(from: User): Chat.PrivateChat {
  return {
    id: from.id,
    type: "private",
    first_name: from.first_name,
    ...(from.last_name ? { last_name: from.last_name } : {}),
    ...(from.username ? { username: from.username } : {}),
  };
}

export function groupChat(
  id: number,
  options: { title?: string; isForum?: boolean } = {},
): Chat.GroupChat | Chat.SupergroupChat {
  const title = options.title ?? "Video Makers";
  if (id <= -1_000_000_000_000) {
    return { id, type: "supergroup", title, ...(options.isForum ? { is_forum: true } : {}) };
  }
  return { id, type: "group", title };
}

/**
 * Entities Telegram derives from plain text: bot commands, @mentions, URLs, hashtags.
 * Offsets are JS string indices, i.e. UTF-16 code units, exactly as the Bot API counts them.
 */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const patterns: Array<[RegExp, "bot_command" | "mention" | "url" | "hashtag"]> = [
    [/(?<![\w/])\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z][a-zA-Z0-9_]{4,31})?(?![\w@])/g, "bot_command"],
    [/(?<![\w@/])@[a-zA-Z][a-zA-Z0-9_]{4,31}(?!\w)/g, "mention"],
    [/\bhttps?:\/\/[^\s]+/g, "url"],
    [/(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu, "hashtag"],
  ];
  for (const [pattern, type] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const offset = match.index ?? 0;
      // A mention inside a command ("/start@bot") belongs to the command.
      if (entities.some((entity) => offset >= entity.offset && offset < entity.offset + entity.length)) continue;
      entities.push({ type, offset, length: match[0].length });
    }
  }
  return entities.sort((a, b) => a.offset - b.offset);
}
