import { type Api, GrammyError, type RawApi } from "grammy/web";
import type { Config } from "../../config";
import type { Clock } from "../../shared/clock";
import { isChatAdmin } from "../../telegram/chat-admins";
import {
  answerPolicy,
  type ChatSender,
  ChatUnreachableError,
  createChatSender,
  type Destination,
} from "../../telegram/sender";
import { type ChatProgress, createChatProgress, createGroupPace, type GroupPace, isPrivateChat } from "../progress";
import type { Origin } from "../storage";
import type { LatestMessage } from "./latest-message";
import { createOutbox, type Outbox } from "./outbox";
import type { Reachability } from "./reachability";

/** How the chat talks to Telegram: every sender guarded and paced, answers Telegram did not take kept. */
export type ChatSenders = {
  /** The chat's sender: answers retried in place (ANSWER_RETRY_DELAYS_MS), then kept in the outbox. */
  senderFor(origin: Pick<Origin, "chatId" | "threadId">): ChatSender;
  /**
   * A sender to a member's private chat, for what only they may see (a group's claim link). Not guarded:
   * a member who never started the bot refuses with 403, which says nothing about this chat.
   */
  privateSender(userId: number): ChatSender;
  /** Whether the person behind `origin` may change the whole chat (see chat-admins.ts). */
  mayChangeChat(origin: Pick<Origin, "chatId" | "userId">): Promise<boolean>;
  /** Answers Telegram did not take after every retry, sent again by the alarm (outbox.ts). */
  outbox: Outbox;
  /** Reactions, drafts and the admin check of the Stop button (issue 18). */
  progress: ChatProgress;
  /** Keeps a group under Telegram's messages-per-minute limit (issue 18). */
  pace: GroupPace;
};

export type ChatSendersDeps = {
  chatId: number;
  config: Config;
  storage: DurableObjectStorage;
  api: Api<RawApi>;
  now: Clock;
  newId: () => string;
  sleep: (ms: number) => Promise<void>;
  requestWake: (atMs: number) => Promise<void>;
  reachability: Pick<Reachability, "isUnreachable">;
  /** The chat's message ids as far as known: finds an answer whose reply was lost instead of resending it. */
  latestMessage: Pick<LatestMessage, "findLanded">;
  /** Stops the chat's work when Telegram refuses it (ChatWork.markUnreachable). */
  refused: () => Promise<void>;
};

export function createChatSenders(deps: ChatSendersDeps): ChatSenders {
  const { api, chatId, config } = deps;
  const pace = createGroupPace({
    limit: isPrivateChat(chatId) ? 0 : config.GROUP_MESSAGES_PER_MINUTE,
    windowMs: config.GROUP_RATE_WINDOW_MS,
    now: deps.now,
    sleep: deps.sleep,
  });
  const guard = createTelegramGuard({ reachability: deps.reachability, pace, refused: deps.refused });
  const outbox = createOutbox({
    config,
    storage: deps.storage,
    now: deps.now,
    newId: deps.newId,
    requestWake: deps.requestWake,
    senderOnce: (destination) => guard.guarded(destination, createChatSender(api, destination)),
  });
  const progress = createChatProgress({
    config,
    api,
    now: deps.now,
    // Reactions and drafts obey the same rule as sends: a 403 stops everything for the chat.
    reachable: (call) => guard.reachable(chatId, call),
  });
  return {
    senderFor(origin) {
      const destination = { chatId: origin.chatId, threadId: origin.threadId };
      const policy = {
        ...answerPolicy(config, deps.sleep, origin.chatId),
        ...(origin.chatId === chatId ? { findLanded: deps.latestMessage.findLanded } : {}),
      };
      return outbox.deferring(guard.guarded(destination, createChatSender(api, destination, policy)), destination);
    },
    privateSender: (userId) => createChatSender(api, { chatId: userId }),
    async mayChangeChat(origin) {
      if (origin.chatId > 0) return true;
      if (origin.userId === undefined) return false;
      return isChatAdmin(api, origin.chatId, origin.userId, deps.now());
    },
    outbox,
    progress,
    pace,
  };
}

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
function createTelegramGuard(deps: {
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
