/**
 * The one shape every language provides. Each language is written against these interfaces (en/*.ts and
 * zh/*.ts, one file per area), so a text missing from a language, or one only a language has, is a type
 * error. All texts are for Telegram's HTML parse mode unless their comment says plain text: fixed text is
 * written HTML-safe and every interpolated value is escaped by the text itself, so callers pass raw
 * values (names, URLs, agent text) and never escape twice.
 */
import type { DraftChange, KnownField, Suggestion, TrackKind, TrackLine } from "../nemo/draft";
import type { Extra } from "../nemo/generation";
import type { ToolStage } from "../nemo/tool-stage";
import type { StatsWindow } from "../operator/usage";

/** The languages the bot speaks. */
export type Lang = "en" | "zh";

/** A credit balance as NemoVideo reports it. */
export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

/** What one batch of uploads added, by kind. */
export interface MediaCounts {
  photos: number;
  videos: number;
  audio: number;
  files: number;
}

/** A link that binds an anonymous account, when the person has one to bind. */
type RegisterLink = { registerUrl?: string };

/** Connecting, helping, working on a request and how a request ends. */
export interface ConversationTexts {
  settingUp: string;
  greeting: string;
  help: string;
  working: string;
  stages: Record<ToolStage, string>;
  stageForTool: (name: string) => string;
  stillWorking: (elapsedMs: number) => string;
  queued: (position: number) => string;
  queueFull: string;
  credits: (credits: Credits, more?: RegisterLink) => string;
  creditsUnavailable: string;
  timeline: (summary: string) => string;
  timelineEmpty: string;
  turnFailed: string;
  turnTimedOut: string;
  disconnectedWaiting: string;
  /** What an edit that ended without an answer changed, and what could come next. */
  silentTurnReport: (changes: readonly DraftChange[], suggestions: readonly Suggestion[]) => string;
  whatNext: string;
  nothingChanged: string;
  offerEdit: string;
  outOfCredits: (more?: RegisterLink) => string;
  exportBlocked: (more?: RegisterLink) => string;
  rateLimited: string;
  backendError: string;
  sessionLost: string;
  // issue 18: progress people can see
  progress: {
    stop: string;
    /** The live draft of a private chat: the stage, the time so far and the answer as it is written. */
    draft: (stage: string, elapsedMs: number, partial: string) => string;
    stopped: string;
    nothingToStop: string;
    notYours: string;
    /** Several waiting requests in a group share one notice, edited as the queue changes. */
    queuedMany: (waiting: number) => string;
  };
}

/** Exports: progress, limits, results, and the raw clip of a two-stage generation (issues 14, 15). */
export interface RenderTexts {
  notExportable: string;
  exportQueued: string;
  renderAlreadyRunning: string;
  renderDone: (title?: string) => string;
  renderFailed: (reason?: string) => string;
  videoTooLargeLink: (url: string) => string;
  renderStatus: (bar: string, percent: number, leftMs: number | undefined, updated: boolean) => string;
  renderTimedOut: (percent: number, elapsedMs: number) => string;
  renderStalled: (percent: number, elapsedMs: number) => string;
  renderGone: string;
  renderCurrentVersion: string;
  retryExportButton: string;
  twoStage: {
    rawClipCaption: string;
    rawClipLink: (url: string) => string;
    extrasOffer: (extras: Extra[]) => string;
    keep: string;
    remove: string;
    kept: string;
    expired: string;
  };
}

/** Photos, clips, audio and links people send. */
export interface MediaTexts {
  mediaAdded: (counts: MediaCounts, askWhatToMake?: boolean) => string;
  uploading: (done: number, total: number) => string;
  uploadFailed: (filename?: string) => string;
  uploadFailedAll: (count: number) => string;
  uploadHelp: string;
  unsupportedMedia: string;
  fileTooBigForTelegram: (filename?: string) => string;
  fileTooLargeForNemo: (filename?: string) => string;
}

/** The bot's commands (for `setMyCommands`, in the order they are listed). */
type BotCommand = "start" | "help" | "credits" | "status" | "export" | "new" | "cancel" | "open" | "language" | "token";

/** Groups, commands and buttons. */
export interface CommandTexts {
  groupGreeting: (username: string) => string;
  mentionedWithoutText: string;
  rateLimitedUser: (seconds: number) => string;
  cancelled: string;
  nothingToCancel: string;
  newProjectConfirm: string;
  newProjectDone: string;
  newProjectAlreadyStarted: string;
  openLink: string;
  languageChoose: string;
  languageSet: string;
  retryExpired: string;
  unknownCommand: string;
  /** The answer to a button this version no longer knows (callback answers are plain text, ≤200 chars). */
  buttonExpired: string;
  buttons: {
    export: string;
    timeline: string;
    credits: string;
    open: string;
    retry: string;
    confirmNew: string;
    cancel: string;
    english: string;
    chinese: string;
  };
  /** Each command's description in the command menu (plain text, ≤256 chars). */
  commands: Record<BotCommand, string>;
}

/** Accounts and tokens (issue 17), export refusals (14.4). */
export interface AccountTexts {
  freeAccountsExhausted: string;
  tokenNeeded: string;
  tokenAsk: string;
  tokenSaved: (available: number | undefined) => string;
  tokenOldProject: string;
  tokenWrong: string;
  tokenCheckFailed: string;
  tokenOff: string;
  tokenOffNone: string;
  tokenInGroup: string;
  tokenRefused: string;
  exportNeedsAccount: (options: { registerUrl?: string; linkBelow: boolean }) => string;
  forgetTooSoon: string;
  statsLine: (status: { state: "ok" | "capped"; lastRefusalAt?: string }) => string;
}

/** Claim links, outside text, input limits and group powers (issue 19). */
export interface SecurityTexts {
  /** An agent's answer: outside text, shown exactly as written (split after escaping). */
  agentText: (text: string) => string;
  openNotWithOperatorToken: string;
  openSentPrivately: string;
  openStartPrivately: (username: string) => string;
  openLinkForGroup: string;
  tooManyLinks: (limit: number) => string;
  linkRefused: (host: string) => string;
  rateLimitedMedia: (seconds: number) => string;
  rateLimitedQuick: (seconds: number) => string;
  adminOnly: string;
  inboxFull: string;
  mediaListFull: string;
}

/** The timeline summary's and the change lines' words and punctuation (plain text). */
export interface DraftWords {
  kinds: Record<TrackKind, string>;
  header: (n: number) => string;
  colon: string;
  open: string;
  close: string;
  sep: string;
  /** A name or count set aside after a kind: " (beach.mp4)", "（beach.mp4）". */
  aside: (s: string) => string;
  quote: (s: string) => string;
  from: (s: string) => string;
  clips: (n: number) => string;
  listSep: string;
  added: (s: string) => string;
  removed: (s: string) => string;
  segmentsAdded: (kind: string, n: number, labels: string) => string;
  segmentsRemoved: (kind: string, n: number, labels: string) => string;
  titleText: string;
  retimed: (n: number) => string;
  /** "Video (beach.mp4) volume", "视频（beach.mp4）音量". */
  volumeOf: (kind: string) => string;
  canvas: string;
  duration: string;
  more: (n: number) => string;
}

/** Words for changed fields of a segment or track (issue 14). Plain text. */
export interface DraftFieldWords {
  names: Record<KnownField, string>;
  on: string;
  off: string;
  removed: string;
  changed: string;
  items: (n: number) => string;
  settings: (n: number) => string;
  clips: (n: number) => string;
  updated: string;
}

/** What the draft reader found, worded: the timeline, the changes of an edit, next steps. Plain text. */
export interface DraftTexts {
  draftFields: DraftFieldWords;
  draft: DraftWords & {
    /** The changes as "• "-bulleted lines; empty when there are none. */
    changes: (changes: readonly DraftChange[]) => string;
    /** The summary, one numbered track per line after a header; undefined when the timeline is empty. */
    timeline: (lines: readonly TrackLine[]) => string | undefined;
  };
  /** Next steps offered after an edit that ended without an answer. */
  suggestions: Record<Suggestion, string>;
}

/** The operator features: access, quotas, privacy and admin commands. */
export interface OperatorTexts {
  notAllowed: string;
  blocked: string;
  turnsLeft: (left: number, limit: number, resetInMs: number) => string;
  turnsUsedUp: (limit: number, resetInMs: number) => string;
  rendersLeft: (left: number, limit: number, resetInMs: number) => string;
  rendersUsedUp: (limit: number, resetInMs: number) => string;
  forgetConfirm: string;
  forgetDone: string;
  forgetKept: string;
  stats: (day: StatsWindow, week: StatsWindow) => string;
  statsUnavailable: string;
  blockUsage: string;
  chatBlocked: (chatId: string) => string;
  chatUnblocked: (chatId: string) => string;
  buttons: {
    forgetYes: string;
    forgetNo: string;
  };
}

/** Every user-facing text of the bot in one language: `t(lang)`. */
export interface Texts extends ConversationTexts, RenderTexts, MediaTexts, CommandTexts, SecurityTexts, DraftTexts {
  accounts: AccountTexts;
  operator: OperatorTexts;
}
