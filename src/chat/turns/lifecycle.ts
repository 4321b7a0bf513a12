import { logEvent } from "../../log";
import { isTelegramTransportFailure } from "../../telegram/retry-policy";
import { ChatUnreachableError, removeQuietly } from "../../telegram/sender";
import { createTurnProgress, REACTION } from "../progress";
import { isTransientFailure, messageForError } from "../session";
import type { ActiveTurn } from "../storage";
import { createRawClipPreview } from "./raw-clip";
import { recheckTurn, startRecovery } from "./recovery";
import { runAgentTurn } from "./runner";
import { phasesBefore } from "./store";
import type { TurnLifecycleDeps, TurnOutcome } from "./types";

export type TurnLifecycle = ReturnType<typeof createTurnLifecycle>;

/** A turn that failed in transport before reaching the agent is started again this many times at most. */
const MAX_START_FAILURES = 3;

/** NemoVideo or Telegram did not answer (or answered 5xx): worth another start of a turn never sent. */
function isTransportFailure(error: unknown): boolean {
  return isTransientFailure(error) || isTelegramTransportFailure(error);
}

/**
 * The life of a claimed turn: its stream, the recovery of a stream that was lost, the rechecks of a
 * recovering turn and the crash of its runner. Starting the next turn is the queue's part (chat/turns/queue.ts).
 */
export function createTurnLifecycle(deps: TurnLifecycleDeps) {
  const { config, turns } = deps;
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
          // Only while it is still the chat's turn, in a phase that may lead to this one (a /cancel may have dropped it).
          persist: async (next) => {
            await turns.transition(next.id, phasesBefore(next.phase), () => next);
          },
          progress,
          signal,
          previewClip: createRawClipPreview(deps.api, deps.senderFor),
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
        const recovering = await turns.transition(turn.id, ["starting", "streaming", "recovering"], (current) =>
          startRecovery(current, config, deps.now()),
        );
        if (recovering) await deps.requestWake(recovering.recheck?.nextAt ?? deps.now());
        return;
      }
      await turns.end(turn.id);
      if (outcome.kind === "done") {
        await deps.endings.finished(latest, outcome.actions, outcome.exportable, outcome.extras, outcome.after);
      }
    },

    /** Reads NemoVideo for a recovering turn; true when the turn ended (done or failed), so the next may start. */
    async recheck(turn: ActiveTurn): Promise<boolean> {
      const sender = deps.senderFor(turn.origin);
      const outcome = await recheckTurn({ session: deps.session, sender, now: deps.now }, turn).catch((error) => {
        deps.log("recheck", error);
        return { kind: "wait" as const, turn: startRecovery({ ...turn, recheck: undefined }, config, deps.now()) };
      });
      if (outcome.kind === "wait") {
        await turns.transition(turn.id, ["recovering"], () => outcome.turn);
        return false;
      }
      await turns.end(turn.id);
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
        await turns.transition(turn.id, ["streaming"], (latest) => startRecovery(latest, config, deps.now()));
        return;
      }
      // Failed in transport before the message could reach the agent: nothing was sent, so the turn is
      // safely started again by the alarm, a few times, instead of ending unanswered (issue 16).
      const failures = (current.startFailures ?? 0) + 1;
      if (isTransportFailure(error) && failures <= MAX_START_FAILURES) {
        await turns.transition(turn.id, ["starting"], (latest) => ({ ...latest, startFailures: failures }));
        await deps.requestWake(deps.now() + config.WATCHDOG_INTERVAL_MS);
        return;
      }
      await turns.end(turn.id);
      await deps.progress.react(turn.origin, REACTION.failed);
      const sender = deps.senderFor(turn.origin);
      // The "working on it" status would otherwise stay in the chat above the error.
      await removeQuietly(sender, current.statusMessageId);
      await sender.send(messageForError(error, turn.origin.lang), { replyTo: turn.origin.messageId }).catch(() => {});
    },
  };
}
