import type { Chat, Message, Update } from "@grammyjs/types";

/** The update's type: the name of its one payload field ("message", "callback_query", …). */
export function updateType(update: Partial<Update>): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

/** The message an update carries, if any (new or edited, private, group or channel). */
export function updateMessage(update: Partial<Update>): Message | undefined {
  return update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post;
}

/** The chat an update belongs to; Telegram serialises webhook delivery per chat. */
export function updateChat(update: Partial<Update>): Chat | undefined {
  return (
    updateMessage(update)?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat ??
    update.chat_join_request?.chat ??
    update.message_reaction?.chat
  );
}

/** Key for the per-chat delivery queue; updates without a chat queue per sender. */
export function deliveryKey(update: Partial<Update>): string {
  const chat = updateChat(update);
  if (chat) return `chat:${chat.id}`;
  const from = update.callback_query?.from ?? update.inline_query?.from ?? update.chosen_inline_result?.from;
  return from ? `user:${from.id}` : `update:${update.update_id}`;
}

/** Types left out when allowed_updates is empty or unset (Bot API §setWebhook). */
export const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export function isAllowed(update: Partial<Update>, allowed: readonly string[]): boolean {
  const type = updateType(update);
  return allowed.length > 0 ? allowed.includes(type) : !OPT_IN_UPDATES.has(type);
}
