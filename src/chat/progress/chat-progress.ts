import { type Api, GrammyError, type RawApi } from "grammy/web";
import type { Config } from "../../config";
import { isChatAdmin } from "../../telegram/chat-admins";
import { cosmetic } from "../../telegram/retry-policy";
import { decoration, skipLogged } from "../../telegram/sender";
import type { Origin } from "../storage";

/** Reactions from Telegram's fixed list: seen, done, failed. */
export const REACTION = { seen: "👀", done: "👌", failed: "😢" } as const;
export type Reaction = (typeof REACTION)[keyof typeof REACTION];

export type ChatProgress = ReturnType<typeof createChatProgress>;

/**
 * The chat's signs of life that are decoration, not answers: reactions on the user's message and live
 * drafts (private chats). Each failure is logged and skipped; a chat that refuses reactions (a group's
 * permission) is not asked again by this object.
 */
export function createChatProgress(deps: {
  config: Config;
  api: Api<RawApi>;
  now: () => number;
  /** Runs a call unless the chat refused the bot (403), and marks it so when this call is refused. */
  reachable: <T>(call: () => Promise<T>) => Promise<T>;
}) {
  let reactionsRefused = false;
  /** The reaction this instance last set per message, so setting the same one again costs no call. */
  const shown = new Map<number, Reaction>();
  return {
    /** Sets the bot's reaction on the user's own message (none for button presses). */
    async react(origin: Origin, emoji: Reaction): Promise<void> {
      const messageId = origin.sourceMessageId;
      if (messageId === undefined || reactionsRefused || shown.get(messageId) === emoji) return;
      shown.set(messageId, emoji);
      if (shown.size > 100) shown.delete(shown.keys().next().value as number);
      const logSkipped = skipLogged(deps.config, "reaction");
      await cosmetic(
        () => deps.reachable(() => deps.api.setMessageReaction(origin.chatId, messageId, [{ type: "emoji", emoji }])),
        (error) => {
          logSkipped(error);
          // Refused once (no permission, an old message): the chat is spared further attempts. A network
          // blip is not a refusal.
          if (error instanceof GrammyError && error.error_code === 400) reactionsRefused = true;
        },
      );
    },

    /** Sends a private chat's live draft; plain text, so no outside string can become markup. */
    async draft(origin: Origin, draftId: number, text: string): Promise<void> {
      const thread = origin.threadId === undefined ? {} : { message_thread_id: origin.threadId };
      await decoration(deps.config, "draft", () =>
        deps.reachable(() => deps.api.sendMessageDraft(origin.chatId, draftId, text, thread)),
      );
    },

    isChatAdmin(chatId: number, userId: number): Promise<boolean> {
      return isChatAdmin(deps.api, chatId, userId, deps.now());
    },
  };
}

/** Telegram numbers private chats (users) positive, groups and channels negative. */
export function isPrivateChat(chatId: number): boolean {
  return chatId > 0;
}
