import { ITEM_SCHEMAS, listItems, PREFIXES, serialOn, type UploadBatch, updateItem, uploadKey } from "../storage";

/**
 * Upload batches, stored one key per batch (`upload:<created at>:<id>`, in the order they were made):
 * saving one batch's progress rewrites only that batch, never the list of every batch waiting (a batch
 * itself holds at most MEDIA_PENDING_LIMIT items). The older form, one `uploads` key holding the whole
 * list, is moved over by storage/migrate.ts.
 */
export function createUploadStore(storage: DurableObjectStorage) {
  return {
    /** Every stored batch, oldest first; an unreadable one is set aside rather than stalling the others. */
    async all(): Promise<UploadBatch[]> {
      return (await listItems(storage, PREFIXES.upload, ITEM_SCHEMAS.upload)).map(([, batch]) => batch);
    },
    async add(batch: UploadBatch): Promise<void> {
      await updateItem(storage, uploadKey(batch), ITEM_SCHEMAS.upload, () => batch);
    },
    /** Saves a batch's progress; false when it is gone (cancelled meanwhile). */
    async save(batch: UploadBatch): Promise<boolean> {
      const saved = await updateItem(storage, uploadKey(batch), ITEM_SCHEMAS.upload, (current) =>
        current === undefined ? undefined : batch,
      );
      return saved !== undefined;
    },
    async remove(batch: Pick<UploadBatch, "createdAt" | "id">): Promise<void> {
      await updateItem(storage, uploadKey(batch), ITEM_SCHEMAS.upload, () => undefined);
    },
    async clear(): Promise<void> {
      const keys = [...(await storage.list({ prefix: PREFIXES.upload })).keys()];
      // In the batches' chains: a save under way must not write a cleared batch back.
      await serialOn(storage, keys, async () => {
        for (let start = 0; start < keys.length; start += 100) await storage.delete(keys.slice(start, start + 100));
      });
    },
  };
}
