import {
  type Album,
  AlbumHeadSchema,
  type AlbumItem,
  albumHeadKey,
  albumItemKey,
  albumItemsPrefix,
  ITEM_SCHEMAS,
  listItems,
  PREFIXES,
  serialOn,
} from "../storage";

/**
 * Albums still collecting, stored one key per item (and one small head per album: who sent it, its
 * caption and when it settles), so each arriving item writes only itself and the heads whose settle time
 * moved — never one value that grows with the album. The older form (one `albums` key holding every
 * album) is moved over by storage/migrate.ts.
 */
export function createAlbumStore(storage: DurableObjectStorage) {
  return {
    /** Every collecting album with its items, keyed by media group id. */
    async all(): Promise<Record<string, Album>> {
      const albums: Record<string, Album> = {};
      for (const [, head] of await listItems(storage, PREFIXES.albumHead, AlbumHeadSchema)) {
        albums[head.mediaGroupId] = { ...head, items: [] };
      }
      for (const [key, item] of await listItems(storage, PREFIXES.albumItem, ITEM_SCHEMAS.albumItem)) {
        const mediaGroupId = key.slice(PREFIXES.albumItem.length, key.lastIndexOf(":"));
        albums[mediaGroupId]?.items.push(item);
      }
      return albums;
    },

    /** Stores one item (its own key) and the heads given (settle times, caption, origin). */
    async putItem(mediaGroupId: string, item: AlbumItem, heads: Album[]): Promise<void> {
      // One put: the item and its album's head land together (an eviction never leaves half of it).
      const entries: Record<string, unknown> = { [albumItemKey(mediaGroupId, item.messageId)]: item };
      for (const { items: _items, ...head } of heads) entries[albumHeadKey(head.mediaGroupId)] = head;
      await storage.put(entries);
    },

    /** Removes settled albums, heads and items. */
    async remove(mediaGroupIds: string[]): Promise<void> {
      const keys = mediaGroupIds.map(albumHeadKey);
      for (const mediaGroupId of mediaGroupIds) {
        keys.push(...(await storage.list({ prefix: albumItemsPrefix(mediaGroupId) })).keys());
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
      await this.remove(Object.keys(await this.all()));
    },

    /**
     * Runs a read-modify-write of the albums (collect an item, settle the due ones) after every earlier
     * one: an item collected while the alarm settles its album must not be written into a removed album.
     */
    change<T>(change: () => Promise<T>): Promise<T> {
      return serialOn(storage, [PREFIXES.albumHead], change);
    },
  };
}

export type AlbumStore = ReturnType<typeof createAlbumStore>;
