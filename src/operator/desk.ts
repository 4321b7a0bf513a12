import type { Context, Middleware } from "grammy/web";
import type { Origin } from "../chat/storage";
import type { Config } from "../config";
import { hashChatId } from "../log";
import type { Clock } from "../shared/clock";
import { forgetAllButIdentity } from "../store/chat-record";
import type { BotContext } from "../telegram/context";
import { ACCESS_KEYS } from "./access";
import { operatorCommands } from "./commands";
import { accessGate } from "./gate";
import { observeNemoFetch } from "./nemo-observer";
import { createQuotaHooks, type QuotaHooks } from "./quota-hooks";
import { createQuotas } from "./quotas";
import { createStatsReporter, type StatsDurableObject, type StatsReporter } from "./stats";

export type DeskDeps = {
  config: Config;
  chatId: number;
  storage: DurableObjectStorage;
  kv: KVNamespace;
  /** An admin's /block or /unblock of another chat, carried out by that chat's own object. */
  setBlockedElsewhere(chatId: string, blocked: boolean): Promise<void>;
  stats: DurableObjectNamespace<StatsDurableObject>;
  runInBackground: (promise: Promise<unknown>) => void;
  now: Clock;
  /** The clock the daily quotas count days by (the chat's clock; a test moves it past midnight). */
  quotaClock: Clock;
  /** Deletes the object's own storage and alarm and drops its in-memory work. */
  wipeObject: () => Promise<void>;
};

/** The operator's middleware for the chat's bot: the access gate first, the commands once `ctx.origin` is set. */
export type OperatorMiddleware = {
  gate: Middleware<Context>;
  commands: Middleware<BotContext>;
};

/** What the chat's work may be asked to do for the desk. */
export type DeskWork = {
  actions: {
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
 * the admin commands, and the observed NemoVideo fetch that feeds logs and /stats. Its access gate and
 * commands are middleware of the chat's bot (`middleware`), so every update passes them first.
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

  /** The gate and the commands, for the chat's bot to install (src/telegram/bot.ts). */
  middleware(work: DeskWork): OperatorMiddleware {
    const { config, storage, chatId } = this.deps;
    return {
      gate: accessGate({ config, storage, chatId, admitted: () => this.reportActive() }),
      commands: this.commands(work),
    };
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

  /** At most hourly per chat, and awaited, so an admin's own /stats already counts their chat. */
  private async reportActive(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastActiveReport < ACTIVE_REPORT_MS) return;
    this.lastActiveReport = now;
    await this.stats.reportNow("active");
  }

  private commands(work: DeskWork): Middleware<BotContext> {
    const { config } = this.deps;
    return operatorCommands({
      config,
      now: this.deps.now,
      unknownCommand: (origin) => work.actions.say(origin, "unknownCommand"),
      stats: () => this.deps.stats.get(this.deps.stats.idFromName("stats")).summary(),
      setBlocked: (target, blocked) => this.deps.setBlockedElsewhere(target, blocked),
      forget: () => this.forget(work),
      claimForget: (userId) => this.claimForget(userId),
    });
  }
}
