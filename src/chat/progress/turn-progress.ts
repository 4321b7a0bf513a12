import type { InlineKeyboardMarkup } from "grammy/types";
import type { Config } from "../../config";
import { t } from "../../i18n";
import { fnv1a } from "../../shared/fnv";
import { CALLBACK } from "../../telegram/callbacks";
import type { ChatSender } from "../../telegram/sender";
import { decoration } from "../../telegram/sender";
import type { Origin } from "../storage";
import { type ChatProgress, isPrivateChat } from "./chat-progress";

/** Keeps a live draft readable: the end of a long answer is what is being written. */
const DRAFT_TEXT_KEPT = 3_500;

export type TurnProgress = ReturnType<typeof createTurnProgress>;

export type TurnProgressDeps = {
  config: Config;
  now: () => number;
  sender: ChatSender;
  chat: ChatProgress;
  /** Whether the chat still has room for a decoration edit (groups: ~20 messages a minute). */
  room: () => number;
};

/** The Stop button of a running turn or render: it names who started the work (groups: who may stop it). */
export function stopButtons(origin: Pick<Origin, "lang" | "userId">): InlineKeyboardMarkup {
  return { inline_keyboard: [[{ text: t(origin.lang).progress.stop, callback_data: CALLBACK.stop(origin.userId) }]] };
}

/**
 * What a running turn shows. Its status message carries the Stop button. Private chats also get a live
 * draft (the stage, the time so far and the answer as it streams), sent again before Telegram drops it
 * and never more than once per DRAFT_MIN_INTERVAL_MS. In groups the status is the only sign: its edits
 * are at least GROUP_STATUS_EDIT_MS apart (the latest text wins) and skipped when the chat's message
 * budget is nearly spent, so answers always have room.
 */
export function createTurnProgress(
  deps: TurnProgressDeps,
  turn: { id: string; origin: Origin; startedAt: number; statusMessageId?: number },
) {
  const { config, now, sender } = deps;
  const texts = t(turn.origin.lang);
  const privateChat = isPrivateChat(turn.origin.chatId);
  const draftId = Number.parseInt(fnv1a(turn.id), 16) % 2_000_000_000 || 1;
  const buttons = stopButtons(turn.origin);
  let statusMessageId = turn.statusMessageId;
  let stage = texts.working;
  let partial = "";
  let closed = false;
  let lastDraftAt = Number.NEGATIVE_INFINITY;
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  let lastEditAt = Number.NEGATIVE_INFINITY;
  let lastStillAt = turn.startedAt;
  let pendingEdit: string | undefined;
  let shownText: string = texts.working;
  let editTimer: ReturnType<typeof setTimeout> | undefined;

  const sendDraft = async () => {
    draftTimer = undefined;
    if (closed || !privateChat) return;
    lastDraftAt = now();
    const shown = partial.length > DRAFT_TEXT_KEPT ? `…${partial.slice(-DRAFT_TEXT_KEPT)}` : partial;
    await deps.chat.draft(turn.origin, draftId, texts.progress.draft(stage, now() - turn.startedAt, shown));
  };
  /** A draft now, or as soon as the minimum interval allows (one pending at most: it shows the latest). */
  const draftSoon = async () => {
    if (closed || !privateChat || draftTimer) return;
    const wait = lastDraftAt + config.DRAFT_MIN_INTERVAL_MS - now();
    if (wait <= 0) return sendDraft();
    draftTimer = setTimeout(() => void sendDraft(), wait);
  };

  const editNow = async () => {
    editTimer = undefined;
    const text = pendingEdit;
    pendingEdit = undefined;
    // The same text again would be "not modified" and still count against a group's message budget.
    if (closed || text === undefined || statusMessageId === undefined || text === shownText) return;
    // A group near its message budget keeps the room for answers; the status catches up later.
    if (!privateChat && deps.room() <= 2) return;
    lastEditAt = now();
    shownText = text;
    const id = statusMessageId;
    await decoration(config, "status_edit", () => sender.edit(id, text, { buttons }));
  };
  const editStatus = async (text: string) => {
    pendingEdit = text;
    if (editTimer) return;
    const gap = privateChat ? 0 : config.GROUP_STATUS_EDIT_MS;
    const wait = lastEditAt + gap - now();
    if (wait <= 0) return editNow();
    editTimer = setTimeout(() => void editNow(), wait);
  };

  return {
    /** Sends the status message with its Stop button; answers its id. */
    async open(): Promise<number> {
      if (statusMessageId === undefined) {
        // kind "status": a status that cannot be sent is skipped, never kept for the alarm (issue 16).
        statusMessageId = await sender.send(texts.working, { replyTo: turn.origin.messageId, buttons, kind: "status" });
        lastEditAt = now();
      }
      // Not awaited: the status id must be stored at once, so a Stop pressed right away finds it.
      void draftSoon();
      return statusMessageId;
    },
    async stage(label: string): Promise<void> {
      stage = label;
      await editStatus(label);
      await draftSoon();
    },
    /** A fragment of agent text being written (ADK `partial: true`). */
    async partial(fragment: string): Promise<void> {
      partial += fragment;
      await draftSoon();
    },
    /** The full text arrived as a real message: the draft starts over for what comes next. */
    textSent(): void {
      partial = "";
    },
    /** Called by the turn's watchdog: keeps the draft alive and folds "still working" into the status. */
    async tick(elapsedMs: number): Promise<void> {
      if (privateChat && now() - lastDraftAt >= config.DRAFT_REFRESH_MS) await draftSoon();
      if (now() - Math.max(lastEditAt, lastStillAt) >= config.STILL_WORKING_INTERVAL_MS) {
        // Counted from the attempt, so a skipped edit is tried again an interval later, not at every tick.
        lastStillAt = now();
        await editStatus(`${stage}\n${texts.stillWorking(elapsedMs)}`);
        await sender.action("typing").catch(() => {});
      }
    },
    /** No more drafts or edits: the turn's real messages follow (or the status is being removed). */
    close(): void {
      closed = true;
      if (draftTimer) clearTimeout(draftTimer);
      if (editTimer) clearTimeout(editTimer);
      draftTimer = editTimer = undefined;
    },
  };
}
