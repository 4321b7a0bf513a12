import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatDurableObject } from "../../src/chat/chat-do";
import { createAlbumStore } from "../../src/chat/media/album-store";
import { createUploadStore } from "../../src/chat/media/upload-store";
import { createInbox } from "../../src/chat/object/inbox";
import { migrateStorage } from "../../src/chat/storage";

/**
 * Issue 19.5 in real Durable Object storage: the inbox and albums are one key per item, capped, and
 * values stored by the previous version (one key holding the whole list) are still read, moved over. The
 * move is the object's start step (storage/migrate.ts, run before any update or alarm); here the object
 * has already started, so the test runs that step itself after writing the old values.
 */
const update = (id: number) => ({ update_id: id, message: { message_id: id, text: `m${id}` } });

function inObject<T>(name: string, run: (storage: DurableObjectStorage) => Promise<T>): Promise<T> {
  const stub = env.CHAT.get(env.CHAT.idFromName(name));
  return runInDurableObject(stub, async (_instance: ChatDurableObject, state) => run(state.storage));
}

describe("bounded storage, one key per item", () => {
  it("reads an inbox stored whole by the previous version, in order, and moves it to one key per update", async () => {
    await inObject("storage-old-inbox", async (storage) => {
      await storage.put("inbox", [update(7), update(8), update(9)]);
      await migrateStorage(storage);
      const inbox = createInbox(storage, () => 100);
      expect(await inbox.size()).toBe(3);
      expect(await storage.get("inbox")).toBeUndefined();
      const keys = [...(await storage.list({ prefix: "inbox:" })).keys()];
      expect(keys).toHaveLength(3);
      const order: number[] = [];
      for (let head = await inbox.head(); head; head = await inbox.head()) {
        order.push(head.update.update_id);
        await inbox.remove(head.key);
      }
      expect(order).toEqual([7, 8, 9]);
      // Empty leaves nothing behind.
      expect([...(await storage.list()).keys()].filter((key) => key.startsWith("inbox"))).toEqual([]);
    });
  });

  it("refuses updates past the cap and reports the overflow once", async () => {
    await inObject("storage-cap", async (storage) => {
      const inbox = createInbox(storage, () => 3);
      const results = [];
      for (let id = 1; id <= 5; id++) results.push(await inbox.add(update(id), {}));
      expect(results).toEqual(["added", "added", "added", "full", "full"]);
      expect((await storage.list({ prefix: "inbox:" })).size).toBe(3);
      expect(await inbox.takeOverflow()).toBe(true);
      expect(await inbox.takeOverflow()).toBe(false);
    });
  });

  it("reads albums stored whole by the previous version and keeps one key per item", async () => {
    await inObject("storage-old-albums", async (storage) => {
      const origin = { chatId: 42, userId: 42, lang: "en" as const };
      const item = (messageId: number) => ({ updateId: messageId, messageId, kind: "photo", fileId: `f${messageId}` });
      await storage.put("albums", {
        g1: { mediaGroupId: "g1", origin, items: [item(1), item(2)], caption: "make it", settleAt: 5 },
      });
      await migrateStorage(storage);
      const store = createAlbumStore(storage);
      const all = await store.all();
      expect(all.g1?.items.map((one) => one.messageId)).toEqual([1, 2]);
      expect(all.g1?.caption).toBe("make it");
      expect(await storage.get("albums")).toBeUndefined();
      expect((await storage.list({ prefix: "albumItem:g1:" })).size).toBe(2);

      await store.putItem("g1", item(3), [{ ...(all.g1 ?? { mediaGroupId: "g1", origin, items: [], settleAt: 0 }) }]);
      expect((await store.all()).g1?.items).toHaveLength(3);
      await store.remove(["g1"]);
      expect([...(await storage.list()).keys()].filter((key) => key.startsWith("album"))).toEqual([]);
    });
  });

  it("reads upload batches stored as one list by the previous version and keeps one key per batch", async () => {
    await inObject("storage-old-uploads", async (storage) => {
      const origin = { chatId: 43, userId: 43, lang: "en" as const };
      const batch = (id: string, createdAt: number) => ({
        id,
        origin,
        items: [{ updateId: 1, messageId: 1, kind: "photo", fileId: `f-${id}` }],
        createdAt,
      });
      await storage.put("uploads", [batch("b1", 10), batch("b2", 20)]);
      await migrateStorage(storage);
      const store = createUploadStore(storage);
      expect((await store.all()).map((one) => one.id)).toEqual(["b1", "b2"]);
      expect(await storage.get("uploads")).toBeUndefined();
      expect((await storage.list({ prefix: "upload:" })).size).toBe(2);
      await store.remove(batch("b1", 10));
      expect(await store.save(batch("b1", 10))).toBe(false);
      expect((await store.all()).map((one) => one.id)).toEqual(["b2"]);
    });
  });
});
