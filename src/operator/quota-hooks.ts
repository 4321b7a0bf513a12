import { KEYS, type Origin, readKey, SCHEMAS } from "../chat/state";
import { t } from "../telegram/messages";
import type { ChatSender } from "../telegram/sender";
import type { Quotas } from "./quotas";

/** How the chat's work asks the daily limits before spending credits. */
export type QuotaHooks = {
  /** Counts an instruction as an agent turn, or refuses it; either way the user is told where they stand. */
  allowTurn(origin: Origin, sender: ChatSender): Promise<boolean>;
  /** The render flow with the chat's daily render limit in front of `start`. */
  limitRenders<F extends { start(origin: Origin): Promise<void> }>(
    flow: F,
    senderFor: (origin: Origin) => ChatSender,
  ): F;
};

export function createQuotaHooks(quotas: Quotas, storage: DurableObjectStorage): QuotaHooks {
  const renderIds = async () => Object.keys((await readKey(storage, KEYS.renders, SCHEMAS.renders)) ?? {});
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
          // Only a render that was really submitted counts: "nothing to export" or a refused export costs none.
          const before = new Set(await renderIds());
          await flow.start(origin);
          const submitted = (await renderIds()).some((id) => !before.has(id));
          if (!submitted) return;
          const counted = await quotas.countRender();
          if (counted.kind === "allowed") {
            await senderFor(origin).send(texts.rendersLeft(counted.left, counted.limit, counted.resetInMs));
          }
        },
      };
    },
  };
}
