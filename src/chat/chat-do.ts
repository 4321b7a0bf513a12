import { DurableObject } from "cloudflare:workers";
import type { Bot } from "grammy/web";
import { type Config, configFrom } from "../config";
import { t } from "../i18n";
import { logEvent } from "../log";
import { routeOf } from "../operator/update-facts";
import { type Clock, systemClock } from "../shared/clock";
import { redact } from "../shared/redact";
import { handleUpdate } from "../telegram/outcome";
import { ChatUnreachableError } from "../telegram/sender";
import { chatIdOfUpdate } from "../telegram/update-routing";
import { buildChat, type ChatObjectHandles, type ChatParts, createDesk } from "./build-chat";
import type { ChatWork } from "./chat-work";
import { createInbox, createWakeSchedule, type Inbox, type WakeSchedule } from "./object";
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
  /** The one clock the chat reads (created here, at the edge, and passed to every part). */
  protected readonly clock: Clock = systemClock;
  private draining: Promise<void> | undefined;
  /** Serialises every read-modify-write of the inbox and the seen list. */
  private readonly inboxChange = createSerial();
  /** The chat's desk, work and bot, built once the chat id is known (build-chat.ts). */
  private parts: ChatParts | undefined;
  /** The build under way, shared: the alarm and the drain may both ask for the parts at once. */
  private building: Promise<ChatParts> | undefined;
  /** Set by every kick and cleared each time the drain looks at the inbox (see kick). */
  private kicked = false;

  /** Waiting updates, one key each, capped (inbox.ts). */
  private readonly inbox: Inbox;
  private readonly wake: WakeSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configFrom(env);
    this.inbox = createInbox(ctx.storage, () => this.config.INBOX_LIMIT);
    // Before any update, alarm or call: values of an older layout are brought to the current one.
    void ctx.blockConcurrencyWhile(() =>
      migrateStorage(ctx.storage).catch((error) => this.logError("storage_migration", error)),
    );
    this.wake = createWakeSchedule({
      storage: ctx.storage,
      now: () => this.clock(),
      watchdogMs: () => this.config.WATCHDOG_INTERVAL_MS,
    });
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
    await this.wake.ensureAt(this.clock() + this.config.WATCHDOG_INTERVAL_MS);
    this.kick();
    return { duplicate: false };
  }

  override async alarm(): Promise<void> {
    // Built before the drain starts, so the drain and the tick share the chat's parts.
    const work = await this.chatWork();
    this.kick();
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
      const started = this.clock();
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
        chat: this.parts?.chatId,
        updateId: next.update_id,
        route: routeOf(next),
        outcome,
        ms: this.clock() - started,
      });
    }
    await this.noticeOverflow();
    await this.scheduleNext();
  }

  /** Caught up after dropping updates for a full inbox: say so once, so nobody waits for a lost request. */
  private async noticeOverflow(): Promise<void> {
    if (!this.parts) return;
    const { work, chatId } = this.parts;
    if (!(await this.inboxChange(() => this.inbox.takeOverflow()))) return;
    const lang = await work.languageOf(undefined);
    await work
      .senderFor({ chatId })
      .send(t(lang).inboxFull)
      .catch((error) => this.logError("overflow_notice", error));
  }

  /** Handles one update; returns how when the operator desk took it (refused, blocked, operator). */
  private async handle(update: Record<string, unknown> & { update_id: number }): Promise<string | undefined> {
    await this.chatWork(update);
    if (!this.parts) return "no chat";
    const { work, bot } = this.parts;
    return work.handling(update, () => handleUpdate(bot, update as unknown as Parameters<Bot["handleUpdate"]>[0]));
  }

  /** The chat's work, its parts built once the chat id is known (from the first update, then storage). */
  private async chatWork(update?: Record<string, unknown>): Promise<ChatWork | undefined> {
    if (this.parts) return this.parts.work;
    let chatId = await chatStorage(this.ctx.storage).get("chatId");
    if (chatId === undefined && update) {
      chatId = chatIdOfUpdate(update);
      if (chatId !== undefined) await chatStorage(this.ctx.storage).put({ chatId });
    }
    if (chatId === undefined) return undefined;
    return (await this.partsFor(chatId)).work;
  }

  /** Builds the chat's parts once, however many ask while the build runs. */
  private partsFor(chatId: number): Promise<ChatParts> {
    if (this.parts) return Promise.resolve(this.parts);
    this.building ??= buildChat(this.handles(), chatId)
      .then((parts) => {
        this.parts = parts;
        return parts;
      })
      .finally(() => {
        this.building = undefined;
      });
    return this.building;
  }

  /** What the chat's parts get from the object (build-chat.ts). */
  private handles(): ChatObjectHandles {
    return {
      config: this.config,
      env: this.env,
      storage: this.ctx.storage,
      now: () => this.clock(),
      quotaClock: () => this.quotaNow(),
      requestWake: (atMs) => this.wake.ensureAt(atMs),
      runInBackground: (promise) => this.ctx.waitUntil(promise),
      wipeObject: () => this.forgetEverything(),
    };
  }

  /** The time the operator's daily quotas count days by: the chat's clock (a test subclass moves it). */
  protected quotaNow(): number {
    return this.clock();
  }

  /** Sets the alarm for the earliest due work, plus a watchdog while anything is active. */
  private async scheduleNext(): Promise<void> {
    const work = this.parts?.work;
    const waiting = await this.inboxChange(() => this.inbox.size());
    const due = work ? await work.nextWakeAt() : undefined;
    await this.wake.next(due, waiting > 0 || (work !== undefined && (await work.isActive())));
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

  // --- operator hooks (RPC; the test-only ones are in test/support/worker/chat-do-testing.ts) ---------------

  /** Deletes everything this object stores about its chat (used by /forget and tests). */
  async forgetEverything(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.parts = undefined;
  }

  /** An admin's /block or /unblock of this chat, sent by the admin's own chat object. */
  async operatorSetBlocked(blocked: boolean): Promise<void> {
    const work = await this.chatWork();
    // A desk for an object that has never seen its chat (blocked before its first update).
    const desk = this.parts?.desk ?? createDesk(this.handles(), 0);
    await desk.setBlocked(blocked, work);
  }

  /** Test and operator inspection: which keys this object stores and whether an alarm is set. */
  async operatorInspect(): Promise<{ keys: string[]; alarm: number | null }> {
    return { keys: [...(await this.ctx.storage.list()).keys()], alarm: await this.ctx.storage.getAlarm() };
  }
}
