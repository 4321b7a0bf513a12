import type { Config } from "../../config";
import { t } from "../../i18n";
import type { ChatSender } from "../../telegram/sender";
import { decoration } from "../../telegram/sender";
import { isPrivateChat } from "../progress";
import { chatStorage, type Origin } from "../storage";

/** The group's one queue message while a queue lasts: `waiting` is the queue's length at the last change. */
type Notice = { messageId: number; waiting: number };

export type QueueNotice = ReturnType<typeof createQueueNotice>;

/**
 * "Queued #n" answers. Private chats get one each, as before. A group gets one message for the whole
 * queue: the first instruction that has to wait is answered (quoting it), the next ones edit that
 * message, at most once every GROUP_STATUS_EDIT_MS (the latest count wins), so a burst of members costs
 * one message instead of one each. A new queue after the old one emptied gets a new message.
 */
export function createQueueNotice(deps: {
  config: Config;
  storage: DurableObjectStorage;
  now: () => number;
  senderFor: (origin: Origin) => ChatSender;
}) {
  let lastEditAt = Number.NEGATIVE_INFINITY;
  let pending: { origin: Origin; notice: Notice } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const editNow = async () => {
    timer = undefined;
    const next = pending;
    pending = undefined;
    if (!next) return;
    lastEditAt = deps.now();
    const text = t(next.origin.lang).progress.queuedMany(next.notice.waiting);
    await decoration(deps.config, "queue_notice", () => deps.senderFor(next.origin).edit(next.notice.messageId, text));
  };

  return {
    async queued(origin: Origin, position: number): Promise<void> {
      const sender = deps.senderFor(origin);
      const existing = isPrivateChat(origin.chatId) ? undefined : await chatStorage(deps.storage).get("queueNotice");
      if (!existing) {
        const messageId = await sender.send(t(origin.lang).queued(position), { replyTo: origin.messageId });
        if (!isPrivateChat(origin.chatId))
          await chatStorage(deps.storage).put({ queueNotice: { messageId, waiting: position } });
        lastEditAt = deps.now();
        return;
      }
      const notice = { ...existing, waiting: position };
      await chatStorage(deps.storage).put({ queueNotice: notice });
      pending = { origin, notice };
      if (timer) return;
      const wait = lastEditAt + deps.config.GROUP_STATUS_EDIT_MS - deps.now();
      if (wait <= 0) return editNow();
      timer = setTimeout(() => void editNow(), wait);
    },

    /** The queue emptied: the next one that forms gets its own message. */
    async ended(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      await chatStorage(deps.storage).delete("queueNotice");
    },
  };
}
