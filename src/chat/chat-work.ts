import type { InlineKeyboardMarkup } from "grammy/types";
import type { Api, RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import type { NemoClient } from "../nemo/client";
import type { QuotaHooks } from "../operator/quota-hooks";
import type { ChatStore } from "../store/chat-record";
import { CALLBACK, type ChatActions } from "../telegram/bot";
import { type Lang, langFromCode, t } from "../telegram/messages";
import { type ChatSender, ChatUnreachableError, createChatSender } from "../telegram/sender";
import { createChatActions } from "./chat-actions";
import { createMediaFlow, type MediaFlow } from "./media-flow";
import { createNemoSession, type NemoSession } from "./nemo-session";
import { recheckTurn, startRecovery } from "./recovery";
import { createRenderFlow, type RenderFlow } from "./render-flow";
import { createSerial } from "./serial";
import { type ActiveTurn, KEYS, type Origin, type QueuedTurn, readKey, SCHEMAS } from "./state";
import { messageForError, registerUrl, runAgentTurn, type TurnOutcome } from "./turn-runner";

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

/** Update ids whose instruction was queued, so an update handled again after a restart is not queued twice. */
const QUEUED_UPDATES_KEY = "queuedUpdates";
const QUEUED_UPDATES_KEPT = 100;

/** Failed turns kept for their Retry button. */
const FAILED_TURNS_KEPT = 20;

/**
 * Everything one chat does: quick answers, the queue of agent turns (one at a time), recovery of a turn
 * that lost its stream, uploads and renders. State that must survive an eviction lives in storage; this
 * object keeps only the live runner of the current turn.
 */
export class ChatWork {
  readonly session: NemoSession;
  readonly actions: ChatActions;
  private api: Api<RawApi> | undefined;
  private liveTurn: { id: string; controller: AbortController; done: Promise<void> } | undefined;
  /** Serialises changes to the queue and the claim of the next turn (see createSerial). */
  private readonly serially = createSerial();
  /** Set on Telegram's first 403 so sends already under way stop at once, before storage says so. */
  private refusedByTelegram = false;
  /** The update being handled by the drain, if any: an instruction it queues is keyed by its id. */
  private handlingUpdateId: number | undefined;
  readonly renders: RenderFlow;
  readonly media: MediaFlow;

  constructor(private readonly deps: ChatWorkDeps) {
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
    const shared = {
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
      uploadsSettled: () => this.startNextTurn(),
    });
    this.actions = createChatActions(this);
  }

  attachApi(api: Api<RawApi>): void {
    this.api = api;
  }

  // --- scheduling ---------------------------------------------------------------------------------

  /** Resumes whatever should be running and is not, and handles due timers. Safe to run twice. */
  async tick(): Promise<void> {
    if (await this.unreachable()) return;
    // Decided in the queue's chain: a turn being claimed right now must not be launched a second time.
    const due = await this.serially(async () => {
      const turn = await this.currentTurn();
      if (!turn) {
        await this.claimNextTurn();
        return undefined;
      }
      if (this.liveTurn?.id === turn.id) return undefined;
      if (turn.phase === "starting") {
        this.launch(turn);
      } else if (turn.phase === "streaming") {
        // The stream died with the previous instance. It cannot be resumed: recover by reading state.
        await this.saveTurn(startRecovery(turn, this.deps.config, this.deps.now()));
      } else if (turn.recheck && turn.recheck.nextAt <= this.deps.now()) {
        return turn;
      }
      return undefined;
    });
    // Outside the chain: a recheck reads NemoVideo and then starts the next turn itself.
    if (due) await this.recheck(due);
    await this.media.tick();
    await this.renders.tick();
  }

  async nextWakeAt(): Promise<number | undefined> {
    const turn = await this.currentTurn();
    const times = [turn?.recheck?.nextAt, await this.media.nextWakeAt(), await this.renders.nextWakeAt()];
    return times.filter((value): value is number => value !== undefined).sort((a, b) => a - b)[0];
  }

  async isActive(): Promise<boolean> {
    const queue = await this.queue();
    return (
      (await this.currentTurn()) !== undefined ||
      queue.length > 0 ||
      (await this.renders.isActive()) ||
      (await this.media.isActive())
    );
  }

  // --- the turn queue -----------------------------------------------------------------------------

  async enqueue(origin: Origin, text: string, options: { oneShot?: boolean; wantsVideo?: boolean } = {}) {
    if (!(await this.withinUserRate(origin))) return;
    if (this.deps.quotas && !(await this.deps.quotas.allowTurn(origin, this.senderFor(origin)))) return;
    // Media sent without a caption waits for its instruction: that instruction is a one-shot request.
    if (await this.deps.storage.get("awaitingInstruction")) {
      await this.deps.storage.delete("awaitingInstruction");
      options = { ...options, oneShot: true };
    }
    const item: QueuedTurn = {
      id: this.deps.newId(),
      text,
      origin,
      queuedAt: this.deps.now(),
      ...(options.oneShot || options.wantsVideo ? { oneShot: true } : {}),
    };
    const sourceUpdate = this.handlingUpdateId;
    const placed = await this.serially(async () => {
      const queued = (await this.deps.storage.get<number[]>(QUEUED_UPDATES_KEY)) ?? [];
      if (sourceUpdate !== undefined && queued.includes(sourceUpdate)) return { again: true as const };
      const queue = await this.queue();
      const busy = this.liveTurn !== undefined || (await this.currentTurn()) !== undefined || queue.length > 0;
      const holding = busy || (await this.renders.isActive());
      if (holding && queue.length >= this.deps.config.QUEUE_LIMIT) return { full: true as const };
      queue.push(item);
      const remembered = sourceUpdate === undefined ? queued : [...queued, sourceUpdate].slice(-QUEUED_UPDATES_KEPT);
      // One write: the instruction and the note that its update queued it land together or not at all.
      await this.deps.storage.put({ [KEYS.queue]: queue, [QUEUED_UPDATES_KEY]: remembered });
      return { full: false as const, holding, position: queue.length };
    });
    if ("again" in placed) return;
    if (placed.full) {
      await this.senderFor(origin).send(t(origin.lang).queueFull, { replyTo: origin.messageId });
      return;
    }
    if (placed.holding) {
      await this.senderFor(origin).send(t(origin.lang).queued(placed.position), { replyTo: origin.messageId });
      await this.deps.requestWake(this.deps.now() + this.deps.config.WATCHDOG_INTERVAL_MS);
      return;
    }
    await this.startNextTurn();
  }

  /** A per-user cap on instructions per minute, so one group member cannot spend everyone's credits. */
  private async withinUserRate(origin: Origin): Promise<boolean> {
    if (origin.userId === undefined || this.deps.config.USER_TURNS_PER_MINUTE === 0) return true;
    const key = `rate:${origin.userId}`;
    const windowStart = this.deps.now() - 60_000;
    const recent = ((await this.deps.storage.get<number[]>(key)) ?? []).filter((at) => at > windowStart);
    if (recent.length >= this.deps.config.USER_TURNS_PER_MINUTE) {
      const waitS = Math.max(1, Math.ceil(((recent[0] ?? this.deps.now()) + 60_000 - this.deps.now()) / 1000));
      await this.senderFor(origin).send(t(origin.lang).rateLimitedUser(waitS), { replyTo: origin.messageId });
      return false;
    }
    recent.push(this.deps.now());
    await this.deps.storage.put(key, recent);
    return true;
  }

  private startNextTurn(): Promise<void> {
    return this.serially(() => this.claimNextTurn());
  }

  /** Starts the queue's head unless a turn, a render or media work holds the queue. Only via startNextTurn. */
  private async claimNextTurn(): Promise<void> {
    if (this.liveTurn || (await this.currentTurn())) return;
    // A render in progress holds the queue: a new instruction would change the draft being rendered.
    if (await this.renders.isActive()) return;
    // Media still settling or uploading holds the queue too: the instruction is about those files.
    if (await this.media.isActive()) return;
    const queue = await this.queue();
    const next = queue.shift();
    if (!next) return;
    const turn: ActiveTurn = { ...next, startedAt: this.deps.now(), phase: "starting", sawText: false };
    await this.deps.storage.put({ [KEYS.queue]: queue, [KEYS.turn]: turn });
    this.launch(turn);
  }

  private launch(turn: ActiveTurn): void {
    const controller = new AbortController();
    const done = this.runTurn(turn, controller.signal)
      .catch((error) => this.handleTurnCrash(turn, error))
      .finally(() => {
        if (this.liveTurn?.id === turn.id) this.liveTurn = undefined;
      })
      .then(() => this.startNextTurn())
      .catch((error) => this.log("turn_next", error));
    this.liveTurn = { id: turn.id, controller, done };
    this.deps.runInBackground(done);
  }

  private async runTurn(turn: ActiveTurn, signal: AbortSignal): Promise<void> {
    const started = this.deps.now();
    const outcome: TurnOutcome = await runAgentTurn(
      {
        config: this.deps.config,
        session: this.session,
        sender: this.senderFor(turn.origin),
        now: this.deps.now,
        persist: (next) => this.saveTurnIfCurrent(next),
        signal,
      },
      turn,
    );
    logEvent(this.deps.config, "info", { event: "turn", outcome: outcome.kind, ms: this.deps.now() - started });
    if (signal.aborted) return;
    const latest = (await this.currentTurn()) ?? turn;
    if (outcome.kind === "recover") {
      const recovering = startRecovery(latest, this.deps.config, this.deps.now());
      await this.saveTurn(recovering);
      await this.deps.requestWake(recovering.recheck?.nextAt ?? this.deps.now());
      return;
    }
    await this.deps.storage.delete(KEYS.turn);
    if (outcome.kind === "done") await this.afterTurn(latest, outcome.actions, outcome.exportable);
  }

  private async recheck(turn: ActiveTurn): Promise<void> {
    const sender = this.senderFor(turn.origin);
    const outcome = await recheckTurn({ session: this.session, sender, now: this.deps.now }, turn).catch((error) => {
      this.log("recheck", error);
      return {
        kind: "wait" as const,
        turn: startRecovery({ ...turn, recheck: undefined }, this.deps.config, this.deps.now()),
      };
    });
    if (outcome.kind === "wait") {
      await this.saveTurn(outcome.turn);
      return;
    }
    await this.deps.storage.delete(KEYS.turn);
    if (outcome.kind === "done") await this.afterTurn(turn, [], outcome.exportable);
    else await this.failTurn(turn);
    await this.startNextTurn();
  }

  private async failTurn(turn: ActiveTurn): Promise<void> {
    const failed = ((await this.deps.storage.get<Record<string, QueuedTurn>>("failedTurns")) ?? {}) as Record<
      string,
      QueuedTurn
    >;
    failed[turn.id] = { id: turn.id, text: turn.text, origin: turn.origin, queuedAt: turn.queuedAt };
    const kept = Object.fromEntries(Object.entries(failed).slice(-FAILED_TURNS_KEPT));
    await this.deps.storage.put("failedTurns", kept);
    const texts = t(turn.origin.lang);
    await this.senderFor(turn.origin).send(texts.turnFailed, {
      replyTo: turn.origin.messageId,
      buttons: { inline_keyboard: [[{ text: texts.buttons.retry, callback_data: CALLBACK.retryTurn(turn.id) }]] },
    });
  }

  private async handleTurnCrash(turn: ActiveTurn, error: unknown): Promise<void> {
    this.log("turn", error);
    if (error instanceof ChatUnreachableError) {
      await this.markUnreachable();
      return;
    }
    const current = await this.currentTurn();
    if (current?.id !== turn.id) return;
    if (current.phase === "streaming") {
      await this.saveTurn(startRecovery(current, this.deps.config, this.deps.now()));
      return;
    }
    await this.deps.storage.delete(KEYS.turn);
    const sender = this.senderFor(turn.origin);
    // The "working on it" status would otherwise stay in the chat above the error.
    if (current.statusMessageId !== undefined) await sender.remove(current.statusMessageId).catch(() => {});
    await sender.send(messageForError(error, turn.origin.lang)).catch(() => {});
  }

  /** What follows a finished turn: the export it asked for, or the buttons to continue. */
  private async afterTurn(turn: ActiveTurn, actions: string[], exportable: boolean | undefined): Promise<void> {
    const texts = t(turn.origin.lang);
    if (actions.includes("show_timeline")) await this.actions.timeline(turn.origin);
    if (actions.includes("show_credits")) await this.actions.credits(turn.origin);
    // Unknown (the state could not be read) is not "no": the export reads the state again and says what
    // is missing if anything is, so a requested video is not silently dropped.
    if (exportable !== false && turn.oneShot) {
      await this.renders.start(turn.origin);
      return;
    }
    await this.senderFor(turn.origin).send(texts.whatNext, {
      buttons: this.nextStepButtons(turn.origin.lang, exportable !== false),
    });
  }

  private nextStepButtons(lang: Lang, exportable: boolean): InlineKeyboardMarkup {
    const texts = t(lang);
    const first = exportable ? [{ text: texts.buttons.export, callback_data: CALLBACK.export }] : [];
    return {
      inline_keyboard: [
        [...first, { text: texts.buttons.timeline, callback_data: CALLBACK.timeline }],
        [
          { text: texts.buttons.credits, callback_data: CALLBACK.credits },
          { text: texts.buttons.open, callback_data: CALLBACK.open },
        ],
      ],
    };
  }

  // --- storage helpers ----------------------------------------------------------------------------

  private async currentTurn(): Promise<ActiveTurn | undefined> {
    return readKey(this.deps.storage, KEYS.turn, SCHEMAS.turn);
  }

  private async queue(): Promise<QueuedTurn[]> {
    return (await readKey(this.deps.storage, KEYS.queue, SCHEMAS.queue)) ?? [];
  }

  private async saveTurn(turn: ActiveTurn): Promise<void> {
    await this.deps.storage.put(KEYS.turn, turn);
  }

  /** A runner persists only while its turn is still the chat's turn (a /cancel may have dropped it). */
  private async saveTurnIfCurrent(turn: ActiveTurn): Promise<void> {
    const current = await this.currentTurn();
    if (current?.id === turn.id) await this.saveTurn(turn);
  }

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
    this.handlingUpdateId = update.update_id;
    try {
      return await handle();
    } finally {
      this.handlingUpdateId = undefined;
    }
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
    this.liveTurn?.controller.abort();
    await this.deps.storage.put({ [KEYS.flags]: { ...flags, unreachable: true }, [KEYS.queue]: [] });
    await this.deps.storage.delete(KEYS.turn);
    await this.renders.stopAll(false);
    await this.media.clear();
  }

  senderFor(origin: Pick<Origin, "chatId" | "threadId">): ChatSender {
    const sender = createChatSender(this.requireApi(), { chatId: origin.chatId, threadId: origin.threadId });
    // Any refusal to deliver marks the chat unreachable, so nothing keeps pushing to it.
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
    const turn = await this.currentTurn();
    const queue = await this.queue();
    const busy =
      turn !== undefined || queue.length > 0 || (await this.renders.isActive()) || (await this.media.isActive());
    if (!busy) return false;
    this.liveTurn?.controller.abort();
    this.liveTurn = undefined;
    if (turn?.statusMessageId !== undefined) await sender.remove(turn.statusMessageId).catch(() => {});
    await this.deps.storage.put(KEYS.queue, []);
    await this.deps.storage.delete(KEYS.turn);
    await this.renders.stopAll(true);
    await this.media.clear();
    return true;
  }

  /** Queues a failed turn again (its Retry button); false when it is no longer kept. */
  async retryFailedTurn(origin: Origin, turnId: string): Promise<boolean> {
    const failed = ((await this.deps.storage.get<Record<string, QueuedTurn>>("failedTurns")) ?? {}) as Record<
      string,
      QueuedTurn
    >;
    const previous = failed[turnId];
    if (!previous) return false;
    delete failed[turnId];
    await this.deps.storage.put("failedTurns", failed);
    await this.enqueue({ ...previous.origin, lang: origin.lang }, previous.text, { oneShot: previous.oneShot });
    return true;
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
