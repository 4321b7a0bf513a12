import {
  array,
  boolean,
  looseObject,
  number,
  object,
  optional,
  type output,
  string,
  unknown,
  enum as zEnum,
} from "zod";

/**
 * What a chat's Durable Object persists. Memory holds only live promises and open streams; everything
 * needed to resume after an eviction or a deploy is here, read through these schemas.
 */

/** Where answers for one piece of work go, and in which language. */
export const OriginSchema = object({
  chatId: number(),
  messageId: optional(number()),
  /** The user's own message that asked (also in private chats), for reactions (issue 18). */
  sourceMessageId: optional(number()),
  userId: optional(number()),
  threadId: optional(number()),
  lang: zEnum(["en", "zh"]),
  languageCode: optional(string()),
});
export type Origin = output<typeof OriginSchema>;

export const QueuedTurnSchema = object({
  id: string(),
  text: string(),
  origin: OriginSchema,
  /** The instruction came with media: export and deliver without being asked when the draft allows. */
  oneShot: optional(boolean()),
  queuedAt: number(),
});
export type QueuedTurn = output<typeof QueuedTurnSchema>;

export const ActiveTurnSchema = QueuedTurnSchema.extend({
  startedAt: number(),
  statusMessageId: optional(number()),
  /** The draft before the turn, to report what a silent turn changed. */
  snapshot: optional(unknown()),
  phase: zEnum(["starting", "streaming", "recovering"]),
  sawText: boolean(),
  /** Issue 14: the draft right after a generation's raw clip, to name the extras post-production adds. */
  generated: optional(unknown()),
  /** Times the turn failed in transport before its message could reach the agent (issue 16). */
  startFailures: optional(number()),
  /** The user explicitly asked for a finished video: an "Export button" reply exports at once. */
  wantsVideo: optional(boolean()),
  recheck: optional(
    object({
      nextAt: number(),
      delayMs: number(),
      unchangedReads: number(),
      /** Fingerprint of the changed draft the last read saw, to report only once the agent has finished. */
      lastChange: optional(string()),
    }),
  ),
});
export type ActiveTurn = output<typeof ActiveTurnSchema>;

export const RenderJobSchema = object({
  renderId: string(),
  sessionId: string(),
  origin: OriginSchema,
  title: optional(string()),
  submittedAt: number(),
  statusMessageId: optional(number()),
  lastProgress: optional(number()),
  lastPolledAt: optional(number()),
  polls: number(),
  nextPollAt: number(),
  phase: zEnum(["polling", "delivering", "delivered", "failed", "cancelled"]),
  deliveredMessageId: optional(number()),
  transientErrors: optional(number()),
  /** Hash of the submitted draft: a second export of the same draft joins the running render. */
  draftHash: optional(string()),
  /** Canvas and length from the draft, for sendVideo when the status does not report them. */
  video: optional(object({ width: optional(number()), height: optional(number()), duration: optional(number()) })),
  /** The completed render's output, kept so a delivery resumed after a restart needs no new poll. */
  output: optional(
    object({
      url: optional(string()),
      size: optional(number()),
      width: optional(number()),
      height: optional(number()),
      duration: optional(number()),
    }),
  ),
  /** Deliveries started; a delivery cut by a restart is started again, a few times at most. */
  deliveryAttempts: optional(number()),
  /**
   * Set while a sendVideo is under way, to the Open link it carries: when its answer never came (a restart,
   * a cut connection), the next attempt first looks for that video in the chat instead of sending another.
   */
  uploadOpenUrl: optional(string()),
  /** The newest message id known when that sendVideo was made: the video, if posted, comes after it. */
  uploadAfterId: optional(number()),
  // --- issue 15 ---
  /** When the progress last moved (or the render was submitted): the stall limit counts from here. */
  progressMovedAt: optional(number()),
  /** The progress line last shown and when, so the message is edited only when it changes (and not too often). */
  shownProgress: optional(string()),
  shownAt: optional(number()),
  /** The delivered video's Telegram file_id: an export of the same draft sends it again instead of rendering. */
  deliveredFileId: optional(string()),
  /** Why the render stopped without a video: "timeout", "stalled", "gone", or "superseded" by a newer draft. */
  endReason: optional(zEnum(["timeout", "stalled", "gone", "superseded"])),
  /** The progress the submit answered (5 by the docs): the start of the line the finish is predicted from. */
  submitProgress: optional(number()),
  /** How long the render took (estimated from the progress line when it was seen complete): the next prior. */
  renderMs: optional(number()),
  /** Started by a change, not by Export: the message says the updated video is on its way. */
  auto: optional(boolean()),
});
export type RenderJob = output<typeof RenderJobSchema>;

export const AlbumItemSchema = looseObject({
  updateId: number(),
  messageId: number(),
  kind: string(),
  fileId: string(),
  fileSize: optional(number()),
  fileName: optional(string()),
  mimeType: optional(string()),
  addressed: optional(boolean()),
});
export type AlbumItem = output<typeof AlbumItemSchema>;

export const AlbumSchema = object({
  mediaGroupId: string(),
  origin: OriginSchema,
  items: array(AlbumItemSchema),
  caption: optional(string()),
  settleAt: number(),
});
export type Album = output<typeof AlbumSchema>;

/** How one file of an upload batch ended; absent while it still has to be uploaded. */
export const UploadOutcomeSchema = zEnum([
  "done",
  "unsupported",
  "tooBigForTelegram",
  "tooLargeForNemo",
  "failed",
  // Issue 17: the chat has no NemoVideo account to upload into (anonymous tokens capped or off).
  "noAccount",
]);
export type UploadOutcome = output<typeof UploadOutcomeSchema>;

/**
 * Media being uploaded, persisted so an eviction mid-upload resumes the batch instead of losing it:
 * each file's outcome is recorded as soon as it is known, and `attempts` counts starts so a file whose
 * upload keeps dying with the instance is given up on rather than retried forever.
 */
export const UploadBatchSchema = object({
  id: string(),
  origin: OriginSchema,
  items: array(AlbumItemSchema.extend({ attempts: optional(number()), outcome: optional(UploadOutcomeSchema) })),
  caption: optional(string()),
  statusMessageId: optional(number()),
  createdAt: number(),
});
export type UploadBatch = output<typeof UploadBatchSchema>;

export const StoredUpdateSchema = looseObject({ update_id: number() });

/** A project's draft as read at one moment, with the session it belongs to. */
export type DraftRead = { draft: unknown; sessionId: string };

/** What the chat remembers about itself: greeted in a group, unreachable after Telegram refused it. */
export const ChatFlagsSchema = looseObject({ unreachable: optional(boolean()), greeted: optional(boolean()) });
export type ChatFlags = { unreachable?: boolean; greeted?: boolean };
