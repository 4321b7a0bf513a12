import { object, type output } from "zod";
import { type Album, type AlbumItem, AlbumItemSchema, AlbumSchema, KEYS, readKey, SCHEMAS } from "../storage";

/** An album without its items: who sent it, its caption and when it settles. One key per album. */
const HEAD = "album:";
/** One key per collected item: `albumItem:<media group id>:<message id>`. */
const ITEM = "albumItem:";

const AlbumHeadSchema = object(AlbumSchema.omit({ items: true }).shape);
type AlbumHead = output<typeof AlbumHeadSchema>;

const itemKey = (mediaGroupId: string, messageId: number) =>
  `${ITEM}${mediaGroupId}:${String(messageId).padStart(12, "0")}`;

/**
 * Albums still collecting, stored one key per item (and one small head per album), so each arriving
 * item writes only itself and the heads whose settle time moved — never one value that grows with the
 * album. The old form (one `albums` key holding every album) is moved over on first use.
 */
export function createAlbumStore(storage: DurableObjectStorage) {
  let migrated = false;

  async function migrate(): Promise<void> {
    if (migrated) return;
    migrated = true;
    const old = await readKey(storage, KEYS.albums, SCHEMAS.albums);
    if (old === undefined) return;
    for (const album of Object.values(old)) {
      await writeHead(album);
      for (const item of album.items) await storage.put(itemKey(album.mediaGroupId, item.messageId), item);
    }
    await storage.delete(KEYS.albums);
  }

  const writeHead = ({ items: _items, ...head }: Album | (AlbumHead & { items?: unknown })) =>
    storage.put(`${HEAD}${head.mediaGroupId}`, head);

  return {
    /** Every collecting album with its items, keyed by media group id. */
    async all(): Promise<Record<string, Album>> {
      await migrate();
      const albums: Record<string, Album> = {};
      for (const [, value] of await storage.list({ prefix: HEAD })) {
        const head = AlbumHeadSchema.safeParse(value);
        if (head.success) albums[head.data.mediaGroupId] = { ...head.data, items: [] };
      }
      for (const [key, value] of await storage.list({ prefix: ITEM })) {
        const item = AlbumItemSchema.safeParse(value);
        const mediaGroupId = key.slice(ITEM.length, key.lastIndexOf(":"));
        const album = albums[mediaGroupId];
        if (item.success && album) album.items.push(item.data);
      }
      return albums;
    },

    /** Stores one item (its own key) and the heads given (settle times, caption, origin). */
    async putItem(mediaGroupId: string, item: AlbumItem, heads: Album[]): Promise<void> {
      await migrate();
      // One put: the item and its album's head land together (an eviction never leaves half of it).
      const entries: Record<string, unknown> = { [itemKey(mediaGroupId, item.messageId)]: item };
      for (const { items: _items, ...head } of heads) entries[`${HEAD}${head.mediaGroupId}`] = head;
      await storage.put(entries);
    },

    /** Removes settled albums, heads and items. */
    async remove(mediaGroupIds: string[]): Promise<void> {
      const keys = mediaGroupIds.map((mediaGroupId) => `${HEAD}${mediaGroupId}`);
      for (const mediaGroupId of mediaGroupIds) {
        keys.push(...(await storage.list({ prefix: `${ITEM}${mediaGroupId}:` })).keys());
      }
      // Issued together, without an await between them: the object's writes are coalesced into one
      // atomic batch, so an album is never left half-removed (and settled twice) by an eviction.
      const batches: Promise<unknown>[] = [];
      for (let start = 0; start < keys.length; start += 100)
        batches.push(storage.delete(keys.slice(start, start + 100)));
      await Promise.all(batches);
    },

    /** Forgets every collecting album (cancel, unreachable chat). */
    async clear(): Promise<void> {
      await migrate();
      await this.remove(Object.keys(await this.all()));
    },
  };
}

export type AlbumStore = ReturnType<typeof createAlbumStore>;
