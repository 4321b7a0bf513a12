import { Composer } from "grammy/web";
import type { Origin } from "../../chat/storage";
import { t } from "../../i18n";
import type { ChatActions } from "../actions";
import { CALLBACK, CALLBACK_PATTERN } from "../callbacks";
import type { BotContext } from "../context";

/**
 * The inline buttons, each routed by its callback data (src/telegram/callbacks.ts). Telegram shows a
 * spinner until a press is answered, so every press is answered before its work starts; Stop answers
 * itself, since it may refuse. A button this version does not know (an old layout) says so instead.
 */
export function buttons(actions: ChatActions): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  /** Answers the press, then runs its work with the parts of the data the pattern captured. */
  const press = (trigger: string | RegExp, run: (origin: Origin, captured: (string | undefined)[]) => Promise<void>) =>
    composer.callbackQuery(trigger, async (ctx) => {
      await actions.answerCallback(ctx.origin, ctx.callbackQuery.id);
      await run(ctx.origin, typeof ctx.match === "string" ? [] : ctx.match.slice(1));
    });

  composer.callbackQuery(CALLBACK_PATTERN.stop, (ctx) => {
    const starter = ctx.match[1];
    return actions.stop(ctx.origin, ctx.callbackQuery.id, starter === "-" ? undefined : Number(starter));
  });
  press(CALLBACK.export, (origin) => actions.exportVideo(origin));
  press(CALLBACK.timeline, (origin) => actions.timeline(origin));
  press(CALLBACK.credits, (origin) => actions.credits(origin));
  press(CALLBACK_PATTERN.open, (origin) => actions.openLink(origin));
  press(CALLBACK_PATTERN.newConfirm, (origin, [replacing]) => actions.newProject(origin, true, replacing));
  press(CALLBACK.retryRender, (origin) => actions.retryRender(origin));
  press(CALLBACK_PATTERN.retryTurn, (origin, [turnId = ""]) => actions.retry(origin, turnId));
  press(CALLBACK_PATTERN.extras, (origin, [choice, offerId = ""]) =>
    actions.extras(origin, offerId, choice === "keep" ? "keep" : "remove"),
  );
  press(CALLBACK_PATTERN.language, (origin, [lang]) => actions.language(origin, lang === "zh" ? "zh" : "en"));

  composer.on("callback_query", (ctx) =>
    actions.answerCallback(ctx.origin, ctx.callbackQuery.id, t(ctx.origin.lang).buttonExpired),
  );
  return composer;
}
