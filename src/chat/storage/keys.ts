import {
  array,
  boolean,
  looseObject,
  number,
  object,
  optional,
  type output,
  record,
  string,
  unknown,
  enum as zEnum,
} from "zod";
import {
  ActiveTurnSchema,
  AlbumItemSchema,
  AlbumSchema,
  ChatFlagsSchema,
  QueuedTurnSchema,
  RenderJobSchema,
  StoredUpdateSchema,
  UploadBatchSchema,
} from "./schemas";

/**
 * The registry of a chat's Durable Object storage: every key it holds, what it holds and who writes it,
 * with the schema its value is read through. No other file spells a key; a change of a value's shape
 * bumps SCHEMA_VERSION and adds a step to migrate.ts.
 */

/** An answer Telegram did not take yet (chat/outgoing/outbox.ts). */
export const OutboxEntrySchema = object({
  id: string(),
  html: string(),
  destination: object({ chatId: number(), threadId: optional(number()) }),
  replyTo: optional(number()),
  buttons: optional(record(string(), unknown())),
  firstAt: number(),
  attempts: number(),
  nextAt: number(),
});

/** The live Keep / Remove extras offer (chat/turns/extras-offer.ts). */
export const ExtrasOfferSchema = object({
  id: string(),
  extras: array(object({ kind: zEnum(["music", "title", "text", "effect"]), label: optional(string()) })),
});
export type ExtrasOffer = output<typeof ExtrasOfferSchema>;

/** One UTC day's counts (operator/quotas.ts). */
export const QuotaStateSchema = object({
  day: string(),
  /** Turns per user id ("chat" when a message has no user, e.g. an anonymous group admin). */
  turns: record(string(), number()),
  renders: number(),
});

/** One user's uses of one kind of input in the last minute (chat/user-rate.ts). */
export const RateRecordSchema = object({ at: array(number()), warnedAt: optional(number()) });

/** Single keys, by name. */
export const KEYS = {
  /** The layout version the stored values follow; written by migrate.ts at the object's start. */
  schemaVersion: "schemaVersion",
  /** The chat this object serves, from its first update; written by chat-do.ts. */
  chatId: "chatId",
  /** The bot's getMe answer when BOT_INFO is not set; written by object/bot-info.ts. */
  botInfo: "botInfo",
  /** Update ids already accepted, to ignore Telegram's redeliveries; written by chat-do.ts `accept`. */
  seen: "seen",
  /** The inbox's next sequence number, count and "dropped for a full inbox" mark; written by object/inbox.ts. */
  inboxSequence: "inboxSeq",
  inboxSize: "inboxSize",
  inboxOverflowed: "inboxOverflowed",
  /** Answers Telegram did not take yet, sent again by the alarm; written by outgoing/outbox.ts. */
  outbox: "outbox",
  /** Instructions waiting for the agent, and the turn running now; written by turns/queue.ts and turns/store.ts. */
  queue: "queue",
  turn: "turn",
  /** Update ids that already queued an instruction (a redelivered update queues nothing); turns/queue.ts. */
  queuedUpdates: "queuedUpdates",
  /** Failed turns kept for their Retry button, by turn id; written by turns/endings.ts. */
  failedTurns: "failedTurns",
  /** A group's one "queued" message while a queue lasts; written by turns/queue-notice.ts. */
  queueNotice: "queueNotice",
  /** The newest Keep / Remove extras offer; written by turns/extras-offer.ts. */
  extrasOffer: "extrasOffer",
  /** Media came without a caption: the next instruction is a one-shot; written by media/flow.ts, taken by turns/queue.ts. */
  awaitingInstruction: "awaitingInstruction",
  /** Until when /token waits for the token in the next message; written by actions/token-actions.ts. */
  awaitingTokenUntil: "awaitingTokenUntil",
  /** Per-word counters that name unnamed media ("Photo 3"); written by media/names.ts. */
  mediaNumbers: "mediaNumbers",
  /** The project whose render NemoVideo refused (402/403): no automatic render is tried for it again; renders/flow.ts. */
  exportRefused: "exportRefused",
  /** Greeted in a group, unreachable after Telegram refused the chat; written by chat-work.ts and operator/desk.ts. */
  flags: "flags",
  /** Today's turn and render counts; written by operator/quotas.ts. */
  quota: "op:quota",
  /** The last NemoVideo credit balance seen, to count what a turn spent; written by operator/nemo-observer.ts. */
  balance: "op:balance",
  /** Set by an admin's /block; the one refusal was sent. Written by operator/desk.ts. */
  blocked: "op:blocked",
  refused: "op:refused",
} as const;

export type KeyName = keyof typeof KEYS;

/** The schema each single key's value is read through. */
export const SCHEMAS = {
  schemaVersion: number(),
  chatId: number(),
  botInfo: looseObject({ id: number(), username: string() }),
  seen: array(number()),
  inboxSequence: number(),
  inboxSize: number(),
  inboxOverflowed: boolean(),
  outbox: array(OutboxEntrySchema),
  queue: array(QueuedTurnSchema),
  turn: ActiveTurnSchema,
  queuedUpdates: array(number()),
  failedTurns: record(string(), QueuedTurnSchema),
  queueNotice: object({ messageId: number(), waiting: number() }),
  extrasOffer: ExtrasOfferSchema,
  awaitingInstruction: boolean(),
  awaitingTokenUntil: number(),
  mediaNumbers: record(string(), number()),
  exportRefused: string(),
  flags: ChatFlagsSchema,
  quota: QuotaStateSchema,
  balance: number(),
  blocked: boolean(),
  refused: boolean(),
} as const satisfies Record<KeyName, unknown>;

/** Stores of one key per item: the prefix, then the item's own part. */
export const PREFIXES = {
  /** One waiting update each, `inbox:<sequence>`; written by object/inbox.ts. */
  inbox: "inbox:",
  /** A collecting album's head, `album:<media group id>`, and its items, `albumItem:<group>:<message id>`; media/album-store.ts. */
  albumHead: "album:",
  albumItem: "albumItem:",
  /** One upload batch each, `upload:<created at>:<id>`; written by media/upload-store.ts. */
  upload: "upload:",
  /** One render job each, `render:<render id>`, so jobs written at once never overwrite each other; renders/jobs.ts. */
  render: "render:",
  /** One user's rate record per kind, `rate:<kind>:<user id>`; written by user-rate.ts. */
  rate: "rate:",
  /** A value that no longer parsed, kept aside under `aside:<its key>` instead of deleted; chat-storage.ts. */
  aside: "aside:",
} as const;

/** The schema of each prefixed store's items. */
export const ITEM_SCHEMAS = {
  inbox: StoredUpdateSchema,
  albumItem: AlbumItemSchema,
  upload: UploadBatchSchema,
  render: RenderJobSchema,
  rate: RateRecordSchema,
} as const;

/** Album heads are albums without their items (each item has its own key). */
export const AlbumHeadSchema = object(AlbumSchema.omit({ items: true }).shape);

/**
 * Keys of version 1 and older that migrate.ts moves over: one key holding the whole inbox, every album,
 * or every upload batch. Nothing writes them any more.
 */
export const LEGACY_KEYS = {
  inbox: "inbox",
  albums: "albums",
  uploads: "uploads",
} as const;

export const LEGACY_SCHEMAS = {
  inbox: array(StoredUpdateSchema),
  albums: record(string(), AlbumSchema),
  uploads: array(UploadBatchSchema),
} as const;

/** `inbox:<sequence>`, zero-padded so the keys list in arrival order. */
export const inboxKey = (sequence: number) => `${PREFIXES.inbox}${String(sequence).padStart(16, "0")}`;
export const albumHeadKey = (mediaGroupId: string) => `${PREFIXES.albumHead}${mediaGroupId}`;
/** The prefix of one album's items. */
export const albumItemsPrefix = (mediaGroupId: string) => `${PREFIXES.albumItem}${mediaGroupId}:`;
export const albumItemKey = (mediaGroupId: string, messageId: number) =>
  `${albumItemsPrefix(mediaGroupId)}${String(messageId).padStart(12, "0")}`;
/** `upload:<created at>:<id>`, so the batches list in the order they were made. */
export const uploadKey = (batch: { createdAt: number; id: string }) =>
  `${PREFIXES.upload}${String(Math.max(0, Math.floor(batch.createdAt))).padStart(16, "0")}:${batch.id}`;
export const renderKey = (renderId: string) => `${PREFIXES.render}${renderId}`;
export const rateKey = (kind: string, userId: number) => `${PREFIXES.rate}${kind}:${userId}`;
export const asideKey = (key: string) => `${PREFIXES.aside}${key}`;
