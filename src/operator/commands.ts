import { Composer, type NextFunction } from "grammy/web";
import type { Origin } from "../chat/storage";
import type { Config } from "../config";
import { t } from "../i18n";
import { isChatAdmin } from "../telegram/chat-admins";
import type { BotContext } from "../telegram/context";
import { noteOutcome } from "../telegram/outcome";
import { type ChatSender, createChatSender } from "../telegram/sender";
import { isAdmin } from "./access";
import type { StatsSummary } from "./stats";

/** Callback data of the /forget confirmation; the asker's id rides along so only they can confirm. */
export const FORGET_CALLBACK = {
  yes: (userId: number | undefined) => `op:forget:yes:${userId ?? 0}`,
  no: "op:forget:no",
} as const;

export type OperatorCommandDeps = {
  config: Config;
  unknownCommand(origin: Origin): Promise<void>;
  stats(): Promise<StatsSummary>;
  setBlocked(chatId: string, blocked: boolean): Promise<void>;
  /** Deletes everything about this chat; resolves once nothing is left. */
  forget(): Promise<void>;
  /** Issue 19.3: whether this user may /forget now (once a day); records the use. */
  claimForget(userId: number | undefined): Promise<boolean>;
  /** The clock for the admin lookup's cache. */
  now: () => number;
};

/**
 * /stats, /block, /unblock (admins, private chat only: anyone else gets the ordinary unknown-command
 * answer, so the commands are not advertised) and /forget with its confirmation button. Installed in the
 * chat's bot before its own handlers; whatever it does not handle goes on to them. Every update it takes
 * is logged as an "operator" one.
 */
export function operatorCommands(deps: OperatorCommandDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  /** Answers in the chat (and forum topic) the update came from. */
  const senderFor = (ctx: BotContext): ChatSender =>
    createChatSender(ctx.api, { chatId: ctx.origin.chatId, threadId: ctx.origin.threadId });
  /** Marks the update as the operator's, for the chat's per-update log line. */
  const taken = (ctx: BotContext, next: NextFunction) => {
    noteOutcome(ctx, "operator");
    return next();
  };

  const admin = composer.command(["stats", "block", "unblock"], taken);
  admin.drop(
    (ctx) => ctx.chat?.type === "private" && isAdmin(deps.config, ctx.from?.id),
    (ctx) => deps.unknownCommand(ctx.origin),
  );

  admin.command("stats", async (ctx) => {
    const { origin } = ctx;
    const texts = t(origin.lang).operator;
    const summary = await deps.stats().catch(() => undefined);
    const tokens = summary?.anonymousTokens;
    const capLine = tokens && !deps.config.NEMO_TOKEN ? `\n${t(origin.lang).accounts.statsLine(tokens)}` : "";
    await senderFor(ctx).send(summary ? texts.stats(summary.day, summary.week) + capLine : texts.statsUnavailable);
  });

  for (const [command, blocked] of [
    ["block", true],
    ["unblock", false],
  ] as const) {
    admin.command(command, async (ctx) => {
      const texts = t(ctx.origin.lang).operator;
      const target = ctx.match.trim();
      const sender = senderFor(ctx);
      if (!/^-?\d{1,20}$/.test(target)) {
        await sender.send(texts.blockUsage);
        return;
      }
      await deps.setBlocked(target, blocked);
      await sender.send(blocked ? texts.chatBlocked(target) : texts.chatUnblocked(target));
    });
  }

  const forget = composer.command("forget", taken);
  // Forgetting a group's project is for everyone: only a chat admin may ask (issue 19).
  forget.drop(
    async (ctx) =>
      ctx.chat.type === "private" ||
      (ctx.from !== undefined && (await isChatAdmin(ctx.api, ctx.chat.id, ctx.from.id, deps.now()))),
    (ctx) => senderFor(ctx).send(t(ctx.origin.lang).adminOnly, { replyTo: ctx.origin.messageId }),
  );
  forget.use(async (ctx) => {
    const texts = t(ctx.origin.lang).operator;
    await senderFor(ctx).send(texts.forgetConfirm, {
      replyTo: ctx.origin.messageId,
      buttons: {
        inline_keyboard: [
          [
            { text: texts.buttons.forgetYes, callback_data: FORGET_CALLBACK.yes(ctx.from?.id) },
            { text: texts.buttons.forgetNo, callback_data: FORGET_CALLBACK.no },
          ],
        ],
      },
    });
  });

  composer.callbackQuery(/^op:forget:(yes:(\d+)|no)$/, taken, async (ctx) => {
    const asker = ctx.match[2];
    await ctx.answerCallbackQuery().catch(() => undefined);
    // In a group only the person who asked can confirm; others' taps are just acknowledged.
    if (asker !== undefined && asker !== "0" && asker !== String(ctx.from.id)) return;
    const texts = t(ctx.origin.lang);
    const sender = senderFor(ctx);
    const confirmId = ctx.callbackQuery.message?.message_id;
    /** The confirmation question gives way to its answer (or the answer follows when it is gone). */
    const answer = (html: string) => (confirmId !== undefined ? sender.edit(confirmId, html) : sender.send(html));
    if (asker === undefined) return answer(texts.operator.forgetKept);
    if (!(await deps.claimForget(ctx.from.id))) return answer(texts.accounts.forgetTooSoon);
    await deps.forget();
    await answer(texts.operator.forgetDone);
  });

  return composer;
}
