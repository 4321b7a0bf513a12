import type { Origin } from "../chat/storage";
import type { Lang } from "../i18n";

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
