import type { Update } from "grammy/types";
import type { Bot } from "grammy/web";
import { Context } from "grammy/web";
import type { ChatDurableObject } from "../chat/chat-do";
import type { Origin } from "../chat/storage";
import type { Config } from "../config";
import { hashChatId } from "../log";
import type { Clock } from "../shared/clock";
import { forgetAllButIdentity } from "../store/chat-record";
import { type Lang, langFromCode, t } from "../telegram/messages";
import { createChatSender } from "../telegram/sender";
import { ACCESS_KEYS, isAdmin, isAllowed } from "./access";
import { operatorCommands } from "./commands";
import { observeNemoFetch } from "./nemo-observer";
import { createQuotaHooks, type QuotaHooks } from "./quota-hooks";
import { createQuotas } from "./quotas";
import { createStatsReporter, type StatsDurableObject, type StatsReporter } from "./stats";
import { factsOf } from "./update-facts";

export type DeskDeps = {
  config: Config;
  chatId: number;
  storage: DurableObjectStorage;
  kv: KVNamespace;
  chats: DurableObjectNamespace<ChatDurableObject>;
  stats: DurableObjectNamespace<StatsDurableObject>;
  runInBackground: (promise: Promise<unknown>) => void;
  now: Clock;
  /** The clock the daily quotas count days by (the chat's clock; a test moves it past midnight). */
  quotaClock: Clock;
  /** Deletes the object's own storage and alarm and drops its in-memory work. */
  wipeObject: () => Promise<void>;
};

/** What the chat's work may be asked to do for the desk. */
export type DeskWork = {
  actions: {
    languageOf(languageCode: string | undefined): Promise<Lang>;
    say(origin: Origin, key: "unknownCommand"): Promise<void>;
    removedFromChat(): Promise<void>;
    reachableAgain(): Promise<void>;
  };
};

/** A user as the STATS object knows them: a SHA-256 prefix, not the Telegram id. */
async function userHash(userId: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`user:${userId}`)));
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** /forget is allowed once per this many seconds per user. */
const FORGET_EVERY_S = 24 * 60 * 60;
/** Report a chat as active at most this often. */
const ACTIVE_REPORT_MS = 60 * 60 * 1000;

/**
 * The operator's controls for one chat: who may use it (allowlists, /block), daily quotas, /forget,
 * the admin commands, and the observed NemoVideo fetch that feeds logs and /stats. The chat's Durable
 * Object asks it about every update before grammY sees it.
 */
export class OperatorDesk {
  readonly quotaHooks: QuotaHooks;
  readonly nemoFetch: typeof fetch;
  private readonly stats: StatsReporter;
  private lastActiveReport = 0;

  constructor(private readonly deps: DeskDeps) {
    const { config, storage } = deps;
    this.stats = createStatsReporter({
      namespace: deps.stats,
      chat: hashChatId(deps.chatId),
      runInBackground: deps.runInBackground,
    });
    const quotas = createQuotas({
      storage,
      limits: { turnsPerUser: config.DAILY_TURNS_PER_USER, rendersPerChat: config.DAILY_RENDERS_PER_CHAT },
      now: deps.quotaClock,
      sharedTurns: async (userId, day, limit) => {
        const stub = deps.stats.get(deps.stats.idFromName("stats"));
        return stub.takeUserTurn(await userHash(userId), day, limit);
      },
    });
    this.quotaHooks = createQuotaHooks(quotas);
    this.nemoFetch = observeNemoFetch({
      config,
      chatId: deps.chatId,
      fetch: (input, init) => fetch(input, init),
      now: deps.now,
      stats: this.stats,
      measureCredits: config.ADMIN_USER_IDS.length > 0,
      storage,
      runInBackground: deps.runInBackground,
      onRenderAccepted: () => quotas.countRender(),
    });
  }

  /**
   * Handles the update when it is the operator's business — refused, blocked, or an operator command —
   * and says how ("refused", "blocked", "operator"); undefined lets the chat's bot handle it.
   */
  async intercept(update: Record<string, unknown>, bot: Bot, work: DeskWork): Promise<string | undefined> {
    const { config, storage, chatId } = this.deps;
    const facts = factsOf(update, bot.botInfo);
    const adminHere = facts.chatType === "private" && isAdmin(config, facts.userId);
    if (!adminHere) {
      const blocked = (await storage.get(ACCESS_KEYS.blocked)) === true;
      if (blocked || !isAllowed(config, chatId, facts.userId)) {
        await this.refuseOnce(bot, facts, blocked);
        return blocked ? "blocked" : "refused";
      }
    }
    await this.reportActive();
    let passed = false;
    const ctx = new Context(update as unknown as Update, bot.api, bot.botInfo);
    await this.commands(work, bot).middleware()(ctx, async () => {
      passed = true;
    });
    return passed ? undefined : "operator";
  }

  /** /block and /unblock of this chat (called on this chat's object by an admin's). */
  async setBlocked(blocked: boolean, work: DeskWork | undefined): Promise<void> {
    const { storage } = this.deps;
    if (blocked) {
      await storage.put(ACCESS_KEYS.blocked, true);
      await storage.delete(ACCESS_KEYS.refused);
      // Whatever the chat had running stops now, so nothing more reaches it or NemoVideo.
      await work?.actions.removedFromChat();
    } else {
      await storage.delete([ACCESS_KEYS.blocked, ACCESS_KEYS.refused]);
      await work?.actions.reachableAgain();
    }
  }

  /** Everything the bot keeps about this chat: KV record, usage rows, the object's storage and alarm. */
  async forget(work: DeskWork | undefined): Promise<void> {
    await work?.actions.removedFromChat();
    // Issue 19.3: the project and the user's own token go; the anonymous identity stays (no fresh credits).
    await forgetAllButIdentity(this.deps.kv, this.deps.chatId);
    await this.stats.forgetChat().catch(() => undefined);
    await this.deps.wipeObject();
  }

  /**
   * Issue 19.3: /forget once a day per user (across chats), remembered in KV with a one-day expiry under
   * the user's hash; true when this user may forget now (and records that they did).
   */
  async claimForget(userId: number | undefined): Promise<boolean> {
    if (userId === undefined) return true;
    const key = `forget:${await userHash(userId)}`;
    if ((await this.deps.kv.get(key)) !== null) return false;
    await this.deps.kv.put(key, "1", { expirationTtl: FORGET_EVERY_S });
    return true;
  }

  private async refuseOnce(bot: Bot, facts: ReturnType<typeof factsOf>, blocked: boolean): Promise<void> {
    const { storage, chatId } = this.deps;
    if (!facts.speaksToBot || (await storage.get(ACCESS_KEYS.refused)) === true) return;
    // Remembered before sending: a failed send must not turn into a refusal per message.
    await storage.put(ACCESS_KEYS.refused, true);
    const texts = t(langFromCode(facts.languageCode)).operator;
    await createChatSender(bot.api, { chatId }).send(blocked ? texts.blocked : texts.notAllowed);
  }

  /** At most hourly per chat, and awaited, so an admin's own /stats already counts their chat. */
  private async reportActive(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastActiveReport < ACTIVE_REPORT_MS) return;
    this.lastActiveReport = now;
    await this.stats.reportNow("active");
  }

  private commands(work: DeskWork, bot: Bot) {
    const { config, chats } = this.deps;
    return operatorCommands({
      config,
      now: this.deps.now,
      originOf: async (ctx) => ({
        chatId: this.deps.chatId,
        messageId: ctx.chat?.type === "private" ? undefined : ctx.msg?.message_id,
        userId: ctx.from?.id,
        threadId: ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined,
        lang: await work.actions.languageOf(ctx.from?.language_code),
        languageCode: ctx.from?.language_code,
      }),
      senderFor: (origin) => createChatSender(bot.api, { chatId: origin.chatId, threadId: origin.threadId }),
      unknownCommand: (origin) => work.actions.say(origin, "unknownCommand"),
      stats: () => this.deps.stats.get(this.deps.stats.idFromName("stats")).summary(),
      setBlocked: async (target, blocked) => {
        await chats.get(chats.idFromName(target)).operatorSetBlocked(blocked);
      },
      forget: () => this.forget(work),
      claimForget: (userId) => this.claimForget(userId),
    });
  }
}
