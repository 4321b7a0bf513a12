import type { Config } from "../../config";
import { t } from "../../i18n";
import { diffDrafts, isExportable, suggestNextSteps } from "../../nemo/draft";
import { fnv1a } from "../../shared/fnv";
import type { ChatSender } from "../../telegram/sender";
import { removeQuietly } from "../../telegram/sender";
import type { NemoSession } from "../session";
import type { ActiveTurn } from "../storage";

/** After this many unchanged reads the turn is reported as failed (nemo-api.md §4.5). */
export const MAX_UNCHANGED_READS = 5;

export type RecheckOutcome =
  | { kind: "wait"; turn: ActiveTurn }
  | { kind: "done"; exportable: boolean }
  | { kind: "failed" };

/** The first recheck of a turn that lost its stream: never resend, read the state after STATE_RECHECK_MS. */
export function startRecovery(turn: ActiveTurn, config: Config, now: number): ActiveTurn {
  return {
    ...turn,
    phase: "recovering",
    recheck: turn.recheck ?? {
      nextAt: now + config.STATE_RECHECK_MS,
      delayMs: config.STATE_RECHECK_MS,
      unchangedReads: 0,
    },
  };
}

/**
 * One recheck: read the state and compare it with the snapshot taken before the turn. Changed, and the
 * same as at the previous read → report what changed; changed but still moving (the agent works on after
 * a lost stream: the raw clip first, then music and title) → read again after the same wait; unchanged →
 * wait twice as long; after MAX_UNCHANGED_READS unchanged reads → failed.
 */
export async function recheckTurn(
  deps: { session: NemoSession; sender: ChatSender; now: () => number },
  turn: ActiveTurn,
): Promise<RecheckOutcome> {
  const lang = turn.origin.lang;
  const texts = t(lang);
  const state = await deps.session.read(lang, (project) => project.client.state(project.record.sessionId));
  const after = state.draft ?? {};
  const changes = diffDrafts(turn.snapshot ?? {}, after);
  const recheck = turn.recheck ?? { nextAt: deps.now(), delayMs: 1, unchangedReads: 0 };
  if (changes.length > 0) {
    const fingerprint = fnv1a(JSON.stringify(after));
    if (recheck.lastChange !== fingerprint) {
      const settleCheck = { ...recheck, nextAt: deps.now() + recheck.delayMs, lastChange: fingerprint };
      return { kind: "wait", turn: { ...turn, recheck: settleCheck } };
    }
    await removeQuietly(deps.sender, turn.statusMessageId);
    await deps.sender.send(texts.silentTurnReport(changes, suggestNextSteps(after, changes)), {
      replyTo: turn.origin.messageId,
    });
    return { kind: "done", exportable: isExportable(after) };
  }
  const unchangedReads = recheck.unchangedReads + 1;
  if (unchangedReads >= MAX_UNCHANGED_READS) {
    await removeQuietly(deps.sender, turn.statusMessageId);
    return { kind: "failed" };
  }
  const delayMs = recheck.delayMs * 2;
  return { kind: "wait", turn: { ...turn, recheck: { nextAt: deps.now() + delayMs, delayMs, unchangedReads } } };
}
