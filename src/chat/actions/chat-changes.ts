import { LANGUAGE_NAMES, t } from "../../i18n";
import type { ChatActions } from "../../telegram/actions";
import { CALLBACK, projectTag } from "../../telegram/callbacks";
import { type ChatSender, ChatUnreachableError } from "../../telegram/sender";
import type { Reachability } from "../outgoing";
import { type ChatProgress, isPrivateChat } from "../progress";
import type { NemoSession } from "../session";
import type { ChatFlags, Origin } from "../storage";
import type { ExtrasOffers } from "../turns";

/** What the chat-wide changes and the membership updates need from the chat's work (chat-work.ts). */
export interface ChatChangesWork {
  readonly session: NemoSession;
  readonly extras: Pick<ExtrasOffers, "clear">;
  readonly progress: Pick<ChatProgress, "isChatAdmin">;
  readonly reachability: Pick<Reachability, "markReachable">;
  senderFor(origin: Pick<Origin, "chatId" | "threadId">): ChatSender;
  log(where: string, error: unknown): void;
  mayChangeChat(origin: Pick<Origin, "chatId" | "userId">): Promise<boolean>;
  isOwnWork(userId: number | undefined): Promise<boolean>;
  cancelEverything(sender: ChatSender): Promise<boolean>;
  retryFailedTurn(origin: Origin, turnId: string): Promise<boolean>;
  updateFlags(change: (flags: ChatFlags) => ChatFlags | undefined): Promise<ChatFlags>;
  markUnreachable(): Promise<void>;
}

/** Runs a quick answer, ending a failure in a clear message (chat-actions.ts). */
export type Quick = (origin: Origin, body: (sender: ChatSender) => Promise<void>) => Promise<void>;

type ChatChanges = Pick<
  ChatActions,
  "cancel" | "newProject" | "language" | "stop" | "retry" | "addedToGroup" | "removedFromChat" | "reachableAgain"
>;

/**
 * What changes the chat for everyone — cancelling its work, a new project, its language, Stop and Retry —
 * and the bot joining, leaving or coming back to the chat. In a group a change needs a chat admin (or, to
 * cancel or stop, the person whose work it is).
 */
export function createChatChanges(work: ChatChangesWork, quick: Quick): ChatChanges {
  /** In groups, a change for everyone needs a chat admin (or, for /cancel, the person whose work it is). */
  const allowed = async (origin: Origin, ownWorkCounts = false): Promise<boolean> => {
    if (await work.mayChangeChat(origin)) return true;
    if (ownWorkCounts && (await work.isOwnWork(origin.userId))) return true;
    await work.senderFor(origin).send(t(origin.lang).adminOnly, { replyTo: origin.messageId });
    return false;
  };
  return {
    cancel: async (origin) => {
      if (!(await allowed(origin, true))) return;
      await quick(origin, async (sender) => {
        const cancelled = await work.cancelEverything(sender);
        await sender.send(t(origin.lang)[cancelled ? "cancelled" : "nothingToCancel"], { replyTo: origin.messageId });
      });
    },
    newProject: async (origin, confirmed, replacing) => {
      if (!(await allowed(origin))) return;
      await quick(origin, async (sender) => {
        const texts = t(origin.lang);
        const current = projectTag((await work.session.record()).sessionId);
        if (!confirmed) {
          const confirm = { text: texts.buttons.confirmNew, callback_data: CALLBACK.newConfirm(current) };
          await sender.send(texts.newProjectConfirm, {
            replyTo: origin.messageId,
            buttons: { inline_keyboard: [[confirm]] },
          });
          return;
        }
        // The project this confirmation was for is already replaced: a second press starts nothing.
        if (replacing !== undefined && replacing !== current) {
          await sender.send(texts.newProjectAlreadyStarted, { replyTo: origin.messageId });
          return;
        }
        await work.session.newProject(origin.lang);
        // An extras choice belongs to the old project: its buttons must not act on the new one.
        await work.extras.clear();
        await sender.send(texts.newProjectDone);
      });
    },
    language: async (origin, choice) => {
      if (!(await allowed(origin))) return;
      await quick(origin, async (sender) => {
        if (!choice) {
          await sender.send(t(origin.lang).languageChoose, {
            buttons: {
              inline_keyboard: [
                (["en", "zh"] as const).map((lang) => ({
                  text: LANGUAGE_NAMES[lang],
                  callback_data: CALLBACK.language(lang),
                })),
              ],
            },
          });
          return;
        }
        const record = await work.session.record();
        await work.session.save({ ...record, language: choice });
        await sender.send(t(choice).languageSet);
      });
    },
    stop: async (origin, callbackQueryId, starterId) => {
      const texts = t(origin.lang);
      const sender = work.senderFor(origin);
      // In a group, only the person who started the work or an admin may stop it for everyone.
      const allowed =
        isPrivateChat(origin.chatId) ||
        origin.userId === undefined ||
        origin.userId === starterId ||
        (await work.progress.isChatAdmin(origin.chatId, origin.userId));
      if (!allowed) {
        await sender.answerCallback(callbackQueryId, texts.progress.notYours);
        return;
      }
      const cancelled = await work.cancelEverything(sender).catch((error) => {
        if (error instanceof ChatUnreachableError) throw error;
        work.log("stop", error);
        return false;
      });
      await sender.answerCallback(callbackQueryId, cancelled ? texts.progress.stopped : texts.progress.nothingToStop);
      if (cancelled) await sender.send(texts.cancelled, { replyTo: origin.messageId });
    },
    retry: async (origin, turnId) => {
      if (!(await work.retryFailedTurn(origin, turnId))) await work.senderFor(origin).send(t(origin.lang).retryExpired);
    },
    addedToGroup: async (origin, botUsername) => {
      // Re-added after a removal: reachable again even when this membership was already greeted.
      await work.reachability.markReachable();
      const flags = await work.updateFlags((current) => ({ ...current, greeted: true }));
      if (flags.greeted) return;
      await work.senderFor(origin).send(t(origin.lang).groupGreeting(botUsername));
    },
    removedFromChat: async () => {
      await work.markUnreachable();
      // The next time the bot is added it greets again.
      await work.updateFlags((current) => ({ ...current, greeted: false }));
    },
    reachableAgain: () => work.reachability.markReachable(),
  };
}
