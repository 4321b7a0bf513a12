import { badRequest } from "../errors.js";
import { optionalArray, optionalInt, optionalString, requireInt } from "../params.js";
import type { MethodHandler } from "../state.js";
import { targetChat } from "./common.js";

/**
 * The methods of Telegram's progress tools (issue 18): a reaction on a message, a live draft in a private
 * chat, and a chat member's status (the bot checks whether the person pressing Stop is an admin).
 */

/** Telegram's fixed list of reaction emoji a bot may set (ReactionTypeEmoji); ✅ is not on it. */
export const REACTION_EMOJI = new Set(
  "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡".split(
    " ",
  ),
);

const DRAFT_TEXT_LIMIT = 4096;

const setMessageReaction: MethodHandler = ({ state, params }) => {
  const chat = targetChat(state, params);
  const messageId = requireInt(params, "message_id");
  const reaction = optionalArray(params, "reaction") ?? [];
  if (reaction.length > 1) throw badRequest("REACTIONS_TOO_MANY");
  const first = reaction[0] as { type?: unknown; emoji?: unknown } | undefined;
  let emoji: string | undefined;
  if (first !== undefined) {
    if (first?.type !== "emoji" || typeof first.emoji !== "string" || !REACTION_EMOJI.has(first.emoji)) {
      throw badRequest("REACTION_INVALID");
    }
    emoji = first.emoji;
  }
  // A group that does not let the bot react (can_react_to_messages, Bot API 10.0) refuses every reaction.
  if (state.reactionsRefused.has(chat.id)) throw badRequest("REACTION_INVALID");
  if (!state.chats.setReaction(chat.id, messageId, emoji)) throw badRequest("MESSAGE_ID_INVALID");
  return true;
};

const sendMessageDraft: MethodHandler = ({ state, params }) => {
  const chat = targetChat(state, params);
  if (chat.type !== "private") throw badRequest("TEXTDRAFT_PEER_INVALID");
  const draftId = optionalInt(params, "draft_id");
  if (!draftId) throw badRequest("draft_id must be non-zero");
  const text = optionalString(params, "text") ?? "";
  if (text.length > DRAFT_TEXT_LIMIT) throw badRequest("message is too long");
  state.chats.setDraft(chat.id, draftId, text, Date.now());
  return true;
};

export const progressMethods: Record<string, MethodHandler> = { setMessageReaction, sendMessageDraft };
