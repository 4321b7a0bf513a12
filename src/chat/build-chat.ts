import type { Bot } from "grammy/web";
import type { Config } from "../config";
import { prepareChatHash } from "../log";
import { createNemoClient } from "../nemo/client";
import { createAnonymousTokenWatch } from "../operator/anonymous-tokens";
import { OperatorDesk } from "../operator/desk";
import { logTelegramCalls } from "../operator/telegram-log";
import type { Clock } from "../shared/clock";
import { createChatStore } from "../store/chat-record";
import { importTokenKeys } from "../store/crypto";
import { createTelegramApi } from "../telegram/api";
import { createBot } from "../telegram/bot";
import type { BotContext } from "../telegram/context";
import { ChatWork } from "./chat-work";
import { resolveBotInfo } from "./object";
import { createLatestMessage } from "./outgoing";

/** What the chat's object gives its parts: its platform handles and the few things only it can do. */
export type ChatObjectHandles = {
  config: Config;
  env: Env;
  storage: DurableObjectStorage;
  now: Clock;
  /** The clock the operator's daily quotas count days by. */
  quotaClock: Clock;
  /** Asks the object to run its alarm no later than this time (ms epoch). */
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  /** Deletes the object's storage and alarm and drops its parts (/forget). */
  wipeObject: () => Promise<void>;
};

/** One chat's parts, each built with everything it needs. */
export type ChatParts = {
  chatId: number;
  /** Access, quotas, /forget and admin commands (src/operator). */
  desk: OperatorDesk;
  /** Everything the chat does (chat-work.ts). */
  work: ChatWork;
  /** grammY's router of the chat's updates to the work's actions. */
  bot: Bot<BotContext>;
};

/**
 * Builds a chat's parts in the order they need each other: the operator's desk (its observed fetch and
 * quotas go into the work), the bot's identity and Telegram API, the work, then the bot that routes to it.
 */
export async function buildChat(handles: ChatObjectHandles, chatId: number): Promise<ChatParts> {
  const { config, env, now } = handles;
  await prepareChatHash(config, chatId);
  const desk = createDesk(handles, chatId);
  const nemo = createNemoClient({
    baseUrl: config.NEMO_API_BASE,
    fetch: desk.nemoFetch,
    now,
    skill: { source: config.SKILL_SOURCE, version: config.SKILL_VERSION, platform: config.SKILL_PLATFORM },
    readRetry: { delaysMs: config.NEMO_READ_RETRY_DELAYS_MS, sleep: (ms) => scheduler.wait(ms) },
  });
  const botInfo = await resolveBotInfo(config, handles.storage);
  const api = createTelegramApi(config);
  logTelegramCalls(api, config, chatId, now);
  const latestMessage = createLatestMessage(api, chatId);
  const work = new ChatWork({
    chatId,
    config,
    storage: handles.storage,
    store: createChatStore(env.CHATS_KV, { keys: () => tokenKeys(config), now }),
    nemo,
    api,
    latestMessage,
    botUsername: botInfo.username,
    newId: () => crypto.randomUUID(),
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    requestWake: handles.requestWake,
    runInBackground: handles.runInBackground,
    quotas: desk.quotaHooks,
    anonymousTokens: createAnonymousTokenWatch({
      config,
      stats: () => env.STATS.get(env.STATS.idFromName("stats")),
    }),
  });
  const bot = createBot(config, botInfo, work.actions, desk.middleware(work));
  logTelegramCalls(bot.api, config, chatId, now);
  return { chatId, desk, work, bot };
}

/** The operator's desk for a chat (chat id 0: an object blocked before it ever saw its chat). */
export function createDesk(handles: ChatObjectHandles, chatId: number): OperatorDesk {
  return new OperatorDesk({
    config: handles.config,
    chatId,
    storage: handles.storage,
    kv: handles.env.CHATS_KV,
    setBlockedElsewhere: (target, blocked) =>
      handles.env.CHAT.get(handles.env.CHAT.idFromName(target)).operatorSetBlocked(blocked),
    stats: handles.env.STATS,
    runInBackground: handles.runInBackground,
    now: handles.now,
    quotaClock: handles.quotaClock,
    wipeObject: handles.wipeObject,
  });
}

const keysByConfig = new WeakMap<Config, ReturnType<typeof importTokenKeys>>();

/** The token encryption keys, imported once per isolate. */
function tokenKeys(config: Config): ReturnType<typeof importTokenKeys> {
  let keys = keysByConfig.get(config);
  if (!keys) {
    keys = importTokenKeys(config);
    keysByConfig.set(config, keys);
  }
  return keys;
}
