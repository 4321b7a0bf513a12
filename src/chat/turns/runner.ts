import type { Config } from "../../config";
import { t } from "../../i18n";
import { diffDrafts, isExportable, suggestNextSteps } from "../../nemo/draft";
import { NemoError, NemoHttpError, NemoInsufficientCreditsError, NemoTransportError } from "../../nemo/errors";
import {
  type Extra,
  extrasAdded,
  isGenerationTool,
  mentionsTemporaryIssue,
  withoutTemporaryIssue,
} from "../../nemo/generation";
import { type GuiAction, translateAgentText } from "../../nemo/gui";
import { type ChatSender, ChatUnreachableError, decoration, removeQuietly } from "../../telegram/sender";
import { splitMessage } from "../../telegram/text";
import type { TurnProgress } from "../progress";
import type { NemoSession } from "../session";
import { messageForError, registerUrl } from "../session";
import type { ActiveTurn, DraftRead } from "../storage";
import { type RawClipPreview, rawClipUrl, rawDraftOf } from "./raw-clip";

export type TurnDeps = {
  config: Config;
  session: NemoSession;
  sender: ChatSender;
  now: () => number;
  /** Persists the turn's progress so an evicted object can resume from it. */
  persist: (turn: ActiveTurn) => Promise<void>;
  /** What the turn shows while it runs: status with its Stop button, drafts, throttled edits. */
  progress: TurnProgress;
  signal?: AbortSignal;
  /** Sends a generation's raw clip into the chat as soon as it exists (issue 14). */
  previewClip?: RawClipPreview;
};

/** How a turn ended, for the Durable Object to decide what comes next. */
export type TurnOutcome =
  /** `exportable` is undefined when the state could not be read after the turn: unknown, not "no". */
  | {
      kind: "done";
      actions: GuiAction[];
      exportable: boolean | undefined;
      extras?: Extra[];
      /** The draft the turn left, as read at its end: an automatic export renders it without reading again. */
      after?: DraftRead;
    }
  | { kind: "recover" }
  | { kind: "stopped" };

/**
 * One agent turn over /run_sse. The message is sent at most once: once the request may have reached the
 * agent, any failure ends in recovery by reading the state, never in a resend (a resend duplicates the
 * work and charges credits twice).
 */
export async function runAgentTurn(deps: TurnDeps, initial: ActiveTurn): Promise<TurnOutcome> {
  const { config, session, sender, now, progress } = deps;
  const lang = initial.origin.lang;
  const texts = t(lang);
  let turn = initial;
  const save = async (patch: Partial<ActiveTurn>) => {
    turn = { ...turn, ...patch };
    await deps.persist(turn);
  };

  // Decoration: a status or chat action Telegram does not take is skipped, the turn goes on (issue 16).
  const statusMessageId = await decoration(config, "turn_status", () => progress.open());
  if (turn.statusMessageId === undefined && statusMessageId !== undefined) await save({ statusMessageId });
  await decoration(config, "chat_action", () => sender.action("typing"));

  if (turn.snapshot === undefined) {
    const state = await session.read(lang, (project) => project.client.state(project.record.sessionId));
    await save({ snapshot: state.draft ?? {} });
  }

  const actions = new Set<GuiAction>();
  /** A tool finished: a "temporary issue" remark after this is a trailing one and is dropped (§4.4). */
  let sawToolResult = false;
  /** Stage one of a generation is done: remember the draft (to name the extras added next), show the clip. */
  const generated = async (result: unknown) => {
    const state = await session
      .read(lang, (project) => project.client.state(project.record.sessionId))
      .catch(() => undefined);
    // Unread, the extras cannot be told from what was there before: then none are named.
    if (state) await save({ generated: rawDraftOf(state) ?? {} });
    const url = rawClipUrl(result, state);
    // A preview that cannot be sent must not cost the turn; a chat that blocked the bot still stops it.
    if (url && deps.previewClip) {
      await deps.previewClip(turn.origin, url).catch((error: unknown) => {
        if (error instanceof ChatUnreachableError) throw error;
      });
    }
  };
  let stage = texts.working;
  let lastMeaningfulAt = now();
  const controller = new AbortController();
  const abortFromOutside = () => controller.abort();
  deps.signal?.addEventListener("abort", abortFromOutside);
  // A /cancel or a block that came while the status was being sent must still stop the turn.
  if (deps.signal?.aborted) controller.abort();
  let abortReason: "timeout" | "heartbeats" | undefined;
  const watchdog = setInterval(
    () => {
      const elapsed = now() - turn.startedAt;
      if (elapsed > config.SSE_MAX_DURATION_MS) {
        abortReason = "timeout";
        controller.abort();
      } else if (now() - lastMeaningfulAt > config.HEARTBEAT_ONLY_TIMEOUT_MS) {
        abortReason = "heartbeats";
        controller.abort();
      } else {
        // Keeps a private chat's draft alive and folds "still working" into the status.
        void progress.tick(elapsed).catch(() => {});
      }
    },
    Math.max(25, Math.min(config.STILL_WORKING_INTERVAL_MS, 5_000) / 4),
  );

  try {
    await session.run(lang, async (project) => {
      // From here on the message may reach the agent: mark it so an eviction recovers instead of resending.
      await save({ phase: "streaming" });
      const events = await project.client.runTurn({
        sessionId: project.record.sessionId,
        text: turn.text,
        signal: controller.signal,
      });
      for await (const event of events) {
        if (event.kind === "heartbeat") continue;
        lastMeaningfulAt = now();
        if (event.kind === "tool_call") {
          const next = texts.stageForTool(event.name);
          if (next !== stage) {
            stage = next;
            await progress.stage(stage);
          }
          await decoration(config, "chat_action", () =>
            sender.action(/video|seedance/i.test(event.name) ? "upload_video" : "typing"),
          );
        } else if (event.kind === "tool_result") {
          sawToolResult = true;
          if (isGenerationTool(event.name)) await generated(event.result);
        } else if (event.kind === "partial") {
          await progress.partial(event.text);
        } else if (event.kind === "text") {
          progress.textSent();
          // "I encountered a temporary issue" after normal output is noise, not an error (§4.4).
          const trailing = mentionsTemporaryIssue(event.text) && (turn.sawText || sawToolResult);
          const translated = translateAgentText(trailing ? "" : withoutTemporaryIssue(event.text));
          for (const action of translated.actions) actions.add(action);
          if (translated.text.trim()) {
            // In groups every answer quotes the message that asked, so members see whom it answers.
            const replyTo = turn.origin.messageId;
            for (const [index, chunk] of splitMessage(texts.agentText(translated.text)).entries()) {
              await sender.send(chunk, index === 0 && replyTo !== undefined ? { replyTo } : {});
            }
            if (!turn.sawText) await save({ sawText: true });
          }
        } else if (event.kind === "error") {
          await sender.send(texts.backendError, { replyTo: turn.origin.messageId });
          if (!turn.sawText) await save({ sawText: true });
        }
      }
    });
  } catch (error) {
    if (error instanceof NemoInsufficientCreditsError) {
      await sender.send(texts.outOfCredits({ registerUrl: await registerUrl(deps) }));
      await clearStatus(deps, turn);
      return { kind: "stopped" };
    }
    if (deps.signal?.aborted) {
      // Stopped (/cancel, Stop) before the status id was stored: the runner knows it, so it removes it.
      await clearStatus(deps, turn);
      return { kind: "stopped" };
    }
    const reachedAgent =
      turn.phase === "streaming" &&
      (controller.signal.aborted ||
        error instanceof NemoTransportError ||
        (error instanceof NemoHttpError && error.status >= 500) ||
        !(error instanceof NemoError));
    if (reachedAgent) {
      if (turn.statusMessageId !== undefined) {
        await sender
          .edit(turn.statusMessageId, abortReason === undefined ? texts.disconnectedWaiting : texts.turnTimedOut)
          .catch(() => {});
      }
      return { kind: "recover" };
    }
    await clearStatus(deps, turn);
    await sender.send(messageForError(error, lang), { replyTo: turn.origin.messageId });
    return { kind: "stopped" };
  } finally {
    progress.close();
    clearInterval(watchdog);
    deps.signal?.removeEventListener("abort", abortFromOutside);
  }

  if (!turn.sawText) {
    const { state: after, sessionId } = await session.read(lang, async (project) => ({
      state: await project.client.state(project.record.sessionId),
      sessionId: project.record.sessionId,
    }));
    // Any difference at all, a style-only one too, is reported; only an identical draft means the edit
    // may still be on its way and goes to recovery.
    const changes = diffDrafts(turn.snapshot, after.draft);
    if (changes.length === 0) return { kind: "recover" };
    const extras = extrasOf(turn, after);
    await sender.send(texts.silentTurnReport(changes, suggestNextSteps(after.draft, changes)), {
      replyTo: turn.origin.messageId,
    });
    await clearStatus(deps, turn);
    return {
      kind: "done",
      actions: [...actions],
      exportable: isExportable(after.draft),
      extras,
      after: { draft: after.draft, sessionId },
    };
  }
  await clearStatus(deps, turn);
  const draft = await session
    .read(lang, async (project) => ({
      state: await project.client.state(project.record.sessionId),
      sessionId: project.record.sessionId,
    }))
    .then(({ state, sessionId }) => ({ read: true as const, draft: state.draft, state, sessionId }))
    .catch(() => ({ read: false as const, draft: undefined, state: undefined, sessionId: undefined }));
  return {
    kind: "done",
    actions: [...actions],
    exportable: draft.read ? (draft.draft ? isExportable(draft.draft) : false) : undefined,
    extras: draft.state ? extrasOf(turn, draft.state) : [],
    ...(draft.sessionId !== undefined ? { after: { draft: draft.draft, sessionId: draft.sessionId } } : {}),
  };
}

/** What post-production added after this turn's generation, if the turn generated anything. */
function extrasOf(turn: ActiveTurn, after: { raw?: unknown; draft?: unknown }): Extra[] {
  return turn.generated === undefined ? [] : extrasAdded(turn.generated, rawDraftOf(after));
}

async function clearStatus(deps: TurnDeps, turn: ActiveTurn) {
  await removeQuietly(deps.sender, turn.statusMessageId);
}
