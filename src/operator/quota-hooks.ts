import type { DraftRead, Origin } from "../chat/storage";
import { t } from "../i18n";
import type { ChatSender } from "../telegram/sender";
import type { Quotas } from "./quotas";

/** How the chat's work asks the daily limits before spending credits. */
export type QuotaHooks = {
  /** Counts an instruction as an agent turn, or refuses it; either way the user is told where they stand. */
  allowTurn(origin: Origin, sender: ChatSender): Promise<boolean>;
  /** The render flow with the chat's daily render limit in front of `start` (and of AUTO_EXPORT's `startIfChanged`). */
  limitRenders<
    F extends {
      start(origin: Origin): Promise<void>;
      startIfChanged?(origin: Origin, known?: DraftRead): Promise<boolean>;
    },
  >(flow: F, senderFor: (origin: Origin) => ChatSender): F;
};

export function createQuotaHooks(quotas: Quotas): QuotaHooks {
  return {
    async allowTurn(origin, sender) {
      const verdict = await quotas.takeTurn(origin.userId);
      if (verdict.kind === "unlimited") return true;
      const texts = t(origin.lang).operator;
      if (verdict.kind === "used-up") {
        await sender.send(texts.turnsUsedUp(verdict.limit, verdict.resetInMs), { replyTo: origin.messageId });
        return false;
      }
      await sender.send(texts.turnsLeft(verdict.left, verdict.limit, verdict.resetInMs), {
        replyTo: origin.messageId,
      });
      return true;
    },
    limitRenders(flow, senderFor) {
      return {
        ...flow,
        async start(origin: Origin) {
          const verdict = await quotas.peekRender();
          if (verdict.kind === "unlimited") return flow.start(origin);
          const texts = t(origin.lang).operator;
          if (verdict.kind === "used-up") {
            await senderFor(origin).send(texts.rendersUsedUp(verdict.limit, verdict.resetInMs), {
              replyTo: origin.messageId,
            });
            return;
          }
          // Only a render NemoVideo accepted counts (the observed fetch counts it): "nothing to export"
          // or a refused export costs nothing.
          const before = await quotas.rendersToday();
          await flow.start(origin);
          if ((await quotas.rendersToday()) === before) return;
          const now = await quotas.peekRender();
          if (now.kind === "unlimited") return;
          const left = now.kind === "allowed" ? now.left : 0;
          await senderFor(origin).send(texts.rendersLeft(left, now.limit, now.resetInMs));
        },
        // Issue 15: a render after a change is a render too. Used up: no render, the turn ends as without
        // AUTO_EXPORT (its Export button then says the limit is reached).
        ...(flow.startIfChanged
          ? {
              async startIfChanged(origin: Origin, known?: DraftRead) {
                const verdict = await quotas.peekRender();
                if (verdict.kind === "used-up") return false;
                return (await flow.startIfChanged?.(origin, known)) ?? false;
              },
            }
          : {}),
      };
    },
  };
}
