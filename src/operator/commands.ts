import { Composer } from "grammy/web";
import type { Origin } from "../chat/storage";
import type { Config } from "../config";
import { isChatAdmin } from "../telegram/chat-admins";
import type { BotContext } from "../telegram/context";
import { t } from "../telegram/messages";
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
  /** The clock for the admin lookup's cache (Date.now when absent). */
  now?: () => number;
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
  /** Marks the update as the operator's before handling it, for the chat's per-update log line. */
  const taken =
    <C extends BotContext>(handle: (ctx: C) => Promise<void>) =>
    async (ctx: C) => {
      noteOutcome(ctx, "operator");
      await handle(ctx);
    };
  const adminOnly = (run: (ctx: BotContext, texts: ReturnType<typeof t>["operator"]) => Promise<void>) =>
    taken(async (ctx: BotContext) => {
      if (ctx.chat?.type !== "private" || !isAdmin(deps.config, ctx.from?.id)) return deps.unknownCommand(ctx.origin);
      await run(ctx, t(ctx.origin.lang).operator);
    });

  composer.command(
    "stats",
    adminOnly(async (ctx, texts) => {
      const { origin } = ctx;
      const sender = senderFor(ctx);
      const summary = await deps.stats().catch(() => undefined);
      const tokens = summary?.anonymousTokens;
      const capLine = tokens && !deps.config.NEMO_TOKEN ? `\n${t(origin.lang).accounts.statsLine(tokens)}` : "";
      await sender.send(summary ? texts.stats(summary.day, summary.week) + capLine : texts.statsUnavailable);
    }),
  );

  for (const [command, blocked] of [
    ["block", true],
    ["unblock", false],
  ] as const) {
    composer.command(
      command,
      adminOnly(async (ctx, texts) => {
        const target = String(ctx.match ?? "").trim();
        const sender = senderFor(ctx);
        if (!/^-?\d{1,20}$/.test(target)) {
          await sender.send(texts.blockUsage);
          return;
        }
        await deps.setBlocked(target, blocked);
        await sender.send(blocked ? texts.chatBlocked(target) : texts.chatUnblocked(target));
      }),
    );
  }

  composer.command(
    "forget",
    taken(async (ctx) => {
      const { origin } = ctx;
      // Forgetting a group's project is for everyone: only a chat admin may ask (issue 19).
      const group = ctx.chat !== undefined && ctx.chat.type !== "private";
      if (group && !(ctx.from && (await isChatAdmin(ctx.api, origin.chatId, ctx.from.id, (deps.now ?? Date.now)())))) {
        await senderFor(ctx).send(t(origin.lang).adminOnly, { replyTo: origin.messageId });
        return;
      }
      const texts = t(origin.lang).operator;
      await senderFor(ctx).send(texts.forgetConfirm, {
        replyTo: origin.messageId,
        buttons: {
          inline_keyboard: [
            [
              { text: texts.buttons.forgetYes, callback_data: FORGET_CALLBACK.yes(ctx.from?.id) },
              { text: texts.buttons.forgetNo, callback_data: FORGET_CALLBACK.no },
            ],
          ],
        },
      });
    }),
  );

  composer.callbackQuery(
    /^op:forget:(yes:(\d+)|no)$/,
    taken(async (ctx) => {
      const asker = ctx.match[2];
      // In a group only the person who asked can confirm; others' taps are just acknowledged.
      if (asker !== undefined && asker !== "0" && asker !== String(ctx.from.id)) {
        await ctx.answerCallbackQuery().catch(() => undefined);
        return;
      }
      const { origin } = ctx;
      const texts = t(origin.lang).operator;
      await ctx.answerCallbackQuery().catch(() => undefined);
      const confirmId = ctx.callbackQuery.message?.message_id;
      const sender = senderFor(ctx);
      if (asker === undefined) {
        if (confirmId !== undefined) await sender.edit(confirmId, texts.forgetKept);
        else await sender.send(texts.forgetKept);
        return;
      }
      if (!(await deps.claimForget(ctx.from.id))) {
        const tooSoon = t(origin.lang).accounts.forgetTooSoon;
        if (confirmId !== undefined) await sender.edit(confirmId, tooSoon);
        else await sender.send(tooSoon);
        return;
      }
      await deps.forget();
      if (confirmId !== undefined) await sender.edit(confirmId, texts.forgetDone);
      else await sender.send(texts.forgetDone);
    }),
  );

  return composer;
}
