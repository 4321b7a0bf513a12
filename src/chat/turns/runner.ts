import { t } from "../../i18n";
import { NemoError, NemoHttpError, NemoInsufficientCreditsError, NemoTransportError } from "../../nemo/errors";
import { decoration, removeQuietly } from "../../telegram/sender";
import { messageForError, registerUrl } from "../session";
import type { ActiveTurn } from "../storage";
import { concludeTurn } from "./conclusion";
import { createEventReader } from "./events";
import { guardStream, type StreamGuard } from "./stream-guard";
import { turnRecord } from "./turn-record";
import type { TurnDeps, TurnOutcome } from "./types";

/**
 * One agent turn over /run_sse. The message is sent at most once: once the request may have reached the
 * agent, any failure ends in recovery by reading the state, never in a resend (a resend duplicates the
 * work and charges credits twice).
 */
export async function runAgentTurn(deps: TurnDeps, initial: ActiveTurn): Promise<TurnOutcome> {
  const { config, session, sender, progress } = deps;
  const lang = initial.origin.lang;
  const record = turnRecord(initial, deps.persist);

  // Decoration: a status or chat action Telegram does not take is skipped, the turn goes on (issue 16).
  const statusMessageId = await decoration(config, "turn_status", () => progress.open());
  if (record.current.statusMessageId === undefined && statusMessageId !== undefined) {
    await record.save({ statusMessageId });
  }
  await decoration(config, "chat_action", () => sender.action("typing"));
  if (record.current.snapshot === undefined) {
    const state = await session.read(lang, (project) => project.client.state(project.record.sessionId));
    await record.save({ snapshot: state.draft ?? {} });
  }

  const reader = createEventReader(deps, record);
  const guard = guardStream({
    config,
    now: deps.now,
    startedAt: record.current.startedAt,
    outside: deps.signal,
    tick: (elapsed) => progress.tick(elapsed),
  });
  try {
    await session.run(lang, async (project) => {
      // From here on the message may reach the agent: mark it so an eviction recovers instead of resending.
      await record.save({ phase: "streaming" });
      const events = await project.client.runTurn({
        sessionId: project.record.sessionId,
        text: record.current.text,
        signal: guard.signal,
      });
      for await (const event of events) {
        if (event.kind === "heartbeat") continue;
        guard.meaningful();
        await reader.read(event);
      }
    });
  } catch (error) {
    return await endAfterError(deps, record.current, error, guard);
  } finally {
    progress.close();
    guard.stop();
  }
  return await concludeTurn(deps, record.current, reader.actions());
}

/**
 * A turn whose stream failed: stopped (no credits, /cancel, Stop), recovered by reading the state when the
 * message may have reached the agent, or told the error when it cannot have.
 */
async function endAfterError(deps: TurnDeps, turn: ActiveTurn, error: unknown, guard: StreamGuard) {
  const { sender } = deps;
  const texts = t(turn.origin.lang);
  if (error instanceof NemoInsufficientCreditsError) {
    await sender.send(texts.outOfCredits({ registerUrl: await registerUrl(deps) }));
    await removeQuietly(sender, turn.statusMessageId);
    return STOPPED;
  }
  if (deps.signal?.aborted) {
    // Stopped (/cancel, Stop) before the status id was stored: the runner knows it, so it removes it.
    await removeQuietly(sender, turn.statusMessageId);
    return STOPPED;
  }
  const reachedAgent =
    turn.phase === "streaming" &&
    (guard.signal.aborted ||
      error instanceof NemoTransportError ||
      (error instanceof NemoHttpError && error.status >= 500) ||
      !(error instanceof NemoError));
  if (reachedAgent) {
    if (turn.statusMessageId !== undefined) {
      const text = guard.cutReason() === undefined ? texts.disconnectedWaiting : texts.turnTimedOut;
      await sender.edit(turn.statusMessageId, text).catch(() => {});
    }
    return RECOVER;
  }
  await removeQuietly(sender, turn.statusMessageId);
  await sender.send(messageForError(error, turn.origin.lang), { replyTo: turn.origin.messageId });
  return STOPPED;
}

const STOPPED: TurnOutcome = { kind: "stopped" };
const RECOVER: TurnOutcome = { kind: "recover" };
