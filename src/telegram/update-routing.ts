import { isRecord } from "../shared/is-record";
/**
 * Which chat an incoming update belongs to, read without trusting its shape: the webhook must never crash
 * on a malformed update, and every update of one chat must reach the same Durable Object.
 */
export function chatIdOfUpdate(update: Record<string, unknown>): number | undefined {
  for (const key of [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "my_chat_member",
    "chat_member",
  ]) {
    const id = chatIdOf(update[key]);
    if (id !== undefined) return id;
  }
  const callback = update.callback_query;
  if (isRecord(callback)) {
    return chatIdOf(callback.message) ?? numericId(isRecord(callback.from) ? callback.from.id : undefined);
  }
  return undefined;
}

/** The update_id when it is a safe non-negative integer. */
export function updateIdOf(update: Record<string, unknown>): number | undefined {
  const id = update.update_id;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

function chatIdOf(value: unknown): number | undefined {
  if (!isRecord(value) || !isRecord(value.chat)) return undefined;
  return numericId(value.chat.id);
}

function numericId(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}
