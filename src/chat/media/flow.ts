import { t } from "../../i18n";
import type { MediaMessage } from "../../telegram/actions";
import { type AlbumItem, chatStorage, type Origin } from "../storage";
import { createUserRate } from "../user-rate";
import { createAlbums } from "./albums";
import { createUploadBatches } from "./batches";
import { isAcceptedMedia, mimeForName } from "./files";
import { uploadLinks } from "./links";
import type { MediaFlowDeps } from "./types";

/**
 * Media in: photos, videos, GIFs, audio and documents of an accepted type (chat/media/files.ts), streamed from
 * Telegram's file endpoint into NemoVideo (chat/media/upload.ts), or links NemoVideo fetches itself
 * (chat/media/links.ts).
 *
 * Album items are collected in storage until the sender goes quiet (chat/media/albums.ts); settled media becomes
 * a persisted upload batch whose runner resumes after eviction (chat/media/batches.ts). While media is pending,
 * agent turns wait for it (see `isActive`).
 */
export function createMediaFlow(deps: MediaFlowDeps) {
  const { storage } = deps;
  const uploads = createUploadBatches(deps);
  const albums = createAlbums({ ...deps, enqueue: uploads.enqueue });
  const awaitInstruction = () => chatStorage(storage).put({ awaitingInstruction: true });
  const rate = createUserRate(deps);

  /**
   * Per-user media limit (files and links a minute) and the chat's cap on media waiting: both keep one
   * sender from filling the chat's storage or NemoVideo's upload queue. Answers once per minute at most.
   */
  async function admit(origin: Origin, cost: number, answer: boolean): Promise<boolean> {
    const verdict = await rate.take("media", origin.userId, deps.config.USER_MEDIA_PER_MINUTE, cost);
    if (!verdict.ok) {
      if (verdict.warn && answer) {
        await deps
          .senderFor(origin)
          .send(t(origin.lang).rateLimitedMedia(verdict.waitS), { replyTo: origin.messageId });
      }
      return false;
    }
    if ((await albums.itemCount()) + (await uploads.itemCount()) + cost > deps.config.MEDIA_PENDING_LIMIT) {
      if (answer) await deps.senderFor(origin).send(t(origin.lang).mediaListFull, { replyTo: origin.messageId });
      return false;
    }
    return true;
  }

  return {
    async add(origin: Origin, message: MediaMessage): Promise<void> {
      const forUs = message.addressed || origin.chatId > 0;
      if (!isAcceptedMedia(message)) {
        if (forUs) await deps.senderFor(origin).send(t(origin.lang).unsupportedMedia, { replyTo: origin.messageId });
        return;
      }
      if (!(await admit(origin, 1, forUs))) return;
      const item: AlbumItem = {
        updateId: message.updateId,
        messageId: message.messageId,
        kind: message.kind,
        fileId: message.fileId,
        fileSize: message.fileSize,
        fileName: message.fileName,
        mimeType: message.mimeType ?? mimeForName(message.fileName),
        addressed: message.addressed,
      };
      // Media without a caption waits for its instruction: the next text is a one-shot request.
      if (forUs && !message.caption.trim()) await awaitInstruction();
      if (!message.mediaGroupId) {
        if (!forUs) return;
        await uploads.enqueue(origin, [item], message.caption);
        return;
      }
      await albums.collect(origin, message.mediaGroupId, item, message.caption);
    },

    /** Uploads media links in a text by URL; true when the text was such a message. */
    links(origin: Origin, text: string): Promise<boolean> {
      return uploadLinks({ ...deps, awaitInstruction, admit: (cost) => admit(origin, cost, true) }, origin, text);
    },

    /** Settles due albums and resumes an upload batch left without a runner (the instance was evicted). */
    async tick(): Promise<void> {
      await albums.settleDue();
      await uploads.resume();
    },
    nextWakeAt(): Promise<number | undefined> {
      return albums.nextWakeAt();
    },
    /** Media is collecting or uploading: instructions wait for it so the agent sees the files. */
    async isActive(): Promise<boolean> {
      return (await albums.pending()) || (await uploads.pending());
    },
    async clear(): Promise<void> {
      await albums.clear();
      await uploads.clear();
      await chatStorage(storage).delete("awaitingInstruction");
    },
  };
}

export type MediaFlow = ReturnType<typeof createMediaFlow>;
