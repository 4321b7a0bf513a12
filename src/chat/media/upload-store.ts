import { KEYS, readKey, SCHEMAS, type UploadBatch } from "../storage";

/** One key per upload batch, in the order they were made: `upload:<created at>:<id>`. */
const PREFIX = "upload:";

const keyOf = (batch: Pick<UploadBatch, "createdAt" | "id">) =>
  `${PREFIX}${String(Math.max(0, Math.floor(batch.createdAt))).padStart(16, "0")}:${batch.id}`;

/**
 * Upload batches, stored one key per batch: saving one batch's progress rewrites only that batch, never
 * the list of every batch waiting (a batch itself holds at most MEDIA_PENDING_LIMIT items). The old form,
 * one `uploads` key holding the whole list, is moved over on first use.
 */
export function createUploadStore(storage: DurableObjectStorage) {
  let migrated = false;

  async function migrate(): Promise<void> {
    if (migrated) return;
    migrated = true;
    const old = await readKey(storage, KEYS.uploads, SCHEMAS.uploads);
    if (old === undefined) return;
    for (const batch of old) await storage.put(keyOf(batch), batch);
    await storage.delete(KEYS.uploads);
  }

  return {
    /** Every stored batch, oldest first. */
    async all(): Promise<UploadBatch[]> {
      await migrate();
      const batches: UploadBatch[] = [];
      for (const [key, value] of await storage.list({ prefix: PREFIX })) {
        const parsed = SCHEMAS.uploads.element.safeParse(value);
        if (parsed.success) batches.push(parsed.data);
        else await storage.delete(key); // unreadable: dropped rather than stalling the uploads behind it
      }
      return batches;
    },
    async add(batch: UploadBatch): Promise<void> {
      await migrate();
      await storage.put(keyOf(batch), batch);
    },
    /** Saves a batch's progress; false when it is gone (cancelled meanwhile). */
    async save(batch: UploadBatch): Promise<boolean> {
      await migrate();
      if ((await storage.get(keyOf(batch))) === undefined) return false;
      await storage.put(keyOf(batch), batch);
      return true;
    },
    async remove(batch: Pick<UploadBatch, "createdAt" | "id">): Promise<void> {
      await storage.delete(keyOf(batch));
    },
    async clear(): Promise<void> {
      await migrate();
      const keys = [...(await storage.list({ prefix: PREFIX })).keys()];
      for (let start = 0; start < keys.length; start += 100) await storage.delete(keys.slice(start, start + 100));
    },
  };
}
