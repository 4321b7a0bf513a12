import { readItem } from "./chat-storage";
import {
  AlbumHeadSchema,
  albumHeadKey,
  albumItemKey,
  inboxKey,
  KEYS,
  LEGACY_KEYS,
  LEGACY_SCHEMAS,
  SCHEMAS,
  uploadKey,
} from "./keys";

/**
 * The layout the stored values follow. Version 1 is the layout of the release before this registry
 * (main at 565dc5c), which stored no version: an absent version means 1, or older. Nothing has changed
 * shape since, so the current version is still 1.
 *
 * A change to a stored shape raises this number and adds one step to `migrateStorage` that rewrites the
 * previous version's values into the new shape (never deletes them).
 */
export const SCHEMA_VERSION = 1;

/** Puts take at most 128 keys at a time. */
const PUT_BATCH = 100;

/**
 * Brings the object's storage to SCHEMA_VERSION. Run once when the object starts, inside
 * `blockConcurrencyWhile`, so no update, alarm or call sees a value of an older layout.
 */
export async function migrateStorage(storage: DurableObjectStorage): Promise<void> {
  const stored = await readItem(storage, KEYS.schemaVersion, SCHEMAS.schemaVersion);
  if (stored === SCHEMA_VERSION) return;
  if (stored !== undefined && stored > SCHEMA_VERSION) {
    // Rolled back past a newer layout: its values are left as they are, for the newer version to find.
    console.warn(JSON.stringify({ level: "warn", event: "storage_newer_version", version: stored }));
    return;
  }
  // Version 1 and older. Older releases kept the inbox, the albums and the upload batches each in one
  // key holding the whole list; version 1 keeps one key per item.
  await moveWholeInbox(storage);
  await moveWholeAlbums(storage);
  await moveWholeUploads(storage);
  // A chat that stores nothing (new, or forgotten) stays empty: an absent version reads as this one.
  if ((await storage.list({ limit: 1 })).size > 0) await storage.put(KEYS.schemaVersion, SCHEMA_VERSION);
}

async function putInBatches(storage: DurableObjectStorage, entries: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(entries);
  for (let start = 0; start < keys.length; start += PUT_BATCH) {
    await storage.put(Object.fromEntries(keys.slice(start, start + PUT_BATCH).map((key) => [key, entries[key]])));
  }
}

/** The whole-list inbox goes behind any updates already stored one key each. */
async function moveWholeInbox(storage: DurableObjectStorage): Promise<void> {
  const old = await readItem(storage, LEGACY_KEYS.inbox, LEGACY_SCHEMAS.inbox);
  if (old === undefined) return;
  let sequence = (await readItem(storage, KEYS.inboxSequence, SCHEMAS.inboxSequence)) ?? 0;
  let size = (await readItem(storage, KEYS.inboxSize, SCHEMAS.inboxSize)) ?? 0;
  const entries: Record<string, unknown> = {};
  for (const update of old) {
    entries[inboxKey(sequence++)] = update;
    size++;
  }
  await putInBatches(storage, entries);
  await storage.put({ [KEYS.inboxSequence]: sequence, [KEYS.inboxSize]: size });
  await storage.delete(LEGACY_KEYS.inbox);
}

async function moveWholeAlbums(storage: DurableObjectStorage): Promise<void> {
  const old = await readItem(storage, LEGACY_KEYS.albums, LEGACY_SCHEMAS.albums);
  if (old === undefined) return;
  const entries: Record<string, unknown> = {};
  for (const { items, ...album } of Object.values(old)) {
    entries[albumHeadKey(album.mediaGroupId)] = AlbumHeadSchema.parse(album);
    for (const item of items) entries[albumItemKey(album.mediaGroupId, item.messageId)] = item;
  }
  await putInBatches(storage, entries);
  await storage.delete(LEGACY_KEYS.albums);
}

async function moveWholeUploads(storage: DurableObjectStorage): Promise<void> {
  const old = await readItem(storage, LEGACY_KEYS.uploads, LEGACY_SCHEMAS.uploads);
  if (old === undefined) return;
  await putInBatches(storage, Object.fromEntries(old.map((batch) => [uploadKey(batch), batch])));
  await storage.delete(LEGACY_KEYS.uploads);
}
