/**
 * The Keep / Remove extras choice after a two-stage generation (nemo-api.md §4.4): the backend added
 * music, a title or effects on its own, and the user may keep them or have the agent take them away.
 * Only the newest offer is live: a later generation's extras replace it, and a pressed button is used up,
 * so an old button says it is no longer active instead of acting on a project that has moved on.
 */
import { t } from "../../i18n";
import type { Extra } from "../../nemo/generation";
import { CALLBACK } from "../../telegram/callbacks";
import type { ChatSender } from "../../telegram/sender";
import { type ActiveTurn, chatStorage, type ExtrasOffer, type Origin } from "../storage";

export type ExtrasOffersDeps = {
  storage: DurableObjectStorage;
  senderFor: (origin: Origin) => ChatSender;
  /** Queues an instruction for the agent as a normal turn. */
  enqueue: (origin: Origin, text: string) => Promise<void>;
};

export type ExtrasOffers = ReturnType<typeof createExtrasOffers>;

export function createExtrasOffers(deps: ExtrasOffersDeps) {
  return {
    /** Names the extras and offers Keep / Remove extras; replaces any older offer. */
    async offer(turn: ActiveTurn, extras: Extra[]): Promise<void> {
      await chatStorage(deps.storage).put({ extrasOffer: { id: turn.id, extras } });
      const texts = t(turn.origin.lang).twoStage;
      await deps.senderFor(turn.origin).send(texts.extrasOffer(extras), {
        buttons: {
          inline_keyboard: [
            [
              { text: texts.keep, callback_data: CALLBACK.extras("keep", turn.id) },
              { text: texts.remove, callback_data: CALLBACK.extras("remove", turn.id) },
            ],
          ],
        },
      });
    },

    /** A press of Keep or Remove extras: acknowledged, or the removal queued as a normal agent turn. */
    async answer(origin: Origin, offerId: string, choice: "keep" | "remove"): Promise<void> {
      const texts = t(origin.lang).twoStage;
      const sender = deps.senderFor(origin);
      // Used up in one step: a double press acts once, the second is told the offer is gone.
      let offer: ExtrasOffer | undefined;
      await chatStorage(deps.storage).update("extrasOffer", (stored) => {
        if (stored?.id !== offerId) return stored;
        offer = stored;
        return undefined;
      });
      if (!offer) {
        await sender.send(texts.expired, { replyTo: origin.messageId });
        return;
      }
      if (choice === "keep") {
        await sender.send(texts.kept, { replyTo: origin.messageId });
        return;
      }
      await deps.enqueue(origin, removeInstruction(offer.extras));
    },

    async clear(): Promise<void> {
      await chatStorage(deps.storage).delete("extrasOffer");
    },
  };
}

/** What the agent is asked (in English, the language its tools are described in), naming each extra. */
export function removeInstruction(extras: Extra[]): string {
  const named = extras.map((e) => {
    const label = e.label ? ` "${e.label}"` : "";
    if (e.kind === "music") return `the background music${label}`;
    if (e.kind === "title") return `the title${label}`;
    if (e.kind === "text") return `the text${label}`;
    return e.label ? `the${label} effect` : "the effects";
  });
  const list = named.length <= 1 ? (named[0] ?? "") : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
  return `Remove the extras you added on your own after the raw clip: ${list}. Keep the raw clip itself as it is.`;
}
