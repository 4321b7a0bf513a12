import { t } from "../../i18n";
import type { ChatSender } from "../../telegram/sender";
import { removeQuietly } from "../../telegram/sender";
import { REACTION } from "../progress";
import {
  type ActiveTurn,
  chatStorage,
  createSerial,
  type Origin,
  type QueuedTurn,
  type StoredValues,
} from "../storage";
import { createUserRate } from "../user-rate";
import { createTurnLifecycle, type TurnLifecycle } from "./lifecycle";
import { createQueueNotice, type QueueNotice } from "./queue-notice";
import { startRecovery } from "./recovery";
import { createTurnStore, type TurnStore } from "./store";
import type { TurnQueueDeps } from "./types";

/** Update ids whose instruction was queued, so an update handled again after a restart is not queued twice. */
const QUEUED_UPDATES_KEPT = 100;

/**
 * The chat's agent turns, one at a time: instructions wait in a queue (per-user rate, queue limit, one
 * per update) until nothing holds it, then the head becomes the current turn and runs (chat/turns/lifecycle.ts).
 * The queue and the current turn live in storage; this object keeps only the live runner of the current
 * turn. Every change to the queue (an addition, the claim of the next turn, /cancel, a chat that became
 * unreachable) runs in one chain (`serially`).
 */
export class TurnQueue {
  private liveTurn: { id: string; controller: AbortController; done: Promise<void> } | undefined;
  /** Serialises changes to the queue and the claim of the next turn (see createSerial). */
  private readonly serially = createSerial();
  /** The update being handled by the drain, if any: an instruction it queues is keyed by its id. */
  private handlingUpdateId: number | undefined;
  private readonly turns: TurnStore;
  private readonly lifecycle: TurnLifecycle;
  private readonly notice: QueueNotice;

  constructor(private readonly deps: TurnQueueDeps) {
    this.turns = createTurnStore(deps.storage);
    this.notice = createQueueNotice(deps);
    this.lifecycle = createTurnLifecycle({ ...deps, turns: this.turns });
  }

  /** Runs `handle` for one update: an instruction it queues is remembered under the update's id. */
  async whileHandling<T>(updateId: number, handle: () => Promise<T>): Promise<T> {
    this.handlingUpdateId = updateId;
    try {
      return await handle();
    } finally {
      this.handlingUpdateId = undefined;
    }
  }

  async enqueue(origin: Origin, text: string, options: { oneShot?: boolean; wantsVideo?: boolean } = {}) {
    if (!(await this.withinUserRate(origin))) return;
    if (this.deps.quotas && !(await this.deps.quotas.allowTurn(origin, this.deps.senderFor(origin)))) return;
    // Media sent without a caption waits for its instruction: that instruction is a one-shot request.
    if (await chatStorage(this.deps.storage).take("awaitingInstruction")) {
      options = { ...options, oneShot: true };
    }
    const item: QueuedTurn = {
      id: this.deps.newId(),
      text,
      origin,
      queuedAt: this.deps.now(),
      ...(options.oneShot || options.wantsVideo ? { oneShot: true } : {}),
    };
    // An instant sign of life on the user's message, before anything slower (storage, NemoVideo). A request
    // the full queue turns away gets 😢 below, beside the message that says so.
    await this.deps.progress.react(origin, REACTION.seen);
    const sourceUpdate = this.handlingUpdateId;
    const placed = await this.serially(async () => {
      const queued = (await chatStorage(this.deps.storage).get("queuedUpdates")) ?? [];
      if (sourceUpdate !== undefined && queued.includes(sourceUpdate)) return { again: true as const };
      const queue = await this.turns.queue();
      const busy = this.liveTurn !== undefined || (await this.turns.current()) !== undefined || queue.length > 0;
      const holding = busy || (await this.deps.renders.isActive());
      if (holding && queue.length >= this.deps.config.QUEUE_LIMIT) return { full: true as const };
      queue.push(item);
      const remembered = sourceUpdate === undefined ? queued : [...queued, sourceUpdate].slice(-QUEUED_UPDATES_KEPT);
      // One write: the instruction and the note that its update queued it land together or not at all.
      await this.turns.saveQueue(queue, { queuedUpdates: remembered });
      return { full: false as const, holding, position: queue.length };
    });
    if ("again" in placed) return;
    const sender = this.deps.senderFor(origin);
    if (placed.full) {
      await this.deps.progress.react(origin, REACTION.failed);
      await sender.send(t(origin.lang).queueFull, { replyTo: origin.messageId });
      return;
    }
    if (placed.holding) {
      await this.notice.queued(origin, placed.position);
      await this.deps.requestWake(this.deps.now() + this.deps.config.WATCHDOG_INTERVAL_MS);
      return;
    }
    await this.startNextTurn();
  }

  /** Queues a failed turn again (its Retry button); false when it is no longer kept. */
  async retryFailed(origin: Origin, turnId: string): Promise<boolean> {
    const previous = await this.deps.endings.takeFailed(turnId);
    if (!previous) return false;
    // Charged to whoever pressed Retry (their per-minute and daily limits), never to the one who first asked.
    await this.enqueue({ ...previous.origin, userId: origin.userId, lang: origin.lang }, previous.text, {
      oneShot: previous.oneShot,
    });
    return true;
  }

  /** Starts the queue's head unless something holds the queue. */
  startNextTurn(): Promise<void> {
    return this.serially(() => this.claimNextTurn());
  }

  /** Resumes the turn that should be running and is not, and runs a recheck that is due. Safe to run twice. */
  async resume(): Promise<void> {
    // Decided in the queue's chain: a turn being claimed right now must not be launched a second time.
    const due = await this.serially(async () => {
      const turn = await this.turns.current();
      if (!turn) {
        await this.claimNextTurn();
        return undefined;
      }
      if (this.liveTurn?.id === turn.id) return undefined;
      if (turn.phase === "starting") {
        this.launch(turn);
      } else if (turn.phase === "streaming") {
        // The stream died with the previous instance. It cannot be resumed: recover by reading state.
        await this.turns.transition(turn.id, ["streaming"], (latest) =>
          startRecovery(latest, this.deps.config, this.deps.now()),
        );
      } else if (turn.recheck && turn.recheck.nextAt <= this.deps.now()) {
        return turn;
      }
      return undefined;
    });
    // Outside the chain: a recheck reads NemoVideo; a turn it ends lets the next one start.
    if (due && (await this.lifecycle.recheck(due))) await this.startNextTurn();
  }

  async nextWakeAt(): Promise<number | undefined> {
    return (await this.turns.current())?.recheck?.nextAt;
  }

  /** Whether a turn runs or waits in the queue. */
  async hasWork(): Promise<boolean> {
    const queue = await this.turns.queue();
    return (await this.turns.current()) !== undefined || queue.length > 0;
  }

  /** The current turn and the queue, as stored. */
  async pending(): Promise<{ turn: ActiveTurn | undefined; queue: QueuedTurn[] }> {
    const turn = await this.turns.current();
    return { turn, queue: await this.turns.queue() };
  }

  /** Stops the running turn (removing its status message) and empties the queue. */
  async cancel(turn: ActiveTurn | undefined, sender: ChatSender): Promise<void> {
    this.liveTurn?.controller.abort();
    this.liveTurn = undefined;
    if (turn?.statusMessageId !== undefined) await removeQuietly(sender, turn.statusMessageId);
    // In the queue's chain, so an instruction being queued right now cannot write the old queue back.
    await this.serially(() => this.turns.clear());
    // The next queue gets its own notice, not an edit of one far up the chat.
    await this.notice.ended();
  }

  /** Aborts the running turn and drops it and the queue; `alongside` lands in the queue's write. */
  async dropAll(alongside: StoredValues): Promise<void> {
    this.liveTurn?.controller.abort();
    await this.serially(() => this.turns.clear(alongside));
  }

  /** A per-user cap on instructions per minute, so one group member cannot spend everyone's credits. */
  private async withinUserRate(origin: Origin): Promise<boolean> {
    const rate = createUserRate(this.deps);
    const verdict = await rate.take("turns", origin.userId, this.deps.config.USER_TURNS_PER_MINUTE);
    if (verdict.ok) return true;
    // One answer per minute: a flood of instructions gets one reply, not one per message.
    if (verdict.warn) {
      await this.deps.senderFor(origin).send(t(origin.lang).rateLimitedUser(verdict.waitS), {
        replyTo: origin.messageId,
      });
    }
    return false;
  }

  /** Starts the queue's head unless a turn, a render or media work holds the queue. Only in the chain. */
  private async claimNextTurn(): Promise<void> {
    if (this.liveTurn || (await this.turns.current())) return;
    // A render in progress holds the queue: a new instruction would change the draft being rendered.
    if (await this.deps.renders.isActive()) return;
    // Media still settling or uploading holds the queue too: the instruction is about those files.
    if (await this.deps.media.isActive()) return;
    const queue = await this.turns.queue();
    const next = queue.shift();
    if (!next) return;
    if (queue.length === 0) await this.notice.ended();
    const turn: ActiveTurn = { ...next, startedAt: this.deps.now(), phase: "starting", sawText: false };
    await this.turns.claim(queue, turn);
    this.launch(turn);
  }

  private launch(turn: ActiveTurn): void {
    const controller = new AbortController();
    const done = this.lifecycle
      .run(turn, controller.signal)
      .catch((error) => this.lifecycle.crashed(turn, error))
      .finally(() => {
        if (this.liveTurn?.id === turn.id) this.liveTurn = undefined;
      })
      .then(() => this.startNextTurn())
      .catch((error) => this.deps.log("turn_next", error));
    this.liveTurn = { id: turn.id, controller, done };
    this.deps.runInBackground(done);
  }
}
