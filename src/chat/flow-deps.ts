import type { Api, RawApi } from "grammy/web";
import type { Config } from "../config";
import type { NemoClient } from "../nemo/client";
import type { QuotaHooks } from "../operator/quota-hooks";
import type { Clock } from "../shared/clock";
import type { ChatStore } from "../store/chat-record";
import type { ChatSender } from "../telegram/sender";
import type { LatestMessage } from "./outgoing";
import type { NemoSession } from "./session";
import type { Origin } from "./storage";

/** What the chat's long-running flows (media intake, renders) get from the chat's work (chat-work.ts). */
export type ChatFlowDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  newId: () => string;
  /** Asks the object to run its tick no later than this time (ms epoch). */
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  senderFor: (origin: Origin) => ChatSender;
  api: Api<RawApi>;
  /** The newest message id seen in the chat (outgoing/latest-message.ts), if any since the object started. */
  latestMessageId: () => number | undefined;
};

/** What one chat's work is built with (build-chat.ts gives it; chat-work.ts wires its parts from it). */
export type ChatWorkDeps = {
  chatId: number;
  config: Config;
  storage: DurableObjectStorage;
  store: ChatStore;
  nemo: NemoClient;
  /** The bot's Telegram API (with its retry and logging transformers) and its @username. */
  api: Api<RawApi>;
  /** The newest message id seen in the chat, noted from the API's results and from incoming updates. */
  latestMessage: LatestMessage;
  botUsername: string;
  newId: () => string;
  now: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Asks the object to run `tick` no later than this time (ms epoch). */
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  /** The operator's daily limits (src/operator); absent = none. */
  quotas?: QuotaHooks;
  /** The shared watch over the anonymous-token cap (src/operator/anonymous-tokens.ts). */
  anonymousTokens?: { refused(): Promise<void>; issued(): Promise<void> };
};
