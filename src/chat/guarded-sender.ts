import { GrammyError } from "grammy/web";
import { type ChatSender, ChatUnreachableError, type Destination } from "../telegram/sender";
import type { GroupPace } from "./progress";
import type { Reachability } from "./reachability";

export type TelegramGuard = {
  /** Runs one call to Telegram for the chat unless it is unreachable; a refusal (403) marks it so. */
  reachable<T>(chatId: number, call: () => Promise<T>): Promise<T>;
  /** The sender with every call guarded, and sends and edits paced to a group's per-minute limit. */
  guarded(destination: Destination, sender: ChatSender): ChatSender;
};

/**
 * Any refusal to deliver marks the chat unreachable, so nothing keeps pushing to it: the first 403 stops
 * the calls already under way, and `refused` stops the chat's work (turns, renders, uploads, outbox).
 */
export function createTelegramGuard(deps: {
  reachability: Pick<Reachability, "isUnreachable">;
  pace: Pick<GroupPace, "paced">;
  refused: () => Promise<void>;
}): TelegramGuard {
  const reachable = async <T>(chatId: number, call: () => Promise<T>): Promise<T> => {
    if (await deps.reachability.isUnreachable()) throw new ChatUnreachableError(chatId);
    try {
      return await call();
    } catch (error) {
      const refused =
        error instanceof ChatUnreachableError || (error instanceof GrammyError && error.error_code === 403);
      if (!refused) throw error;
      await deps.refused();
      throw error instanceof ChatUnreachableError ? error : new ChatUnreachableError(chatId);
    }
  };
  return {
    reachable,
    guarded: (destination, sender) => {
      const guard = <T>(call: () => Promise<T>): Promise<T> => reachable(destination.chatId, call);
      return {
        // Sends and edits count against a group's per-minute limit: they wait for room instead of a 429.
        send: (html, options) => guard(() => deps.pace.paced(() => sender.send(html, options))),
        edit: (id, html, options) => guard(() => deps.pace.paced(() => sender.edit(id, html, options))),
        remove: (id) => guard(() => sender.remove(id)),
        action: (action) => guard(() => sender.action(action)),
        answerCallback: (id, text) => sender.answerCallback(id, text),
      };
    },
  };
}
