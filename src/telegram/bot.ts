import type { UserFromGetMe } from "grammy/types";
import { Bot, type Context } from "grammy/web";
import type { Origin } from "../chat/storage";
import type { Config } from "../config";
import { addressedToBot } from "./addressing";
import { telegramRetry } from "./api";
import { routeText } from "./intents";
import { type Lang, langFromCode, t } from "./messages";

/** Everything the chat can be asked to do; the chat's Durable Object implements it. */
export interface ChatActions {
  languageOf(languageCode: string | undefined): Promise<Lang>;
  start(origin: Origin): Promise<void>;
  help(origin: Origin): Promise<void>;
  /** Sends one of the fixed texts. */
  say(origin: Origin, key: "uploadHelp" | "mentionedWithoutText" | "unknownCommand"): Promise<void>;
  credits(origin: Origin): Promise<void>;
  timeline(origin: Origin): Promise<void>;
  exportVideo(origin: Origin): Promise<void>;
  instruction(origin: Origin, text: string, options?: { wantsVideo?: boolean }): Promise<void>;
  media(origin: Origin, message: MediaMessage): Promise<void>;
  mediaLinks(origin: Origin, text: string): Promise<boolean>;
  unsupportedMedia(origin: Origin): Promise<void>;
  cancel(origin: Origin): Promise<void>;
  /** Asks first; `replacing` is the project tag the confirmation button was made for (see `projectTag`). */
  newProject(origin: Origin, confirmed: boolean, replacing?: string): Promise<void>;
  openLink(origin: Origin): Promise<void>;
  language(origin: Origin, choice?: Lang): Promise<void>;
  retry(origin: Origin, turnId: string): Promise<void>;
  retryRender(origin: Origin): Promise<void>;
  /** Issue 14: Keep or Remove the extras a generation's post-production added (`offerId` names the offer). */
  extras(origin: Origin, offerId: string, choice: "keep" | "remove"): Promise<void>;
  answerCallback(origin: Origin, callbackQueryId: string, text?: string): Promise<void>;
  /** /token: the user's own NemoVideo token (issue 17.3); `messageId` is the command's message. */
  token(origin: Origin, argument: string, messageId: number, isPrivate: boolean): Promise<void>;
  /** A private text that may carry the token /token asked for; true when it was taken as one. */
  tokenReply(origin: Origin, text: string, messageId: number): Promise<boolean>;
  /** The bot joined a group: greet once, explaining how to address it. */
  addedToGroup(origin: Origin, botUsername: string): Promise<void>;
  /** The Stop button (issue 18): does what /cancel does; answers the press itself (it may refuse). */
  stop(origin: Origin, callbackQueryId: string, starterId: number | undefined): Promise<void>;
  /** Blocked, kicked or left: stop all work and every message to this chat. */
  removedFromChat(): Promise<void>;
  /** Unblocked in a private chat (or re-added to a channel): messages may flow again. */
  reachableAgain(): Promise<void>;
}

/** The parts of a media message the bot needs, taken from whichever media field Telegram filled. */
export type MediaMessage = {
  kind: "photo" | "video" | "animation" | "document" | "audio";
  fileId: string;
  fileSize?: number;
  fileName?: string;
  mimeType?: string;
  caption: string;
  mediaGroupId?: string;
  updateId: number;
  messageId: number;
  /** In groups: whether this item itself addressed the bot (an album counts when any item does). */
  addressed: boolean;
};

/** Callback data: short, versionless verbs. A stale button simply runs the verb on the current project. */
export const CALLBACK = {
  export: "x:export",
  timeline: "x:timeline",
  credits: "x:credits",
  open: "x:open",
  /** Open under one render's video (unique per render, so a probe for an unanswered sendVideo finds only it). */
  openFor: (renderId: string) => `x:open:${renderId.slice(-16)}`,
  /** Names the project it would replace, so a second press (or an old confirmation) does not start another. */
  newConfirm: (replacing: string) => `x:new:yes:${replacing}`,
  retryTurn: (turnId: string) => `x:retry:${turnId}`,
  retryRender: "x:render:retry",
  language: (lang: Lang) => `x:lang:${lang}`,
  extras: (choice: "keep" | "remove", offerId: string) => `x:extras:${choice}:${offerId}`,
  /** Stop the running turn or render (issue 18); names who started it, who may stop it in a group. */
  stop: (starterId: number | undefined) => `x:stop:${starterId ?? "-"}`,
} as const;

/** A short tag of a project for callback data (≤ 64 bytes in all): the tail of its session id. */
export function projectTag(sessionId: string | undefined): string {
  return sessionId ? sessionId.slice(-16) : "-";
}

export function createBot(config: Config, botInfo: UserFromGetMe, actions: ChatActions): Bot {
  const bot = new Bot(config.BOT_TOKEN, { botInfo, client: { apiRoot: config.TELEGRAM_API_ROOT } });
  bot.api.config.use(telegramRetry(config));

  /**
   * Where the answer goes. Groups: a reply to the message that addressed the bot (for a button, the
   * message carrying it), so members see whom it answers; private chats need no quoting. A thread id only
   * for forum topic messages: a plain supergroup reply carries one too, and sending it back fails.
   */
  const originOf = async (ctx: Context): Promise<Origin> => {
    const message = ctx.msg;
    const chat = ctx.chat;
    if (!chat) throw new Error("update without chat reached a chat handler");
    // Updates are outside data: a field of the wrong type must not reach persisted state, where it would
    // fail the schema on the next read.
    const languageCode = typeof ctx.from?.language_code === "string" ? ctx.from.language_code : undefined;
    const userId = typeof ctx.from?.id === "number" ? ctx.from.id : undefined;
    const messageId = typeof message?.message_id === "number" ? message.message_id : undefined;
    return {
      chatId: chat.id,
      messageId: chat.type === "private" ? undefined : messageId,
      sourceMessageId: ctx.callbackQuery ? undefined : messageId,
      userId,
      threadId:
        message?.is_topic_message === true && typeof message.message_thread_id === "number"
          ? message.message_thread_id
          : undefined,
      lang: await actions.languageOf(languageCode),
      languageCode,
    };
  };

  // Edits and channel posts are deliberately not handled (see README "Edited messages and channels"):
  // acting on an edit would spend credits twice for one request, and a channel has nobody to answer.
  bot.on(["edited_message", "channel_post", "edited_channel_post"], () => undefined);

  bot.on("my_chat_member", async (ctx) => {
    const type = ctx.chat.type;
    const status = ctx.myChatMember.new_chat_member.status;
    const was = ctx.myChatMember.old_chat_member.status;
    if (status === "kicked" || status === "left") return actions.removedFromChat();
    const joined = (status === "member" || status === "administrator") && (was === "left" || was === "kicked");
    if (!joined) return; // a promotion or a permission change: nothing to say
    if (type === "group" || type === "supergroup") return actions.addedToGroup(await originOf(ctx), ctx.me.username);
    // A private chat unblocked, or a channel: reachable again, nobody to greet.
    await actions.reachableAgain();
  });

  bot.on("callback_query", async (ctx) => {
    const data = ctx.callbackQuery.data ?? "";
    if (!ctx.chat) {
      // A button on an inline message carries no chat; there is nowhere to act.
      await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    const origin = await originOf(ctx);
    const stop = /^x:stop:(-?\d+|-)$/.exec(data);
    if (stop) return actions.stop(origin, ctx.callbackQuery.id, stop[1] === "-" ? undefined : Number(stop[1]));
    const run = callbackAction(data, origin, actions);
    // Telegram shows a spinner until the query is answered, so every press is answered first; a button
    // this version does not know (an old layout) says so instead of failing.
    await actions.answerCallback(origin, ctx.callbackQuery.id, run ? undefined : t(origin.lang).buttonExpired);
    if (run) await run();
  });

  // In groups only messages addressed to the bot go further; everything else costs nothing. Album items
  // go on even unaddressed: the mention may sit on a sibling's caption, and the media flow decides.
  const addressed = bot.on("message").filter((ctx) => {
    const result = addressedToBot(ctx.message, { id: ctx.me.id, username: ctx.me.username }, ctx.chat.type);
    return result.addressed || ctx.message.media_group_id !== undefined;
  });

  // A matched command ends here (no next()), so it never also reaches the text handler below.
  addressed.command("start", async (ctx) => actions.start(await originOf(ctx)));
  addressed.command("help", async (ctx) => actions.help(await originOf(ctx)));
  addressed.command(["credits", "balance"], async (ctx) => actions.credits(await originOf(ctx)));
  addressed.command(["status", "timeline"], async (ctx) => actions.timeline(await originOf(ctx)));
  addressed.command("export", async (ctx) => actions.exportVideo(await originOf(ctx)));
  addressed.command("cancel", async (ctx) => actions.cancel(await originOf(ctx)));
  addressed.command("new", async (ctx) => actions.newProject(await originOf(ctx), false));
  addressed.command("open", async (ctx) => actions.openLink(await originOf(ctx)));
  addressed.command("token", async (ctx) =>
    actions.token(await originOf(ctx), String(ctx.match ?? ""), ctx.message.message_id, ctx.chat.type === "private"),
  );
  addressed.command("language", async (ctx) => {
    const arg = ctx.match.trim().toLowerCase();
    const choice = arg.startsWith("zh") || arg === "中文" ? "zh" : arg.startsWith("en") ? "en" : undefined;
    await actions.language(await originOf(ctx), choice);
  });

  addressed.on("message:text", async (ctx) => {
    const bot = { id: ctx.me.id, username: ctx.me.username };
    if (ctx.message.text.startsWith("/")) {
      // Not one of ours. In a private chat, or named for this bot, say so; a bare unknown command in a
      // group is probably for another bot.
      const named =
        /^\/[A-Za-z0-9_]+@([A-Za-z0-9_]+)/.exec(ctx.message.text)?.[1]?.toLowerCase() === bot.username.toLowerCase();
      if (ctx.chat.type === "private" || named) await actions.say(await originOf(ctx), "unknownCommand");
      return;
    }
    const { text } = addressedToBot(ctx.message, bot, ctx.chat.type);
    const origin = await originOf(ctx);
    // A token asked for by /token is read from private chats only, before anything could forward it.
    if (ctx.chat.type === "private" && (await actions.tokenReply(origin, text, ctx.message.message_id))) return;
    if (await actions.mediaLinks(origin, text)) return;
    const route = routeText(text);
    if (route.kind === "export") return actions.exportVideo(origin);
    if (route.kind === "credits") return actions.credits(origin);
    if (route.kind === "status") return actions.timeline(origin);
    if (route.kind === "upload") return actions.say(origin, "uploadHelp");
    if (!text.trim()) return actions.say(origin, "mentionedWithoutText");
    await actions.instruction(origin, route.text, { wantsVideo: /\b(send|give) me the video\b/i.test(text) });
  });

  addressed.on(
    ["message:photo", "message:video", "message:animation", "message:document", "message:audio"],
    async (ctx) => {
      const media = mediaOf(ctx, update_id(ctx));
      if (!media) return actions.unsupportedMedia(await originOf(ctx));
      const { text, addressed } = addressedToBot(
        ctx.message,
        { id: ctx.me.id, username: ctx.me.username },
        ctx.chat.type,
      );
      await actions.media(await originOf(ctx), { ...media, caption: text, addressed });
    },
  );

  addressed.on(
    ["message:voice", "message:sticker", "message:video_note", "message:location", "message:contact"],
    async (ctx) => actions.unsupportedMedia(await originOf(ctx)),
  );

  return bot;
}

/** The work a button asks for, or undefined for data this version does not know. */
function callbackAction(data: string, origin: Origin, actions: ChatActions): (() => Promise<void>) | undefined {
  if (data === CALLBACK.export) return () => actions.exportVideo(origin);
  if (data === CALLBACK.timeline) return () => actions.timeline(origin);
  if (data === CALLBACK.credits) return () => actions.credits(origin);
  if (data === CALLBACK.open || data.startsWith(`${CALLBACK.open}:`)) return () => actions.openLink(origin);
  const confirmNew = /^x:new:yes(?::(.+))?$/.exec(data);
  if (confirmNew) return () => actions.newProject(origin, true, confirmNew[1]);
  if (data === CALLBACK.retryRender) return () => actions.retryRender(origin);
  const retry = /^x:retry:(.+)$/.exec(data);
  if (retry?.[1]) {
    const turnId = retry[1];
    return () => actions.retry(origin, turnId);
  }
  const extras = /^x:extras:(keep|remove):(.+)$/.exec(data);
  if (extras?.[2]) {
    const [choice, offerId] = [extras[1] === "keep" ? "keep" : "remove", extras[2]] as const;
    return () => actions.extras(origin, offerId, choice);
  }
  if (data === CALLBACK.language("en")) return () => actions.language(origin, "en");
  if (data === CALLBACK.language("zh")) return () => actions.language(origin, "zh");
  return undefined;
}

function update_id(ctx: Context): number {
  return ctx.update.update_id;
}

/**
 * The media of a message. Only names Telegram gives are kept: a file without one is named for people
 * ("Photo 1", "Clip 2") when it is queued for upload (src/chat/media-names.ts), never after a message id.
 */
function mediaOf(ctx: Context, updateId: number): Omit<MediaMessage, "caption" | "addressed"> | undefined {
  const message = ctx.message;
  if (!message) return undefined;
  const common = { mediaGroupId: message.media_group_id, updateId, messageId: message.message_id };
  if (message.photo && message.photo.length > 0) {
    // Telegram lists the sizes smallest first; the largest is the original quality.
    const largest = message.photo.reduce((best, size) =>
      (size.file_size ?? size.width * size.height) > (best.file_size ?? best.width * best.height) ? size : best,
    );
    return {
      kind: "photo",
      fileId: largest.file_id,
      fileSize: largest.file_size,
      mimeType: "image/jpeg",
      ...common,
    };
  }
  if (message.animation) {
    const a = message.animation;
    return {
      kind: "animation",
      fileId: a.file_id,
      fileSize: a.file_size,
      fileName: a.file_name,
      mimeType: a.mime_type ?? "video/mp4",
      ...common,
    };
  }
  if (message.video) {
    const v = message.video;
    return {
      kind: "video",
      fileId: v.file_id,
      fileSize: v.file_size,
      fileName: v.file_name,
      mimeType: v.mime_type ?? "video/mp4",
      ...common,
    };
  }
  if (message.audio) {
    const a = message.audio;
    return {
      kind: "audio",
      fileId: a.file_id,
      fileSize: a.file_size,
      fileName: a.file_name,
      mimeType: a.mime_type ?? "audio/mpeg",
      ...common,
    };
  }
  if (message.document) {
    const d = message.document;
    return {
      kind: "document",
      fileId: d.file_id,
      fileSize: d.file_size,
      fileName: d.file_name,
      mimeType: d.mime_type,
      ...common,
    };
  }
  return undefined;
}

export { langFromCode };
