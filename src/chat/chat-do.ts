import { DurableObject } from "cloudflare:workers";
import type { UserFromGetMe } from "grammy/types";
import type { Bot } from "grammy/web";
import { type Config, configFrom } from "../config";
import { t } from "../i18n";
import { logEvent, prepareChatHash } from "../log";
import { createNemoClient, type NemoClient } from "../nemo/client";
import { createAnonymousTokenWatch } from "../operator/anonymous-tokens";
import { OperatorDesk } from "../operator/desk";
import { logTelegramCalls } from "../operator/telegram-log";
import { routeOf } from "../operator/update-facts";
import { redact } from "../shared/redact";
import { createChatStore } from "../store/chat-record";
import { importTokenKeys } from "../store/crypto";
import { createBot } from "../telegram/bot";
import type { BotContext } from "../telegram/context";
import { handleUpdate } from "../telegram/outcome";
import { ChatUnreachableError } from "../telegram/sender";
import { chatIdOfUpdate } from "../telegram/update-routing";
import { resolveBotInfo } from "./bot-info";
import { ChatWork } from "./chat-work";
import { createInbox, type Inbox } from "./inbox";
import { chatStorage, createSerial, ITEM_SCHEMAS, KEYS, migrateStorage } from "./storage";

/** How many update ids a chat remembers to ignore Telegram's redeliveries. */
const SEEN_LIMIT = 500;

/**
 * One per chat. The Worker hands it each update through `accept`, which records it durably and returns
 * at once; the updates are then handled in order by `drain`, and long work (agent turns, uploads,
 * renders) runs in `ChatWork`, resumed by the alarm after an eviction.
 */
export class ChatDurableObject extends DurableObject<Env> {
  private readonly config: Config;
  private draining: Promise<void> | undefined;
  /** Serialises every read-modify-write of the inbox and the seen list. */
  private readonly inboxChange = createSerial();
  private work: ChatWork | undefined;
  private bot: Bot<BotContext> | undefined;
  /** Access, quotas, /forget and admin commands (src/operator); created with the work. */
  private desk: OperatorDesk | undefined;
  private chatId: number | undefined;
  /** Set by every kick and cleared each time the drain looks at the inbox (see kick). */
  private kicked = false;

  /** Waiting updates, one key each, capped (inbox.ts). */
  private readonly inbox: Inbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFrom(env);
    this.inbox = createInbox(ctx.storage, () => this.config.INBOX_LIMIT);
    // Before any update, alarm or call: values of an older layout are brought to the current one.
    void ctx.blockConcurrencyWhile(() =>
      migrateStorage(ctx.storage).catch((error) => this.logError("storage_migration", error)),
    );
  }

  /** Records an update (ignoring redeliveries) and wakes the chat. Never calls NemoVideo or Telegram. */
  async accept(update: Record<string, unknown>): Promise<{ duplicate: boolean }> {
    const parsed = ITEM_SCHEMAS.inbox.safeParse(update);
    if (!parsed.success) return { duplicate: false };
    const updateId = parsed.data.update_id;
    // Telegram's redeliveries arrive concurrently: the check and the record run one at a time, so exactly
    // one of them records the update.
    const recorded = await this.inboxChange(async () => {
      const seen = (await chatStorage(this.ctx.storage).get("seen")) ?? [];
      if (seen.includes(updateId)) return false;
      seen.push(updateId);
      // A full inbox drops the update (still answered 200: a redelivery would only add to the flood).
      await this.inbox.add(parsed.data, { [KEYS.seen]: seen.slice(-SEEN_LIMIT) });
      return true;
    });
    if (!recorded) return { duplicate: true };
    await this.ensureAlarmWithin(this.config.WATCHDOG_INTERVAL_MS);
    this.kick();
    return { duplicate: false };
  }

  override async alarm(): Promise<void> {
    await this.ready();
    this.kick();
    const work = await this.chatWork();
    if (work) await work.tick();
    await this.scheduleNext();
  }

  /**
   * Starts draining the inbox unless a drain is already running in this instance. The drain starts on a
   * later task: started at once, its storage steps and the update's handling ran before accept's answer
   * left the object and made the webhook's 200 wait for them (3.1 → 2.1 ms p50 in bench/ack.ts). The
   * update is already durable and the watchdog alarm set, so an instance that dies first loses nothing.
   */
  private kick(): void {
    this.kicked = true;
    if (this.draining) return;
    this.draining = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      // A kick that lands after the drain last looked at the inbox (while it finishes up) would otherwise
      // leave that update to the watchdog alarm: look again.
      while (this.kicked) await this.drain();
    })()
      .catch((error) => this.logError("drain", error))
      .finally(() => {
        this.draining = undefined;
      });
    this.ctx.waitUntil(this.draining);
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.kicked = false;
      const head = await this.inboxChange(() => this.inbox.head());
      if (!head) break;
      const next = head.update;
      const started = Date.now();
      let outcome = "handled";
      try {
        outcome = (await this.handle(next)) ?? outcome;
      } catch (error) {
        outcome = error instanceof ChatUnreachableError ? "unreachable" : "failed";
        this.logError("update", error);
      }
      await this.inboxChange(() => this.inbox.remove(head.key));
      logEvent(this.config, "info", {
        event: "handled",
        chat: this.chatId,
        updateId: next.update_id,
        route: routeOf(next),
        outcome,
        ms: Date.now() - started,
      });
    }
    await this.noticeOverflow();
    await this.scheduleNext();
  }

  /** Caught up after dropping updates for a full inbox: say so once, so nobody waits for a lost request. */
  private async noticeOverflow(): Promise<void> {
    if (!this.work || this.chatId === undefined) return;
    if (!(await this.inboxChange(() => this.inbox.takeOverflow()))) return;
    const lang = await this.work.languageOf(undefined);
    await this.work
      .senderFor({ chatId: this.chatId })
      .send(t(lang).inboxFull)
      .catch((error) => this.logError("overflow_notice", error));
  }

  /** Handles one update; returns how when the operator desk took it (refused, blocked, operator). */
  private async handle(update: Record<string, unknown> & { update_id: number }): Promise<string | undefined> {
    const work = await this.chatWork(update);
    if (!work) return "no chat";
    const bot = await this.botFor(work);
    return work.handling(update, () => handleUpdate(bot, update as unknown as Parameters<Bot["handleUpdate"]>[0]));
  }

  private async botFor(work: ChatWork): Promise<Bot<BotContext>> {
    if (!this.bot) {
      const botInfo: UserFromGetMe = await resolveBotInfo(this.config, this.ctx.storage);
      this.bot = createBot(this.config, botInfo, work.actions, this.desk?.middleware(work));
      if (this.chatId !== undefined) logTelegramCalls(this.bot.api, this.config, this.chatId);
      work.attachApi(this.bot.api, botInfo.username);
    }
    return this.bot;
  }

  /** The chat's work engine, created once the chat id is known (from the first update, then storage). */
  private async chatWork(update?: Record<string, unknown>): Promise<ChatWork | undefined> {
    if (this.work) return this.work;
    let chatId = await chatStorage(this.ctx.storage).get("chatId");
    if (chatId === undefined && update) {
      chatId = chatIdOfUpdate(update);
      if (chatId !== undefined) await chatStorage(this.ctx.storage).put({ chatId });
    }
    if (chatId === undefined) return undefined;
    await prepareChatHash(this.config, chatId);
    this.chatId = chatId;
    this.desk = this.deskFor(chatId);
    await this.desk.ready();
    const nemo: NemoClient = createNemoClient({
      baseUrl: this.config.NEMO_API_BASE,
      fetch: this.desk.nemoFetch,
      skill: {
        source: this.config.SKILL_SOURCE,
        version: this.config.SKILL_VERSION,
        platform: this.config.SKILL_PLATFORM,
      },
      readRetry: { delaysMs: this.config.NEMO_READ_RETRY_DELAYS_MS, sleep: (ms) => scheduler.wait(ms) },
    });
    this.work = new ChatWork({
      chatId,
      config: this.config,
      storage: this.ctx.storage,
      store: createChatStore(this.env.CHATS_KV, { keys: () => tokenKeys(this.config) }),
      nemo,
      newId: () => crypto.randomUUID(),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      requestWake: (atMs) => this.ensureAlarmAt(atMs),
      runInBackground: (promise) => this.ctx.waitUntil(promise),
      quotas: this.desk.quotaHooks,
      anonymousTokens: createAnonymousTokenWatch({
        config: this.config,
        stats: () => this.env.STATS.get(this.env.STATS.idFromName("stats")),
      }),
    });
    if (this.bot) this.work.attachApi(this.bot.api, this.bot.botInfo.username);
    else await this.botFor(this.work);
    return this.work;
  }

  private async ready(): Promise<void> {
    await this.chatWork();
  }

  /** Sets the alarm for the earliest due work, plus a watchdog while anything is active. */
  private async scheduleNext(): Promise<void> {
    const work = this.work;
    const waiting = await this.inboxChange(() => this.inbox.size());
    const due = work ? await work.nextWakeAt() : undefined;
    const watchdog =
      waiting > 0 || (work && (await work.isActive())) ? Date.now() + this.config.WATCHDOG_INTERVAL_MS : undefined;
    const at = [due, watchdog].filter((value): value is number => value !== undefined).sort((a, b) => a - b)[0];
    if (at === undefined) return;
    // Only ever bring a pending alarm forward: one moved later can still fire at its old time (workerd then
    // cancels or runs it and warns of the mismatch), and an early alarm is harmless, as it reschedules.
    await this.ensureAlarmAt(at);
  }

  private async ensureAlarmWithin(ms: number): Promise<void> {
    await this.ensureAlarmAt(Date.now() + ms);
  }

  private async ensureAlarmAt(at: number): Promise<void> {
    // Compared after clamping: a wake already due must not push back an alarm that is itself overdue.
    const target = Math.max(at, Date.now() + 1);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > target) await this.ctx.storage.setAlarm(target);
  }

  private logError(where: string, error: unknown): void {
    logEvent(this.config, "error", {
      event: "error",
      where,
      error: error instanceof Error ? error.name : typeof error,
      detail:
        error instanceof Error
          ? redact(error.message, [this.config.BOT_TOKEN, this.config.WEBHOOK_SECRET, this.config.NEMO_TOKEN])
          : undefined,
    });
  }

  // --- test and operator hooks (RPC) -------------------------------------------------------------

  /** Runs the alarm handler now, beside the real alarm: tests use it to prove a doubled alarm is harmless. */
  async runAlarmNow(): Promise<void> {
    await this.alarm();
  }

  /** Deletes everything this object stores about its chat (used by /forget and tests). */
  async forgetEverything(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.work = undefined;
    this.bot = undefined;
    this.desk = undefined;
  }

  /** An admin's /block or /unblock of this chat, sent by the admin's own chat object. */
  async operatorSetBlocked(blocked: boolean): Promise<void> {
    const work = await this.chatWork();
    await (this.desk ?? this.bareDesk()).setBlocked(blocked, work);
  }

  /** Test and operator inspection: which keys this object stores and whether an alarm is set. */
  async operatorInspect(): Promise<{ keys: string[]; alarm: number | null }> {
    return { keys: [...(await this.ctx.storage.list()).keys()], alarm: await this.ctx.storage.getAlarm() };
  }

  /** Test-only: shifts this chat's quota clock by `ms` (e.g. past UTC midnight) without waiting. */
  async operatorShiftClock(ms: number): Promise<void> {
    await this.chatWork();
    await (this.desk ?? this.bareDesk()).shiftClock(ms);
  }

  /** A desk for an object that has never seen its chat (blocked before its first update). */
  private bareDesk(): OperatorDesk {
    return this.deskFor(0);
  }

  private deskFor(chatId: number): OperatorDesk {
    return new OperatorDesk({
      config: this.config,
      chatId,
      storage: this.ctx.storage,
      kv: this.env.CHATS_KV,
      setBlockedElsewhere: (target, blocked) =>
        this.env.CHAT.get(this.env.CHAT.idFromName(target)).operatorSetBlocked(blocked),
      stats: this.env.STATS,
      runInBackground: (promise) => this.ctx.waitUntil(promise),
      wipeObject: () => this.forgetEverything(),
    });
  }
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
