import { t } from "../../i18n";
import { diffDrafts, isExportable, suggestNextSteps } from "../../nemo/draft";
import { type Extra, extrasAdded } from "../../nemo/generation";
import type { GuiAction } from "../../nemo/gui";
import { removeQuietly } from "../../telegram/sender";
import type { ActiveTurn } from "../storage";
import { rawDraftOf } from "./raw-clip";
import type { TurnDeps, TurnOutcome } from "./types";

/**
 * How a turn whose stream ended normally ends. A turn that said nothing is judged by its draft: any
 * difference, a style-only one too, is reported; an identical draft means the edit may still be on its way
 * and goes to recovery. A turn that spoke is done; the draft it left is read for the export and its extras.
 */
export async function concludeTurn(deps: TurnDeps, turn: ActiveTurn, actions: GuiAction[]): Promise<TurnOutcome> {
  const lang = turn.origin.lang;
  const readAfter = () =>
    deps.session.read(lang, async (project) => ({
      state: await project.client.state(project.record.sessionId),
      sessionId: project.record.sessionId,
    }));
  if (!turn.sawText) {
    const { state: after, sessionId } = await readAfter();
    const changes = diffDrafts(turn.snapshot, after.draft);
    if (changes.length === 0) return { kind: "recover" };
    const extras = extrasOf(turn, after);
    await deps.sender.send(t(lang).silentTurnReport(changes, suggestNextSteps(after.draft, changes)), {
      replyTo: turn.origin.messageId,
    });
    await removeQuietly(deps.sender, turn.statusMessageId);
    return {
      kind: "done",
      actions,
      exportable: isExportable(after.draft),
      extras,
      after: { draft: after.draft, sessionId },
    };
  }
  await removeQuietly(deps.sender, turn.statusMessageId);
  // Unread, the draft is unknown, not "not exportable": the export reads it again.
  const read = await readAfter().catch(() => undefined);
  if (!read) return { kind: "done", actions, exportable: undefined, extras: [] };
  const { state, sessionId } = read;
  return {
    kind: "done",
    actions,
    exportable: state.draft ? isExportable(state.draft) : false,
    extras: extrasOf(turn, state),
    after: { draft: state.draft, sessionId },
  };
}

/** What post-production added after this turn's generation, if the turn generated anything. */
function extrasOf(turn: ActiveTurn, after: { raw?: unknown; draft?: unknown }): Extra[] {
  return turn.generated === undefined ? [] : extrasAdded(turn.generated, rawDraftOf(after));
}
