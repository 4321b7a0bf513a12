import { removeQuietly } from "../../telegram/sender";
/**
 * The durable upload batch: settled media is stored as a batch and a runner uploads it file by file,
 * recording each file's outcome as it goes. An instance that finds a batch without a live runner (the
 * previous one was evicted or redeployed) resumes it from the first file without an outcome.
 */

import { t } from "../../i18n";
import { logEvent } from "../../log";
import { type ChatSender, decoration } from "../../telegram/sender";
import type { AlbumItem, Origin, UploadBatch, UploadOutcome } from "../storage";
import { countKinds } from "./files";
import { nameItems } from "./names";
import type { MediaFlowDeps } from "./types";
import { errorName, uploadTelegramFile } from "./upload";
import { createUploadStore } from "./upload-store";

/**
 * A file whose upload was started this many times without an outcome (the instance died each time) is
 * reported as failed instead of being tried again: it may be what kills the instance.
 */
const MAX_UPLOAD_STARTS = 2;

/** The stored batches and this instance's runner over them. */
export function createUploadBatches(deps: MediaFlowDeps) {
  const { config, storage, now } = deps;
  const store = createUploadStore(storage);
  const batches = () => store.all();
  /** The runner of this instance; storage says what is left, this says whether someone is on it. */
  let runner: Promise<void> | undefined;

  /** False when the batch is gone (cancelled meanwhile). */
  function saveBatch(batch: UploadBatch): Promise<boolean> {
    return store.save(batch);
  }

  /** Starts this instance's runner unless it is already running. */
  function pump(): void {
    if (runner) return;
    runner = runBatches()
      .catch((error) => logEvent(config, "error", { event: "error", where: "uploads", error: errorName(error) }))
      .finally(() => {
        runner = undefined;
      });
    deps.runInBackground(runner);
  }

  async function runBatches(): Promise<void> {
    for (;;) {
      const next = (await batches())[0];
      if (!next) break;
      await runBatch(next).catch(async (error) => {
        // A batch that cannot even report must not block the ones behind it.
        logEvent(config, "error", { event: "error", where: "upload_batch", error: errorName(error) });
        await store.remove(next);
      });
    }
    await deps.uploadsSettled();
  }

  async function runBatch(initial: UploadBatch): Promise<void> {
    let batch = initial;
    const texts = t(batch.origin.lang);
    const sender = deps.senderFor(batch.origin);
    const limit = config.TELEGRAM_DOWNLOAD_LIMIT_MB * 1024 * 1024;
    // Too big for the Bot API server: answered before any download is tried.
    batch.items = batch.items.map((item) =>
      item.outcome === undefined && item.fileSize !== undefined && item.fileSize > limit
        ? { ...item, outcome: "tooBigForTelegram" as const }
        : item,
    );
    const toUpload = batch.items.filter((item) => item.outcome !== "tooBigForTelegram").length;
    if (toUpload > 0 && batch.statusMessageId === undefined) {
      // Decoration: without its progress message the batch still uploads and reports (issue 16).
      const statusMessageId = await decoration(config, "upload_status", () =>
        sender.send(texts.uploading(countDone(batch), toUpload), { replyTo: batch.origin.messageId, kind: "status" }),
      );
      if (statusMessageId !== undefined) batch = { ...batch, statusMessageId };
    }
    if (!(await saveBatch(batch))) return abandon(batch, sender);

    for (let index = 0; index < batch.items.length; index++) {
      const item = batch.items[index];
      if (!item || item.outcome !== undefined) continue;
      const attempts = (item.attempts ?? 0) + 1;
      let outcome: UploadOutcome | undefined;
      if (attempts > MAX_UPLOAD_STARTS) outcome = "failed";
      else {
        batch.items[index] = { ...item, attempts };
        if (!(await saveBatch(batch))) return abandon(batch, sender);
        outcome = await uploadTelegramFile(deps, batch.origin, item);
      }
      batch.items[index] = { ...item, attempts, outcome };
      if (!(await saveBatch(batch))) return abandon(batch, sender);
      if (batch.statusMessageId !== undefined)
        await sender.edit(batch.statusMessageId, texts.uploading(countDone(batch), toUpload)).catch(() => {});
    }
    await finish(batch, sender);
  }

  /** The batch was cancelled while a file was in flight: its progress message goes, the rest is dropped. */
  async function abandon(batch: UploadBatch, sender: ChatSender): Promise<void> {
    await removeQuietly(sender, batch.statusMessageId);
  }

  /** Reports the batch in its status message, drops it from storage and hands its caption to the agent. */
  async function finish(batch: UploadBatch, sender: ChatSender): Promise<void> {
    const texts = t(batch.origin.lang);
    const done = batch.items.filter((item) => item.outcome === "done");
    if (batch.statusMessageId !== undefined) {
      if (done.length > 0)
        await sender.edit(batch.statusMessageId, texts.mediaAdded(countKinds(done), !batch.caption)).catch(() => {});
      else await removeQuietly(sender, batch.statusMessageId);
    }
    if (batch.items.some((item) => item.outcome === "noAccount")) {
      // One message with the ways out, not one "upload failed" per photo: nothing is wrong with the files.
      const noAccount =
        config.ANONYMOUS_TOKENS === "off" ? texts.accounts.tokenNeeded : texts.accounts.freeAccountsExhausted;
      await sender.send(noAccount, { replyTo: batch.origin.messageId });
    }
    if (batch.items.some((item) => item.outcome === "unsupported"))
      await sender.send(texts.unsupportedMedia, { replyTo: batch.origin.messageId });
    const failed = batch.items.filter((item) => item.outcome === "failed");
    // When every file of an album failed alike, one message says so instead of one per photo.
    const allFailedAlike = failed.length > 1 && failed.length === batch.items.length;
    if (allFailedAlike) await sender.send(texts.uploadFailedAll(failed.length), { replyTo: batch.origin.messageId });
    for (const item of allFailedAlike ? [] : batch.items) {
      // Photos have no name of their own: the answer replies to the very photo (or file) that failed.
      const name = item.kind === "photo" ? undefined : item.fileName;
      const text =
        item.outcome === "tooBigForTelegram"
          ? texts.fileTooBigForTelegram(name)
          : item.outcome === "tooLargeForNemo"
            ? texts.fileTooLargeForNemo(name)
            : item.outcome === "failed"
              ? texts.uploadFailed(name)
              : undefined;
      if (text) await sender.send(text, { replyTo: item.messageId });
    }
    await store.remove(batch);
    if (done.length > 0 && batch.caption) await deps.instruction(batch.origin, batch.caption);
  }

  return {
    /** Stores a batch behind the others and makes sure a runner is on it. */
    async enqueue(origin: Origin, items: AlbumItem[], caption: string | undefined): Promise<void> {
      const batch: UploadBatch = {
        id: deps.newId(),
        origin,
        // Named when queued, so a batch resumed after an eviction uploads under the same names.
        items: (await nameItems(storage, items)).map((item) => ({ ...item })),
        ...(caption?.trim() ? { caption: caption.trim() } : {}),
        createdAt: now(),
      };
      await store.add(batch);
      pump();
    },
    /** Resumes stored batches left without a runner (the instance was evicted or redeployed). */
    async resume(): Promise<void> {
      if (!runner && (await batches()).length > 0) pump();
    },
    async pending(): Promise<boolean> {
      return (await batches()).length > 0;
    },
    /** Forgets every stored batch (cancel, unreachable chat). */
    clear(): Promise<void> {
      return store.clear();
    },
    /** Items not yet answered in every batch, for the chat's cap on pending media. */
    async itemCount(): Promise<number> {
      return (await batches()).reduce((sum, batch) => sum + batch.items.filter((item) => !item.outcome).length, 0);
    },
  };
}

/** Files answered so far, for the "uploading n/m" progress; too-big files never counted as to upload. */
function countDone(batch: UploadBatch): number {
  return batch.items.filter((item) => item.outcome !== undefined && item.outcome !== "tooBigForTelegram").length;
}
