import type { Config } from "../config";
import { type Lang, langFromCode, t } from "../i18n";
import { logEvent } from "../log";
import type { ChatActions } from "../telegram/actions";
import type { ChatSender } from "../telegram/sender";
import { type ChatActionsWork, createChatActions, createTokenActions, type TokenActions } from "./actions";
import type { ChatFlowDeps, ChatWorkDeps } from "./flow-deps";
import { createMediaFlow, type MediaFlow } from "./media";
import type { Outbox } from "./outgoing";
import { type ChatSenders, createChatSenders, createReachability, type Reachability, showsReachable } from "./outgoing";
import type { ChatProgress } from "./progress";
import { claimLinkAudience, createRenderFlow, type RenderFlow } from "./renders";
import { createNemoSession, type NemoSession, registerUrl } from "./session";
import type { ChatFlags, Origin } from "./storage";
import { createExtrasOffers, createTurnEndings, type ExtrasOffers, TurnQueue } from "./turns";
import { createUserRate, type UserRate } from "./user-rate";

/**
 * Everything one chat does, wired together: quick answers (chat-actions.ts), the queue of agent turns
 * (turns/), uploads (media/) and renders (renders/), all talking to Telegram through the chat's senders
 * (senders.ts). This object schedules them (tick, nextWakeAt) and stops them all when Telegram refuses
 * to deliver to the chat (reachability.ts).
 */
export class ChatWork implements ChatActionsWork {
  readonly session: NemoSession;
  readonly actions: ChatActions;
  readonly renders: RenderFlow;
  readonly media: MediaFlow;
  readonly tokens: TokenActions;
  readonly extras: ExtrasOffers;
  private readonly turns: TurnQueue;
  /** Answers Telegram did not take after every retry, sent again by the alarm (outbox.ts). */
  private readonly outbox: Outbox;
  /** Reactions, drafts and the admin check of the Stop button (issue 18). */
  readonly progress: ChatProgress;
  /** Per-user limits per minute (instructions, media, quick actions). */
  readonly rate: UserRate;
  /** Whether Telegram lets the bot write to the chat: the one source of truth (reachability.ts). */
  readonly reachability: Reachability;
  /** Every call to the chat goes through these: a 403 marks the chat unreachable (senders.ts). */
  private readonly senders: ChatSenders;

  constructor(private readonly deps: ChatWorkDeps) {
    this.rate = createUserRate(deps);
    this.reachability = createReachability(deps.storage);
    this.senders = createChatSenders({
      ...deps,
      reachability: this.reachability,
      refused: () => this.markUnreachable(),
    });
    this.outbox = this.senders.outbox;
    this.progress = this.senders.progress;
    this.session = this.openSession();
    const shared: ChatFlowDeps = {
      config: deps.config,
      storage: deps.storage,
      session: this.session,
      now: deps.now,
      newId: deps.newId,
      requestWake: deps.requestWake,
      runInBackground: deps.runInBackground,
      senderFor: (origin: Origin) => this.senderFor(origin),
      api: deps.api,
      latestMessageId: () => deps.latestMessage.get(),
    };
    const renders = createRenderFlow(shared);
    this.renders = deps.quotas ? deps.quotas.limitRenders(renders, (origin) => this.senderFor(origin)) : renders;
    this.media = createMediaFlow({
      ...shared,
      instruction: (origin, text) => this.enqueue(origin, text, { oneShot: true }),
      uploadsSettled: () => this.turns.startNextTurn(),
    });
    this.tokens = createTokenActions({
      storage: deps.storage,
      session: this.session,
      nemo: deps.nemo,
      now: deps.now,
      senderFor: (origin) => this.senderFor(origin),
      workspaceLink: (origin) => this.renders.workspaceLink(origin.lang),
    });
    this.extras = createExtrasOffers({ ...shared, enqueue: (origin, text) => this.enqueue(origin, text) });
    this.actions = createChatActions(this);
    this.turns = this.queueTurns(shared);
  }

  /** The chat's NemoVideo project; when it has to be replaced, the chat is told in its language. */
  private openSession(): NemoSession {
    const { deps } = this;
    return createNemoSession({
      config: deps.config,
      store: deps.store,
      nemo: deps.nemo,
      chatId: deps.chatId,
      newClientId: deps.newId,
      now: deps.now,
      sleep: deps.sleep,
      anonymousTokens: deps.anonymousTokens,
      onSessionReplaced: async () => {
        const lang = await this.languageOf(undefined);
        await this.senderFor({ chatId: deps.chatId }).send(t(lang).sessionLost);
      },
    });
  }

  /** The agent queue, with what a finished turn leads to (built last: it answers through the actions). */
  private queueTurns(shared: ChatFlowDeps): TurnQueue {
    const { deps } = this;
    const endings = createTurnEndings({
      ...shared,
      renders: this.renders,
      answers: this.actions,
      offerOpen: claimLinkAudience(deps.config, { chatId: deps.chatId }) !== "nobody",
      extras: this.extras,
    });
    return new TurnQueue({
      ...shared,
      quotas: deps.quotas,
      // With AUTO_EXPORT a render does not hold the queue: the next change supersedes it (chat/renders/flow.ts).
      renders: { isActive: () => this.renders.holdsQueue() },
      media: this.media,
      endings,
      markUnreachable: () => this.markUnreachable(),
      log: (where, error) => this.log(where, error),
      progress: this.progress,
      messageRoom: () => this.senders.pace.room(),
    });
  }

  /** The bot's @username, for texts that tell people how to reach it. */
  botUsername(): string {
    return this.deps.botUsername;
  }

  // --- scheduling ---------------------------------------------------------------------------------

  /** Resumes whatever should be running and is not, and handles due timers. Safe to run twice. */
  async tick(): Promise<void> {
    if (await this.reachability.isUnreachable()) return;
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

  // --- the turn queue (src/chat/turns/queue.ts) --------------------------------------------------

  enqueue(origin: Origin, text: string, options: { oneShot?: boolean; wantsVideo?: boolean } = {}): Promise<void> {
    return this.turns.enqueue(origin, text, options);
  }

  // --- updates and reachability -----------------------------------------------------------------

  /**
   * Handles one update from the inbox. An update is removed from the inbox only after it was handled, so
   * a restart in between hands it over again: the instruction it queued is recognised by the update id
   * and not queued (and charged) a second time.
   */
  async handling<T>(update: Record<string, unknown> & { update_id: number }, handle: () => Promise<T>): Promise<T> {
    // Telegram lets only a user who has not blocked the bot write to it, so a message, a button press or a
    // "member" status in a private chat means a chat marked unreachable after a 403 can be served again.
    if (showsReachable(update)) await this.reachability.markReachable();
    this.deps.latestMessage.noteUpdate(update);
    return this.turns.whileHandling(update.update_id, handle);
  }

  /** Telegram refused the chat (or the bot was removed, or the operator blocked it): all its work stops. */
  async markUnreachable(): Promise<void> {
    // The flag lands in one batch with the emptied queue: a restart never resumes a turn for a chat marked gone.
    await this.reachability.markUnreachable((entries) => this.turns.dropAll(entries));
    await this.renders.stopAll(false);
    await this.media.clear();
    await this.outbox.clear();
  }

  /** The chat's sender: answers retried in place (ANSWER_RETRY_DELAYS_MS), then kept in the outbox. */
  senderFor(origin: Pick<Origin, "chatId" | "threadId">): ChatSender {
    return this.senders.senderFor(origin);
  }

  /** A sender to a member's private chat, not guarded (senders.ts). */
  privateSender(userId: number): ChatSender {
    return this.senders.privateSender(userId);
  }

  /** Whether the person behind `origin` may change the whole chat (see chat-admins.ts). */
  mayChangeChat(origin: Pick<Origin, "chatId" | "userId">): Promise<boolean> {
    return this.senders.mayChangeChat(origin);
  }

  get config(): Config {
    return this.deps.config;
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

  // --- operations the chat's actions need (src/chat/actions/chat-actions.ts) ------------------------------

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

  /** Whether the running and waiting instructions are all this user's (they may cancel their own work). */
  async isOwnWork(userId: number | undefined): Promise<boolean> {
    if (userId === undefined) return false;
    const { turn, queue } = await this.turns.pending();
    const owners = [turn, ...queue].filter((item) => item !== undefined).map((item) => item.origin.userId);
    return owners.length > 0 && owners.every((owner) => owner === userId);
  }

  /** Queues a failed turn again (its Retry button); false when it is no longer kept. */
  retryFailedTurn(origin: Origin, turnId: string): Promise<boolean> {
    return this.turns.retryFailed(origin, turnId);
  }

  /** Reads and updates the chat's flags other than reachability (greeted). */
  updateFlags(change: (flags: ChatFlags) => ChatFlags | undefined): Promise<ChatFlags> {
    return this.reachability.updateFlags(change);
  }

  /** Anonymous users' registration link, for credit and plan messages. */
  registerUrl(): Promise<string | undefined> {
    return registerUrl({ session: this.session, config: this.deps.config });
  }
}
