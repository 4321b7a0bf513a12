import { type Api, GrammyError, type RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import { NemoFileTooLargeError, NemoUnsupportedFileError } from "../nemo/errors";
import type { MediaMessage } from "../telegram/bot";
import { mediaLinks } from "../telegram/intents";
import { t } from "../telegram/messages";
import type { ChatSender } from "../telegram/sender";
import type { NemoSession } from "./nemo-session";
import { type Album, type AlbumItem, KEYS, type Origin, readKey, SCHEMAS } from "./state";

export type MediaFlowDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  senderFor: (origin: Origin) => ChatSender;
  api: () => Api<RawApi>;
  /** Hands the instruction that came with the media to the agent queue. */
  instruction: (origin: Origin, text: string) => Promise<void>;
};

/** NemoVideo's accepted extensions (nemo-api.md §6), plus jpeg. */
export const ACCEPTED_EXTENSIONS = [
  "mp4",
  "mov",
  "avi",
  "webm",
  "mkv",
  "jpg",
  "jpeg",
  "png",
  "gif",
  "webp",
  "mp3",
  "wav",
  "m4a",
  "aac",
];
const ACCEPTED_MIME =
  /^(video\/(mp4|quicktime|x-msvideo|webm|x-matroska)|image\/(jpeg|png|gif|webp)|audio\/(mpeg|mp3|wav|x-wav|mp4|x-m4a|aac))$/i;

/**
 * Media in: photos, videos, GIFs, audio and documents of an accepted type, streamed from Telegram's file
 * endpoint into NemoVideo's multipart upload. Album items arrive as separate updates; they are collected
 * in storage and settled by the alarm ALBUM_SETTLE_MS after the last one, so the batch survives eviction.
 */
export function createMediaFlow(deps: MediaFlowDeps) {
  const { config, storage, now } = deps;
  const albums = async () => (await readKey(storage, KEYS.albums, SCHEMAS.albums)) ?? {};

  function accepted(message: MediaMessage): boolean {
    if (message.kind !== "document") return true;
    const extension = message.fileName?.split(".").pop()?.toLowerCase();
    return (
      (extension !== undefined && ACCEPTED_EXTENSIONS.includes(extension)) || ACCEPTED_MIME.test(message.mimeType ?? "")
    );
  }

  async function processBatch(origin: Origin, items: AlbumItem[], caption: string | undefined): Promise<void> {
    const texts = t(origin.lang);
    const sender = deps.senderFor(origin);
    const limit = config.TELEGRAM_DOWNLOAD_LIMIT_MB * 1024 * 1024;
    const problems: string[] = [];
    const uploadable = items.filter((item) => {
      if (item.fileSize !== undefined && item.fileSize > limit) {
        problems.push(texts.fileTooBigForTelegram(item.fileName));
        return false;
      }
      return true;
    });
    let statusId: number | undefined;
    if (uploadable.length > 0)
      statusId = await sender.send(texts.uploading(0, uploadable.length), { replyTo: origin.messageId });
    const done: AlbumItem[] = [];
    for (const item of uploadable) {
      try {
        await uploadOne(origin, item);
        done.push(item);
      } catch (error) {
        problems.push(describeUploadFailure(error, item, origin));
        logEvent(config, "warn", { event: "upload_failed", error: error instanceof Error ? error.name : "unknown" });
      }
      if (statusId !== undefined)
        await sender.edit(statusId, texts.uploading(done.length, uploadable.length)).catch(() => {});
    }
    if (statusId !== undefined) {
      if (done.length > 0) await sender.edit(statusId, texts.mediaAdded(countKinds(done), !caption));
      else await sender.remove(statusId).catch(() => {});
    }
    for (const problem of problems) await sender.send(problem, { replyTo: origin.messageId });
    if (done.length === 0) return;
    if (caption?.trim()) await deps.instruction(origin, caption.trim());
    else await storage.put("awaitingInstruction", true);
  }

  /** Streams one file from Telegram into NemoVideo; the file URL (it holds the bot token) stays here. */
  async function uploadOne(origin: Origin, item: AlbumItem): Promise<void> {
    await deps.session.run(origin.lang, async (project) => {
      const file = await deps.api().getFile(item.fileId);
      if (!file.file_path) throw new Error("Telegram returned no file path");
      const response = await fetch(`${config.TELEGRAM_API_ROOT}/file/bot${config.BOT_TOKEN}/${file.file_path}`);
      if (!response.ok || !response.body) throw new TelegramDownloadError(response.status);
      const size = Number(response.headers.get("content-length") ?? file.file_size ?? Number.NaN);
      await project.client.uploadFiles(project.record.sessionId, [
        {
          filename: item.fileName ?? file.file_path.split("/").pop() ?? "file",
          contentType: item.mimeType ?? "application/octet-stream",
          body: response.body,
          ...(Number.isFinite(size) ? { size } : {}),
        },
      ]);
    });
  }

  function describeUploadFailure(error: unknown, item: AlbumItem, origin: Origin): string {
    const texts = t(origin.lang);
    if (error instanceof NemoUnsupportedFileError) return texts.unsupportedMedia;
    if (error instanceof NemoFileTooLargeError) return texts.fileTooLargeForNemo(item.fileName);
    if (error instanceof GrammyError && /too big/i.test(error.description))
      return texts.fileTooBigForTelegram(item.fileName);
    return texts.uploadFailed(item.fileName);
  }

  async function settle(album: Album): Promise<void> {
    const all = await albums();
    delete all[album.mediaGroupId];
    await storage.put(KEYS.albums, all);
    const items = [...album.items].sort((a, b) => a.messageId - b.messageId);
    const addressed = album.origin.chatId > 0 || items.some((item) => item.addressed === true);
    if (!addressed) return; // a group album that never mentioned the bot is not for us
    deps.runInBackground(processBatch(album.origin, items, album.caption).catch(() => {}));
  }

  return {
    async add(origin: Origin, message: MediaMessage): Promise<void> {
      if (!accepted(message)) {
        if (message.addressed || origin.chatId > 0) {
          await deps.senderFor(origin).send(t(origin.lang).unsupportedMedia, { replyTo: origin.messageId });
        }
        return;
      }
      const item: AlbumItem = {
        updateId: message.updateId,
        messageId: message.messageId,
        kind: message.kind,
        fileId: message.fileId,
        fileSize: message.fileSize,
        fileName: message.fileName,
        mimeType: message.mimeType,
        addressed: message.addressed,
      };
      if (!message.mediaGroupId) {
        if (origin.chatId < 0 && !message.addressed) return;
        deps.runInBackground(processBatch(origin, [item], message.caption).catch(() => {}));
        return;
      }
      const all = await albums();
      const existing = all[message.mediaGroupId];
      const album: Album = existing ?? { mediaGroupId: message.mediaGroupId, origin, items: [], settleAt: 0 };
      if (!album.items.some((other) => other.messageId === item.messageId)) album.items.push(item);
      if (message.caption.trim() && !album.caption) {
        album.caption = message.caption;
        // Answers go to the item that carried the instruction.
        album.origin = { ...album.origin, messageId: origin.messageId, userId: origin.userId };
      }
      album.settleAt = now() + config.ALBUM_SETTLE_MS;
      all[message.mediaGroupId] = album;
      await storage.put(KEYS.albums, all);
      await deps.requestWake(album.settleAt);
    },
    /** Uploads media links in a text by URL; true when the text was such a message. */
    async links(origin: Origin, text: string): Promise<boolean> {
      const urls = mediaLinks(text);
      if (urls.length === 0) return false;
      const texts = t(origin.lang);
      const sender = deps.senderFor(origin);
      try {
        await deps.session.run(origin.lang, (project) => project.client.uploadUrls(project.record.sessionId, urls));
      } catch (error) {
        await sender.send(
          error instanceof NemoUnsupportedFileError ? texts.unsupportedMedia : texts.uploadFailed(urls[0]),
          { replyTo: origin.messageId },
        );
        return true;
      }
      const rest = urls
        .reduce((remaining, url) => remaining.split(url).join(" "), text)
        .replace(/\s+/g, " ")
        .trim();
      await sender.send(texts.mediaAdded({ photos: 0, videos: 0, audio: 0, files: urls.length }, !rest), {
        replyTo: origin.messageId,
      });
      if (rest.split(" ").length >= 2) await deps.instruction(origin, rest);
      else await storage.put("awaitingInstruction", true);
      return true;
    },
    async tick(): Promise<void> {
      for (const album of Object.values(await albums())) {
        if (album.settleAt <= now()) await settle(album);
      }
    },
    async nextWakeAt(): Promise<number | undefined> {
      const times = Object.values(await albums()).map((album) => album.settleAt);
      return times.length ? Math.min(...times) : undefined;
    },
    async isActive(): Promise<boolean> {
      return Object.keys(await albums()).length > 0;
    },
    async clear(): Promise<void> {
      await storage.delete([KEYS.albums, "awaitingInstruction"]);
    },
  };
}

export type MediaFlow = ReturnType<typeof createMediaFlow>;

/** Telegram's file endpoint did not serve the file. */
export class TelegramDownloadError extends Error {
  override readonly name = "TelegramDownloadError";
  constructor(readonly status: number) {
    super(`Telegram file download failed with HTTP ${status}`);
  }
}

function countKinds(items: AlbumItem[]) {
  const counts = { photos: 0, videos: 0, audio: 0, files: 0 };
  for (const item of items) {
    if (item.kind === "photo") counts.photos++;
    else if (item.kind === "video" || item.kind === "animation") counts.videos++;
    else if (item.kind === "audio") counts.audio++;
    else counts.files++;
  }
  return counts;
}
