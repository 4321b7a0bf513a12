import type { InlineKeyboardMarkup } from "grammy/types";
import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { logEvent } from "../../log";
import type { Extra } from "../../nemo/generation";
import type { ChatActions } from "../../telegram/actions";
import { CALLBACK } from "../../telegram/callbacks";
import type { ChatSender } from "../../telegram/sender";
import type { RenderFlow } from "../renders";
import { type ActiveTurn, chatStorage, type DraftRead, type Origin, type QueuedTurn } from "../storage";
import type { ExtrasOffers } from "./extras-offer";

/** Failed turns kept for their Retry button. */
const FAILED_TURNS_KEPT = 20;

export type TurnEndingsDeps = {
  storage: DurableObjectStorage;
  senderFor: (origin: Origin) => ChatSender;
  renders: Pick<RenderFlow, "start" | "startIfChanged">;
  config: Pick<Config, "AUTO_EXPORT" | "LOG_LEVEL">;
  /** The quick answers a finished turn may ask for ("show_timeline", "show_credits"). */
  answers: Pick<ChatActions, "timeline" | "credits">;
  /** False when no claim link may leave the bot (claimLinkAudience "nobody"): no Open button then. */
  offerOpen?: boolean;
  /** Keep / Remove extras after a generation whose post-production added some (issue 14). */
  extras?: Pick<ExtrasOffers, "offer">;
};

export type TurnEndings = ReturnType<typeof createTurnEndings>;

/** What the chat says and does once an agent turn is over: the next steps, or a failure with its Retry. */
export function createTurnEndings(deps: TurnEndingsDeps) {
  const store = chatStorage(deps.storage);

  return {
    /** What follows a finished turn: the export it asked for, or the buttons to continue. */
    async finished(
      turn: ActiveTurn,
      actions: string[],
      exportable: boolean | undefined,
      extras: Extra[] = [],
      after?: DraftRead,
    ): Promise<void> {
      const texts = t(turn.origin.lang);
      if (extras.length > 0) await deps.extras?.offer(turn, extras);
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
        buttons: nextStepButtons(turn.origin.lang, exportable !== false, deps.offerOpen !== false),
      });
      // AUTO_EXPORT (issue 15): a change ends in its video; its render message, under these buttons, says the
      // updated video is on its way (Export meanwhile joins that render).
      // A state read that fails here costs only the automatic render: the turn is done and Export still works.
      if (deps.config.AUTO_EXPORT && exportable !== false) {
        await deps.renders.startIfChanged(turn.origin, after).catch((error) =>
          logEvent(deps.config, "warn", {
            event: "error",
            where: "auto_export",
            error: error instanceof Error ? error.name : "unknown",
          }),
        );
      }
    },

    /** Keeps the failed turn for its Retry button and tells the chat. */
    async failed(turn: ActiveTurn): Promise<void> {
      await store.update("failedTurns", (stored) => {
        const failed = { ...stored };
        failed[turn.id] = { id: turn.id, text: turn.text, origin: turn.origin, queuedAt: turn.queuedAt };
        return Object.fromEntries(Object.entries(failed).slice(-FAILED_TURNS_KEPT));
      });
      const texts = t(turn.origin.lang);
      await deps.senderFor(turn.origin).send(texts.turnFailed, {
        replyTo: turn.origin.messageId,
        buttons: { inline_keyboard: [[{ text: texts.buttons.retry, callback_data: CALLBACK.retryTurn(turn.id) }]] },
      });
    },

    /** Removes and returns a kept failed turn (its Retry was pressed); undefined when no longer kept. */
    async takeFailed(turnId: string): Promise<QueuedTurn | undefined> {
      let previous: QueuedTurn | undefined;
      // Taken in one step: two presses of the same Retry queue it once.
      await store.update("failedTurns", (stored) => {
        previous = stored?.[turnId];
        if (!stored || !previous) return stored;
        const { [turnId]: _taken, ...rest } = stored;
        return rest;
      });
      return previous;
    },
  };
}

function nextStepButtons(lang: Lang, exportable: boolean, offerOpen: boolean): InlineKeyboardMarkup {
  const texts = t(lang);
  const first = exportable ? [{ text: texts.buttons.export, callback_data: CALLBACK.export }] : [];
  return {
    inline_keyboard: [
      [...first, { text: texts.buttons.timeline, callback_data: CALLBACK.timeline }],
      [
        { text: texts.buttons.credits, callback_data: CALLBACK.credits },
        ...(offerOpen ? [{ text: texts.buttons.open, callback_data: CALLBACK.open }] : []),
      ],
    ],
  };
}
