import type { Context, MiddlewareFn } from "grammy/web";
import type { Config } from "../config";
import { langFromCode, t } from "../i18n";
import { noteOutcome } from "../telegram/outcome";
import { createChatSender } from "../telegram/sender";
import { ACCESS_KEYS, isAdmin, isAllowed } from "./access";
import { factsOf, type UpdateFacts } from "./update-facts";

export type AccessGateDeps = {
  config: Pick<Config, "ALLOWED_CHAT_IDS" | "ALLOWED_USER_IDS" | "ADMIN_USER_IDS">;
  chatId: number;
  storage: DurableObjectStorage;
  /** Called for every update let through (the desk reports the chat active, at most hourly). */
  admitted(): Promise<void>;
};

/**
 * The first middleware of the chat's bot: who may use this chat. An admin in their private chat always
 * may; otherwise a chat an admin blocked, or one neither allowlist names, gets one polite refusal and
 * nothing more: the update goes no further, so it reaches neither NemoVideo nor the chat's work.
 */
export function accessGate(deps: AccessGateDeps): MiddlewareFn<Context> {
  const { config, storage, chatId } = deps;
  return async (ctx, next) => {
    // Read from the raw update, defensively: nothing has checked its shape yet.
    const facts = factsOf({ ...ctx.update }, ctx.me);
    const adminHere = facts.chatType === "private" && isAdmin(config, facts.userId);
    if (!adminHere) {
      const blocked = (await storage.get(ACCESS_KEYS.blocked)) === true;
      if (blocked || !isAllowed(config, chatId, facts.userId)) {
        await refuseOnce(ctx, facts, blocked);
        noteOutcome(ctx, blocked ? "blocked" : "refused");
        return;
      }
    }
    await deps.admitted();
    await next();
  };

  async function refuseOnce(ctx: Context, facts: UpdateFacts, blocked: boolean): Promise<void> {
    if (!facts.speaksToBot || (await storage.get(ACCESS_KEYS.refused)) === true) return;
    // Remembered before sending: a failed send must not turn into a refusal per message.
    await storage.put(ACCESS_KEYS.refused, true);
    const texts = t(langFromCode(facts.languageCode)).operator;
    await createChatSender(ctx.api, { chatId }).send(blocked ? texts.blocked : texts.notAllowed);
  }
}
