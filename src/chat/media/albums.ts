/**
 * Album collection. Telegram sends an album's items as separate updates (and splits more than 10 items
 * into several albums), so items are collected in storage and settled by the alarm ALBUM_SETTLE_MS after
 * the sender's last item; the collection survives eviction, and settled albums become upload batches.
 */

import type { Album, AlbumItem, Origin } from "../storage";
import { createAlbumStore } from "./album-store";
import type { MediaFlowDeps } from "./types";

type AlbumDeps = Pick<MediaFlowDeps, "config" | "storage" | "now" | "requestWake"> & {
  /** Hands a settled album's items to the upload batches. */
  enqueue: (origin: Origin, items: AlbumItem[], caption: string | undefined) => Promise<void>;
};

/** The albums still collecting, keyed by media group id. */
export function createAlbums(deps: AlbumDeps) {
  const { config, storage, now } = deps;
  const store = createAlbumStore(storage);
  const albums = () => store.all();

  /** Adds the item under the albums' chain (see AlbumStore.change); answers the new settle time. */
  async function collectItem(origin: Origin, mediaGroupId: string, item: AlbumItem, caption: string): Promise<number> {
    const all = await albums();
    const existing = all[mediaGroupId];
    const album: Album = existing ?? { mediaGroupId, origin, items: [], settleAt: 0 };
    if (!album.items.some((other) => other.messageId === item.messageId)) album.items.push(item);
    if (caption.trim() && !album.caption) {
      album.caption = caption;
      // Answers go to the item that carried the instruction.
      album.origin = { ...album.origin, messageId: origin.messageId, userId: origin.userId };
    }
    all[mediaGroupId] = album;
    // Quiet time counts from the sender's last item in any album, so an album Telegram split in two
    // settles as one batch.
    const settleAt = now() + config.ALBUM_SETTLE_MS;
    const moved: Album[] = [album];
    for (const other of Object.values(all)) {
      if (other.origin.chatId === origin.chatId && other.origin.userId === origin.userId) {
        other.settleAt = settleAt;
        if (other !== album) moved.push(other);
      }
    }
    // One key for the item, plus the (small) heads whose settle time moved.
    await store.putItem(mediaGroupId, item, moved);
    return settleAt;
  }

  return {
    /** Adds one item to its album and pushes the settle time of all the sender's albums back. */
    async collect(origin: Origin, mediaGroupId: string, item: AlbumItem, caption: string): Promise<void> {
      const settleAt = await store.change(() => collectItem(origin, mediaGroupId, item, caption));
      await deps.requestWake(settleAt);
    },

    /** Settles every due album, merging a sender's albums (Telegram splits more than 10 items) into one batch. */
    async settleDue(): Promise<void> {
      const due = await store.change(async () => {
        const all = await albums();
        const due = Object.values(all).filter((album) => album.settleAt <= now());
        if (due.length > 0) await store.remove(due.map((album) => album.mediaGroupId));
        return due;
      });
      if (due.length === 0) return;
      const bySender = new Map<string, Album[]>();
      for (const album of due) {
        const key = `${album.origin.chatId}:${album.origin.userId ?? ""}`;
        bySender.set(key, [...(bySender.get(key) ?? []), album]);
      }
      for (const group of bySender.values()) {
        for (const run of splitAlbumRuns(group)) {
          const items = run.flatMap((album) => album.items).sort((a, b) => a.messageId - b.messageId);
          const head = run[0];
          if (!head) continue;
          const privateChat = head.origin.chatId > 0;
          if (!privateChat && !items.some((item) => item.addressed === true)) continue; // a group album not for us
          await deps.enqueue(head.origin, items, head.caption);
        }
      }
    },

    /** When the earliest album settles, if any is collecting. */
    async nextWakeAt(): Promise<number | undefined> {
      const times = Object.values(await albums()).map((album) => album.settleAt);
      return times.length ? Math.min(...times) : undefined;
    },

    async pending(): Promise<boolean> {
      return Object.keys(await albums()).length > 0;
    },

    clear(): Promise<void> {
      return store.change(() => store.clear());
    },

    /** Items collecting in every album, for the chat's cap on pending media. */
    async itemCount(): Promise<number> {
      return Object.values(await albums()).reduce((sum, album) => sum + album.items.length, 0);
    },
  };
}

/**
 * One sender's settled albums in message order, cut into the albums they were meant as: Telegram splits
 * more than 10 items into groups and only the first carries the caption, so an album without a caption
 * continues the one before it, while an album with its own caption starts anew.
 */
function splitAlbumRuns(albums: Album[]): Album[][] {
  const firstMessage = (album: Album) => Math.min(...album.items.map((item) => item.messageId));
  const runs: Album[][] = [];
  for (const album of [...albums].sort((a, b) => firstMessage(a) - firstMessage(b))) {
    const current = runs.at(-1);
    if (current && !album.caption?.trim()) current.push(album);
    else runs.push([album]);
  }
  return runs;
}
