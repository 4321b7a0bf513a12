import type { Api, RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import type { NemoClient } from "../nemo/client";
import type { QuotaHooks } from "../operator/quota-hooks";
import type { ChatStore } from "../store/chat-record";
import type { ChatActions } from "../telegram/bot";
import { type Lang, langFromCode, t } from "../telegram/messages";
import { answerPolicy, type ChatSender, ChatUnreachableError, createChatSender } from "../telegram/sender";
import { createChatActions } from "./chat-actions";
import type { ChatFlowDeps } from "./flow-deps";
import { createMediaFlow, type MediaFlow } from "./media-flow";
import { createNemoSession, type NemoSession } from "./nemo-session";
import { createOutbox, type Outbox } from "./outbox";
import { createRenderFlow, type RenderFlow } from "./render-flow";
import { KEYS, type Origin, readKey, SCHEMAS } from "./state";
import { createTurnEndings } from "./turn-endings";
import { TurnQueue } from "./turn-queue";
import { registerUrl } from "./turn-runner";

export type ChatWorkDeps = {
  chatId: number;
  config: Config;
  storage: DurableObjectStorage;
  store: ChatStore;
  nemo: NemoClient;
  newId: () => string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Asks the object to run `tick` no later than this time (ms epoch). */
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  /** The operator's daily limits (src/operator); absent = none. */
  quotas?: QuotaHooks;
};

/**
 * Everything one chat does, wired together: quick answers (chat-actions.ts), the queue of agent turns
 * (turn-queue.ts), uploads (media-flow.ts) and renders (render-flow.ts). This object schedules them
 * (tick, nextWakeAt) and stops them all when Telegram refuses to deliver to the chat.
 */
export class ChatWork {
  readonly session: NemoSession;
  readonly actions: ChatActions;
  readonly renders: RenderFlow;
  readonly media: MediaFlow;
  private readonly turns: TurnQueue;
  /** Answers Telegram did not take after every retry, sent again by the alarm (outbox.ts). */
  private readonly outbox: Outbox;
  private api: Api<RawApi> | undefined;
  /** Set on Telegram's first 403 so sends already under way stop at once, before storage says so. */
  private refusedByTelegram = false;

  constructor(private readonly deps: ChatWorkDeps) {
    this.outbox = createOutbox({
      config: deps.config,
      storage: deps.storage,
      now: deps.now,
      newId: deps.newId,
      requestWake: deps.requestWake,
      senderOnce: (destination) => this.guarded(destination, createChatSender(this.requireApi(), destination)),
    });
    this.session = createNemoSession({
      config: deps.config,
      store: deps.store,
      nemo: deps.nemo,
      chatId: deps.chatId,
      newClientId: deps.newId,
      sleep: deps.sleep,
      onSessionReplaced: async () => {
        const lang = await this.languageOf(undefined);
        await this.senderFor({ chatId: deps.chatId }).send(t(lang).sessionLost);
      },
    });
    const shared: ChatFlowDeps = {
      config: deps.config,
      storage: deps.storage,
      session: this.session,
      now: deps.now,
      newId: deps.newId,
      requestWake: deps.requestWake,
      runInBackground: deps.runInBackground,
      senderFor: (origin: Origin) => this.senderFor(origin),
      api: () => this.requireApi(),
    };
    const renders = createRenderFlow(shared);
    this.renders = deps.quotas ? deps.quotas.limitRenders(renders, (origin) => this.senderFor(origin)) : renders;
    this.media = createMediaFlow({
      ...shared,
      instruction: (origin, text) => this.enqueue(origin, text, { oneShot: true }),
      uploadsSettled: () => this.turns.startNextTurn(),
    });
    this.actions = createChatActions(this);
    const endings = createTurnEndings({ ...shared, renders: this.renders, answers: this.actions });
    this.turns = new TurnQueue({
      ...shared,
      quotas: deps.quotas,
      renders: this.renders,
      media: this.media,
      endings,
      markUnreachable: () => this.markUnreachable(),
      log: (where, error) => this.log(where, error),
    });
  }

  attachApi(api: Api<RawApi>): void {
    this.api = api;
  }

  // --- scheduling ---------------------------------------------------------------------------------

  /** Resumes whatever should be running and is not, and handles due timers. Safe to run twice. */
  async tick(): Promise<void> {
    if (await this.unreachable()) return;
    await this.outbox.flush();
    await this.turns.resume();
    await this.media.tick();
    await this.renders.tick();
  }

  async nextWakeAt(): Promise<number | undefined> {
    const times = [
      await this.outbox.nextWakeAt(),
      await this.turns.nextWakeAt(),
      await this.media.nextWakeAt(),
      await this.renders.nextWakeAt(),
    ];
    return times.filter((value): value is number => value !== undefined).sort((a, b) => a - b)[0];
  }

  async isActive(): Promise<boolean> {
    return (await this.turns.hasWork()) || (await this.renders.isActive()) || (await this.media.isActive());
  }

  // --- the turn queue (src/chat/turn-queue.ts) --------------------------------------------------

  enqueue(origin: Origin, text: string, options: { oneShot?: boolean; wantsVideo?: boolean } = {}): Promise<void> {
    return this.turns.enqueue(origin, text, options);
  }

  // --- reachability -------------------------------------------------------------------------------

  private async unreachable(): Promise<boolean> {
    const flags = await readKey(this.deps.storage, KEYS.flags, SCHEMAS.flags);
    return flags?.unreachable === true;
  }

  /**
   * Handles one update from the inbox. An update is removed from the inbox only after it was handled, so
   * a restart in between hands it over again: the instruction it queued is recognised by the update id
   * and not queued (and charged) a second time.
   */
  async handling<T>(update: Record<string, unknown> & { update_id: number }, handle: () => Promise<T>): Promise<T> {
    await this.noteIncoming(update);
    return this.turns.whileHandling(update.update_id, handle);
  }

  /**
   * Telegram lets only a user who has not blocked the bot write to it, so a message, a button press or a
   * "member" status in a private chat means a chat marked unreachable after a 403 can be served again.
   */
  private async noteIncoming(update: Record<string, unknown>): Promise<void> {
    if (!reachableAgain(update)) return;
    this.refusedByTelegram = false;
    if (!(await this.unreachable())) return;
    const flags = (await readKey(this.deps.storage, KEYS.flags, SCHEMAS.flags)) ?? {};
    await this.deps.storage.put(KEYS.flags, { ...flags, unreachable: false });
  }

  async markUnreachable(): Promise<void> {
    this.refusedByTelegram = true;
    const flags = (await readKey(this.deps.storage, KEYS.flags, SCHEMAS.flags)) ?? {};
    await this.turns.dropAll({ [KEYS.flags]: { ...flags, unreachable: true } });
    await this.renders.stopAll(false);
    await this.media.clear();
    await this.outbox.clear();
  }

  /** The chat's sender: answers retried in place (ANSWER_RETRY_DELAYS_MS), then kept in the outbox. */
  senderFor(origin: Pick<Origin, "chatId" | "threadId">): ChatSender {
    const destination = { chatId: origin.chatId, threadId: origin.threadId };
    const policy = answerPolicy(this.deps.config, this.deps.sleep, origin.chatId);
    const sender = this.guarded(destination, createChatSender(this.requireApi(), destination, policy));
    return this.outbox.deferring(sender, destination);
  }

  /** Any refusal to deliver marks the chat unreachable, so nothing keeps pushing to it. */
  private guarded(origin: Pick<Origin, "chatId" | "threadId">, sender: ChatSender): ChatSender {
    const guard = async <T>(call: () => Promise<T>): Promise<T> => {
      if (this.refusedByTelegram) throw new ChatUnreachableError(origin.chatId);
      try {
        return await call();
      } catch (error) {
        if (error instanceof ChatUnreachableError) await this.markUnreachable();
        throw error;
      }
    };
    return {
      send: (html, options) => guard(() => sender.send(html, options)),
      edit: (id, html, options) => guard(() => sender.edit(id, html, options)),
      remove: (id) => guard(() => sender.remove(id)),
      action: (action) => guard(() => sender.action(action)),
      answerCallback: (id, text) => sender.answerCallback(id, text),
    };
  }

  private requireApi(): Api<RawApi> {
    if (!this.api) throw new Error("Telegram API not attached");
    return this.api;
  }

  async languageOf(languageCode: string | undefined): Promise<Lang> {
    const record = await this.session.record();
    return record.language ?? langFromCode(languageCode ?? record.languageCode);
  }

  log(where: string, error: unknown): void {
    logEvent(this.deps.config, "error", {
      event: "error",
      where,
      error: error instanceof Error ? error.name : "unknown",
    });
  }

  // --- operations the chat's actions need (src/chat/chat-actions.ts) ------------------------------

  /** Stops the running turn, clears the queue, stops waiting for renders and drops pending media. */
  async cancelEverything(sender: ChatSender): Promise<boolean> {
    const { turn, queue } = await this.turns.pending();
    const busy =
      turn !== undefined || queue.length > 0 || (await this.renders.isActive()) || (await this.media.isActive());
    if (!busy) return false;
    await this.turns.cancel(turn, sender);
    await this.renders.stopAll(true);
    await this.media.clear();
    return true;
  }

  /** Queues a failed turn again (its Retry button); false when it is no longer kept. */
  retryFailedTurn(origin: Origin, turnId: string): Promise<boolean> {
    return this.turns.retryFailed(origin, turnId);
  }

  /** Reads and updates the chat's flags (greeted, unreachable). */
  async updateFlags(change: (flags: ChatFlags) => ChatFlags | undefined): Promise<ChatFlags> {
    const flags = (await readKey(this.deps.storage, KEYS.flags, SCHEMAS.flags)) ?? {};
    const next = change(flags);
    if (next) await this.deps.storage.put(KEYS.flags, next);
    return flags;
  }

  /** Anonymous users' registration link, for credit and plan messages. */
  registerUrl(): Promise<string | undefined> {
    return registerUrl({ session: this.session, config: this.deps.config });
  }
}

/**
 * Whether an update shows the bot may write to the chat again: the user of a private chat wrote or
 * pressed a button (blocked bots get neither), or the bot became a member again (unblocked, re-added).
 */
function reachableAgain(update: Record<string, unknown>): boolean {
  type ChatOf = { chat?: { type?: string } };
  const message = (update.message ?? update.edited_message) as ChatOf | undefined;
  if (message?.chat?.type === "private") return true;
  const callback = update.callback_query as { message?: ChatOf } | undefined;
  if (callback?.message?.chat?.type === "private") return true;
  const member = update.my_chat_member as (ChatOf & { new_chat_member?: { status?: string } }) | undefined;
  const status = member?.new_chat_member?.status;
  return status === "member" || status === "administrator";
}

export type { NemoClient };
export type ChatFlags = { unreachable?: boolean; greeted?: boolean };
