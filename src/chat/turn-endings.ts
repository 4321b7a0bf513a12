import type { InlineKeyboardMarkup } from "grammy/types";
import { CALLBACK, type ChatActions } from "../telegram/bot";
import { type Lang, t } from "../telegram/messages";
import type { ChatSender } from "../telegram/sender";
import type { RenderFlow } from "./render-flow";
import type { ActiveTurn, Origin, QueuedTurn } from "./state";

/** Failed turns kept for their Retry button. */
const FAILED_TURNS_KEY = "failedTurns";
const FAILED_TURNS_KEPT = 20;

export type TurnEndingsDeps = {
  storage: DurableObjectStorage;
  senderFor: (origin: Origin) => ChatSender;
  renders: Pick<RenderFlow, "start">;
  /** The quick answers a finished turn may ask for ("show_timeline", "show_credits"). */
  answers: Pick<ChatActions, "timeline" | "credits">;
};

export type TurnEndings = ReturnType<typeof createTurnEndings>;

/** What the chat says and does once an agent turn is over: the next steps, or a failure with its Retry. */
export function createTurnEndings(deps: TurnEndingsDeps) {
  const readFailed = async () =>
    ((await deps.storage.get<Record<string, QueuedTurn>>(FAILED_TURNS_KEY)) ?? {}) as Record<string, QueuedTurn>;

  return {
    /** What follows a finished turn: the export it asked for, or the buttons to continue. */
    async finished(turn: ActiveTurn, actions: string[], exportable: boolean | undefined): Promise<void> {
      const texts = t(turn.origin.lang);
      if (actions.includes("show_timeline")) await deps.answers.timeline(turn.origin);
      if (actions.includes("show_credits")) await deps.answers.credits(turn.origin);
      // Unknown (the state could not be read) is not "no": the export reads the state again and says what
      // is missing if anything is, so a requested video is not silently dropped.
      if (exportable !== false && turn.oneShot) {
        await deps.renders.start(turn.origin);
        return;
      }
      await deps.senderFor(turn.origin).send(texts.whatNext, {
        replyTo: turn.origin.messageId,
        buttons: nextStepButtons(turn.origin.lang, exportable !== false),
      });
    },

    /** Keeps the failed turn for its Retry button and tells the chat. */
    async failed(turn: ActiveTurn): Promise<void> {
      const failed = await readFailed();
      failed[turn.id] = { id: turn.id, text: turn.text, origin: turn.origin, queuedAt: turn.queuedAt };
      const kept = Object.fromEntries(Object.entries(failed).slice(-FAILED_TURNS_KEPT));
      await deps.storage.put(FAILED_TURNS_KEY, kept);
      const texts = t(turn.origin.lang);
      await deps.senderFor(turn.origin).send(texts.turnFailed, {
        replyTo: turn.origin.messageId,
        buttons: { inline_keyboard: [[{ text: texts.buttons.retry, callback_data: CALLBACK.retryTurn(turn.id) }]] },
      });
    },

    /** Removes and returns a kept failed turn (its Retry was pressed); undefined when no longer kept. */
    async takeFailed(turnId: string): Promise<QueuedTurn | undefined> {
      const failed = await readFailed();
      const previous = failed[turnId];
      if (!previous) return undefined;
      delete failed[turnId];
      await deps.storage.put(FAILED_TURNS_KEY, failed);
      return previous;
    },
  };
}

function nextStepButtons(lang: Lang, exportable: boolean): InlineKeyboardMarkup {
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
