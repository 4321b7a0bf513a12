import type { Config } from "../config";
import { logEvent } from "../log";
import { type ChatSender, ChatUnreachableError } from "../telegram/sender";
import { type ChatProgress, REACTION } from "./chat-progress";
import type { NemoSession } from "./nemo-session";
import { recheckTurn, startRecovery } from "./recovery";
import { type ActiveTurn, KEYS, type Origin } from "./state";
import type { TurnEndings } from "./turn-endings";
import { createTurnProgress } from "./turn-progress";
import { messageForError, runAgentTurn, type TurnOutcome } from "./turn-runner";
import type { TurnStore } from "./turn-store";

export type TurnLifecycle = ReturnType<typeof createTurnLifecycle>;

export type TurnLifecycleDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  requestWake: (atMs: number) => Promise<void>;
  senderFor: (origin: Origin) => ChatSender;
  turns: TurnStore;
  endings: TurnEndings;
  /** Telegram refused a send: the chat stops all its work. */
  markUnreachable: () => Promise<void>;
  log: (where: string, error: unknown) => void;
  /** Reactions and drafts (issue 18). */
  progress: ChatProgress;
  /** Messages the chat may still send in the current minute (groups); decoration yields to answers. */
  messageRoom: () => number;
};

/**
 * The life of a claimed turn: its stream, the recovery of a stream that was lost, the rechecks of a
 * recovering turn and the crash of its runner. Starting the next turn is the queue's part (turn-queue.ts).
 */
export function createTurnLifecycle(deps: TurnLifecycleDeps) {
  const { config, storage, turns } = deps;
  return {
    async run(turn: ActiveTurn, signal: AbortSignal): Promise<void> {
      const started = deps.now();
      const sender = deps.senderFor(turn.origin);
      const progress = createTurnProgress(
        { config, now: deps.now, sender, chat: deps.progress, room: deps.messageRoom },
        turn,
      );
      const outcome: TurnOutcome = await runAgentTurn(
        {
          config,
          session: deps.session,
          sender,
          now: deps.now,
          persist: (next) => turns.saveIfCurrent(next),
          progress,
          signal,
        },
        turn,
      );
      logEvent(config, "info", { event: "turn", outcome: outcome.kind, ms: deps.now() - started });
      if (signal.aborted) return;
      // The user's message says how it went: 👌 answered, 😢 failed; a turn in recovery stays 👀.
      if (outcome.kind === "done") await deps.progress.react(turn.origin, REACTION.done);
      if (outcome.kind === "stopped") await deps.progress.react(turn.origin, REACTION.failed);
      const latest = (await turns.current()) ?? turn;
      if (outcome.kind === "recover") {
        const recovering = startRecovery(latest, config, deps.now());
        await turns.save(recovering);
        await deps.requestWake(recovering.recheck?.nextAt ?? deps.now());
        return;
      }
      await storage.delete(KEYS.turn);
      if (outcome.kind === "done") await deps.endings.finished(latest, outcome.actions, outcome.exportable);
    },

    /** Reads NemoVideo for a recovering turn; true when the turn ended (done or failed), so the next may start. */
    async recheck(turn: ActiveTurn): Promise<boolean> {
      const sender = deps.senderFor(turn.origin);
      const outcome = await recheckTurn({ session: deps.session, sender, now: deps.now }, turn).catch((error) => {
        deps.log("recheck", error);
        return { kind: "wait" as const, turn: startRecovery({ ...turn, recheck: undefined }, config, deps.now()) };
      });
      if (outcome.kind === "wait") {
        await turns.save(outcome.turn);
        return false;
      }
      await storage.delete(KEYS.turn);
      await deps.progress.react(turn.origin, outcome.kind === "done" ? REACTION.done : REACTION.failed);
      if (outcome.kind === "done") await deps.endings.finished(turn, [], outcome.exportable);
      else await deps.endings.failed(turn);
      return true;
    },

    /** The runner threw: recover a turn that was streaming, otherwise drop it and say what failed. */
    async crashed(turn: ActiveTurn, error: unknown): Promise<void> {
      deps.log("turn", error);
      if (error instanceof ChatUnreachableError) {
        await deps.markUnreachable();
        return;
      }
      const current = await turns.current();
      if (current?.id !== turn.id) return;
      if (current.phase === "streaming") {
        await turns.save(startRecovery(current, config, deps.now()));
        return;
      }
      await storage.delete(KEYS.turn);
      await deps.progress.react(turn.origin, REACTION.failed);
      const sender = deps.senderFor(turn.origin);
      // The "working on it" status would otherwise stay in the chat above the error.
      if (current.statusMessageId !== undefined) await sender.remove(current.statusMessageId).catch(() => {});
      await sender.send(messageForError(error, turn.origin.lang), { replyTo: turn.origin.messageId }).catch(() => {});
    },
  };
}
