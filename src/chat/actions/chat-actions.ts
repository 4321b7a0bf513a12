import { GrammyError } from "grammy/web";
import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { describeTimeline } from "../../nemo/draft";
import type { ChatActions, MediaMessage } from "../../telegram/actions";
import { type ChatSender, ChatUnreachableError } from "../../telegram/sender";
import type { MediaFlow } from "../media";
import { type ChatProgress, isPrivateChat, REACTION } from "../progress";
import { claimLinkAudience, type RenderFlow } from "../renders";
import { messageForError } from "../session";
import type { Origin } from "../storage";
import type { ExtrasOffers } from "../turns";
import type { UserRate } from "../user-rate";
import { type ChatChangesWork, createChatChanges } from "./chat-changes";
import type { TokenActions } from "./token-actions";

/**
 * What the quick answers need from the chat's work (chat-work.ts implements it): the parts they reach into
 * and the few chat-wide operations (with the chat-wide changes' own needs, chat-changes.ts), and nothing
 * else, so this file reads without the object around it.
 */
export interface ChatActionsWork extends ChatChangesWork {
  readonly config: Config;
  readonly renders: Pick<RenderFlow, "start" | "workspaceLink">;
  readonly media: Pick<MediaFlow, "add" | "links">;
  readonly tokens: TokenActions;
  readonly extras: Pick<ExtrasOffers, "clear" | "answer">;
  readonly progress: Pick<ChatProgress, "react" | "isChatAdmin">;
  readonly rate: UserRate;
  privateSender(userId: number): ChatSender;
  botUsername(): string;
  languageOf(languageCode: string | undefined): Promise<Lang>;
  enqueue(origin: Origin, text: string, options?: { oneShot?: boolean; wantsVideo?: boolean }): Promise<void>;
  registerUrl(): Promise<string | undefined>;
}

/**
 * What the bot can be asked to do (grammY's handlers call these), on top of the chat's work: quick
 * answers run at once, beside a running turn; instructions go to the turn queue. A quick answer that
 * fails ends in a clear message, never an error in the chat.
 */
export function createChatActions(work: ChatActionsWork): ChatActions {
  /** Albums already given their 👀 by this instance (a few recent ones are enough: albums settle in seconds). */
  const reactedAlbums: string[] = [];
  const firstOfAlbum = (mediaGroupId: string) => {
    if (reactedAlbums.includes(mediaGroupId)) return false;
    reactedAlbums.push(mediaGroupId);
    if (reactedAlbums.length > 50) reactedAlbums.shift();
    return true;
  };
  const quick = async (origin: Origin, body: (sender: ChatSender) => Promise<void>) => {
    const sender = work.senderFor(origin);
    try {
      await body(sender);
    } catch (error) {
      if (error instanceof ChatUnreachableError) throw error;
      work.log("quick", error);
      await sender.send(messageForError(error, origin.lang), { replyTo: origin.messageId });
    }
  };
  /** A quick action within the asker's per-minute limit (USER_QUICK_ACTIONS_PER_MINUTE); refused politely once. */
  const limited =
    (run: (origin: Origin) => Promise<void>) =>
    async (origin: Origin): Promise<void> => {
      const verdict = await work.rate.take("quick", origin.userId, work.config.USER_QUICK_ACTIONS_PER_MINUTE);
      if (verdict.ok) return run(origin);
      if (verdict.warn) {
        await work
          .senderFor(origin)
          .send(t(origin.lang).rateLimitedQuick(verdict.waitS), { replyTo: origin.messageId });
      }
    };
  return {
    ...createChatChanges(work, quick),
    languageOf: (code) => work.languageOf(code),
    start: (origin) =>
      quick(origin, async (sender) => {
        const texts = t(origin.lang);
        const statusId = await sender.send(texts.settingUp, { replyTo: origin.messageId });
        const record = await work.session.record();
        if (origin.languageCode && record.languageCode !== origin.languageCode) {
          await work.session.save({ ...record, languageCode: origin.languageCode });
        }
        try {
          await work.session.run(origin.lang, async () => undefined);
        } catch (error) {
          await sender.edit(statusId, messageForError(error, origin.lang));
          return;
        }
        await sender.edit(statusId, texts.greeting);
      }),
    say: (origin, key) =>
      quick(origin, async (sender) => void (await sender.send(t(origin.lang)[key], { replyTo: origin.messageId }))),
    help: limited((origin) =>
      quick(origin, async (sender) => void (await sender.send(t(origin.lang).help, { replyTo: origin.messageId }))),
    ),
    credits: limited((origin) =>
      quick(origin, async (sender) => {
        const balance = await work.session.read(origin.lang, (project) => project.client.credits());
        const more = { registerUrl: await work.registerUrl() };
        await sender.send(t(origin.lang).credits(balance, more), { replyTo: origin.messageId });
      }),
    ),
    timeline: limited((origin) =>
      quick(origin, async (sender) => {
        const state = await work.session.read(origin.lang, (project) => project.client.state(project.record.sessionId));
        const texts = t(origin.lang);
        const summary = texts.draft.timeline(describeTimeline(state.draft));
        await sender.send(summary === undefined ? texts.timelineEmpty : texts.timeline(summary), {
          replyTo: origin.messageId,
        });
      }),
    ),
    exportVideo: limited((origin) => quick(origin, async () => work.renders.start(origin))),
    retryRender: limited((origin) => quick(origin, async () => work.renders.start(origin))),
    instruction: (origin, text, options) => work.enqueue(origin, text, options),
    media: (origin, message: MediaMessage) =>
      quick(origin, async () => {
        // An album gets one 👀 before anything is downloaded or uploaded (its first item addressed to the bot).
        const addressed = isPrivateChat(origin.chatId) || message.addressed;
        if (addressed && (message.mediaGroupId === undefined || firstOfAlbum(message.mediaGroupId))) {
          await work.progress.react(origin, REACTION.seen);
        }
        await work.media.add(origin, message);
      }),
    mediaLinks: (origin, text) => work.media.links(origin, text),
    unsupportedMedia: (origin) =>
      quick(
        origin,
        async (sender) => void (await sender.send(t(origin.lang).unsupportedMedia, { replyTo: origin.messageId })),
      ),
    openLink: limited((origin) =>
      quick(origin, async (sender) => {
        const texts = t(origin.lang);
        const audience = claimLinkAudience(work.config, origin);
        if (audience === "nobody") {
          await sender.send(texts.openNotWithOperatorToken, { replyTo: origin.messageId });
          return;
        }
        const url = await work.renders.workspaceLink(origin.lang);
        const button = { inline_keyboard: [[{ text: texts.buttons.open, url }]] };
        if (audience === "chat") {
          await sender.send(texts.openLink, { buttons: button });
          return;
        }
        // A group's project: only to the member who asked, in their private chat with the bot.
        const sent =
          origin.userId !== undefined &&
          (await work
            .privateSender(origin.userId)
            .send(texts.openLinkForGroup, { buttons: button })
            .then(() => true)
            .catch((error) => {
              if (error instanceof ChatUnreachableError || error instanceof GrammyError) return false;
              throw error;
            }));
        await sender.send(sent ? texts.openSentPrivately : texts.openStartPrivately(work.botUsername()), {
          replyTo: origin.messageId,
        });
      }),
    ),
    token: (origin, argument, messageId, isPrivate) =>
      quick(origin, () => work.tokens.command(origin, argument, messageId, isPrivate)),
    tokenReply: async (origin, text, messageId) => {
      try {
        return await work.tokens.reply(origin, text, messageId);
      } catch (error) {
        if (error instanceof ChatUnreachableError) throw error;
        // Taken either way: a message that may hold a token must never go on to the agent.
        work.log("token", error);
        await work.senderFor(origin).send(t(origin.lang).accounts.tokenCheckFailed);
        return true;
      }
    },
    extras: (origin, offerId, choice) => quick(origin, () => work.extras.answer(origin, offerId, choice)),
    answerCallback: async (origin, id, text) => work.senderFor(origin).answerCallback(id, text),
  };
}
