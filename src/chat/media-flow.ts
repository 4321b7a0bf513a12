import { type Api, GrammyError, type RawApi } from "grammy/web";
import type { Config } from "../config";
import { logEvent } from "../log";
import { NemoFileTooLargeError, NemoUnsupportedFileError } from "../nemo/errors";
import { ACCEPTED_EXTENSIONS } from "../nemo/formats";
import type { MediaMessage } from "../telegram/bot";
import { mediaLinks } from "../telegram/intents";
import { t } from "../telegram/messages";
import type { ChatSender } from "../telegram/sender";
import type { NemoSession } from "./nemo-session";
import {
  type Album,
  type AlbumItem,
  KEYS,
  type Origin,
  readKey,
  SCHEMAS,
  type UploadBatch,
  type UploadOutcome,
} from "./state";

export type MediaFlowDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  newId: () => string;
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  senderFor: (origin: Origin) => ChatSender;
  api: () => Api<RawApi>;
  /** Hands the instruction that came with the media to the agent queue. */
  instruction: (origin: Origin, text: string) => Promise<void>;
  /** Told when no upload is left, so instructions that waited for the media can run. */
  uploadsSettled: () => Promise<void>;
};

/**
 * A file whose upload was started this many times without an outcome (the instance died each time) is
 * reported as failed instead of being tried again: it may be what kills the instance.
 */
const MAX_UPLOAD_STARTS = 2;

const AWAITING_INSTRUCTION = "awaitingInstruction";

/**
 * Media in: photos, videos, GIFs, audio and documents of an accepted type, streamed from Telegram's file
 * endpoint into NemoVideo's multipart upload, one file per request so one bad file never sinks the rest.
 *
 * Album items arrive as separate updates; they are collected in storage and settled by the alarm
 * ALBUM_SETTLE_MS after the sender's last item, so the batch survives eviction. Settled media becomes an
 * upload batch, also persisted: the runner records each file's outcome as it goes, and an instance that
 * finds a batch without a live runner (the previous one was evicted or redeployed) resumes it from the
 * first file without an outcome. While media is pending, agent turns wait for it (see `isActive`).
 */
export function createMediaFlow(deps: MediaFlowDeps) {
  const { config, storage, now } = deps;
  const albums = async () => (await readKey(storage, KEYS.albums, SCHEMAS.albums)) ?? {};
  const batches = async () => (await readKey(storage, KEYS.uploads, SCHEMAS.uploads)) ?? [];
  /** The runner of this instance; storage says what is left, this says whether someone is on it. */
  let runner: Promise<void> | undefined;

  function accepted(message: MediaMessage): boolean {
    if (message.kind !== "document") return true;
    const extension = message.fileName?.includes(".") ? message.fileName.split(".").pop()?.toLowerCase() : undefined;
    // The file name decides when there is one (a ".pdf" stays refused whatever its MIME type claims).
    if (extension !== undefined) return ACCEPTED_EXTENSIONS.includes(extension);
    return extensionForMime(message.mimeType) !== undefined;
  }

  async function saveBatch(batch: UploadBatch): Promise<boolean> {
    const all = await batches();
    const index = all.findIndex((other) => other.id === batch.id);
    if (index < 0) return false; // cancelled meanwhile
    all[index] = batch;
    await storage.put(KEYS.uploads, all);
    return true;
  }

  async function enqueueBatch(origin: Origin, items: AlbumItem[], caption: string | undefined): Promise<void> {
    const batch: UploadBatch = {
      id: deps.newId(),
      origin,
      items: items.map((item) => ({ ...item })),
      ...(caption?.trim() ? { caption: caption.trim() } : {}),
      createdAt: now(),
    };
    await storage.put(KEYS.uploads, [...(await batches()), batch]);
    pump();
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
        await storage.put(
          KEYS.uploads,
          (await batches()).filter((other) => other.id !== next.id),
        );
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
      const statusMessageId = await sender.send(texts.uploading(countDone(batch), toUpload), {
        replyTo: batch.origin.messageId,
      });
      batch = { ...batch, statusMessageId };
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
        outcome = await uploadOne(batch.origin, item);
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
    if (batch.statusMessageId !== undefined) await sender.remove(batch.statusMessageId).catch(() => {});
  }

  /** Reports the batch in its status message, drops it from storage and hands its caption to the agent. */
  async function finish(batch: UploadBatch, sender: ChatSender): Promise<void> {
    const texts = t(batch.origin.lang);
    const done = batch.items.filter((item) => item.outcome === "done");
    if (batch.statusMessageId !== undefined) {
      if (done.length > 0)
        await sender.edit(batch.statusMessageId, texts.mediaAdded(countKinds(done), !batch.caption)).catch(() => {});
      else await sender.remove(batch.statusMessageId).catch(() => {});
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
    const remaining = (await batches()).filter((other) => other.id !== batch.id);
    await storage.put(KEYS.uploads, remaining);
    if (done.length > 0 && batch.caption) await deps.instruction(batch.origin, batch.caption);
  }

  /** Streams one file from Telegram into NemoVideo; the file URL (it holds the bot token) stays here. */
  async function uploadOne(origin: Origin, item: AlbumItem): Promise<UploadOutcome> {
    try {
      await deps.session.run(origin.lang, async (project) => {
        const file = await deps.api().getFile(item.fileId);
        if (!file.file_path) throw new TelegramDownloadError(0);
        const response = await fetch(`${config.TELEGRAM_API_ROOT}/file/bot${config.BOT_TOKEN}/${file.file_path}`);
        if (!response.ok || !response.body) {
          await response.body?.cancel().catch(() => {});
          throw new TelegramDownloadError(response.status);
        }
        const size = Number(response.headers.get("content-length") ?? file.file_size ?? Number.NaN);
        await project.client.uploadFiles(project.record.sessionId, [
          {
            filename: uploadName(item, file.file_path),
            contentType: item.mimeType ?? "application/octet-stream",
            body: response.body,
            ...(Number.isFinite(size) ? { size } : {}),
          },
        ]);
      });
      return "done";
    } catch (error) {
      logEvent(config, "warn", { event: "upload_failed", kind: item.kind, error: errorName(error) });
      if (error instanceof NemoUnsupportedFileError) return "unsupported";
      if (error instanceof NemoFileTooLargeError) return "tooLargeForNemo";
      if (error instanceof GrammyError && /too big/i.test(error.description)) return "tooBigForTelegram";
      return "failed";
    }
  }

  /** Settles every due album, merging a sender's albums (Telegram splits more than 10 items) into one batch. */
  async function settleDue(): Promise<void> {
    const all = await albums();
    const due = Object.values(all).filter((album) => album.settleAt <= now());
    if (due.length === 0) return;
    for (const album of due) delete all[album.mediaGroupId];
    await storage.put(KEYS.albums, all);
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
        await enqueueBatch(head.origin, items, head.caption);
      }
    }
  }

  return {
    async add(origin: Origin, message: MediaMessage): Promise<void> {
      const forUs = message.addressed || origin.chatId > 0;
      if (!accepted(message)) {
        if (forUs) await deps.senderFor(origin).send(t(origin.lang).unsupportedMedia, { replyTo: origin.messageId });
        return;
      }
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
      if (forUs && !message.caption.trim()) await storage.put(AWAITING_INSTRUCTION, true);
      if (!message.mediaGroupId) {
        if (!forUs) return;
        await enqueueBatch(origin, [item], message.caption);
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
      all[message.mediaGroupId] = album;
      // Quiet time counts from the sender's last item in any album, so an album Telegram split in two
      // settles as one batch.
      const settleAt = now() + config.ALBUM_SETTLE_MS;
      for (const other of Object.values(all)) {
        if (other.origin.chatId === origin.chatId && other.origin.userId === origin.userId) other.settleAt = settleAt;
      }
      await storage.put(KEYS.albums, all);
      await deps.requestWake(settleAt);
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
        logEvent(config, "warn", { event: "upload_failed", kind: "url", error: errorName(error) });
        const answer =
          error instanceof NemoUnsupportedFileError
            ? texts.unsupportedMedia
            : error instanceof NemoFileTooLargeError
              ? texts.fileTooLargeForNemo(urls.length === 1 ? fileNameOfUrl(urls[0]) : undefined)
              : texts.uploadFailed(urls.length === 1 ? fileNameOfUrl(urls[0]) : undefined);
        await sender.send(answer, { replyTo: origin.messageId });
        return true;
      }
      const rest = instructionAround(text, urls);
      await sender.send(texts.mediaAdded({ photos: 0, videos: 0, audio: 0, files: urls.length }, !rest), {
        replyTo: origin.messageId,
      });
      if (rest) await deps.instruction(origin, rest);
      else await storage.put(AWAITING_INSTRUCTION, true);
      return true;
    },

    /** Settles due albums and resumes an upload batch left without a runner (the instance was evicted). */
    async tick(): Promise<void> {
      await settleDue();
      if (!runner && (await batches()).length > 0) pump();
    },
    async nextWakeAt(): Promise<number | undefined> {
      const times = Object.values(await albums()).map((album) => album.settleAt);
      return times.length ? Math.min(...times) : undefined;
    },
    /** Media is collecting or uploading: instructions wait for it so the agent sees the files. */
    async isActive(): Promise<boolean> {
      return Object.keys(await albums()).length > 0 || (await batches()).length > 0;
    },
    async clear(): Promise<void> {
      await storage.delete([KEYS.albums, KEYS.uploads, AWAITING_INSTRUCTION]);
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

const MIME_EXTENSIONS: Record<string, string> = {
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/x-msvideo": "avi",
  "video/webm": "webm",
  "video/x-matroska": "mkv",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "aac",
};

function extensionForMime(mimeType: string | undefined): string | undefined {
  return mimeType ? MIME_EXTENSIONS[mimeType.toLowerCase()] : undefined;
}

function mimeForName(fileName: string | undefined): string | undefined {
  const extension = fileName?.split(".").pop()?.toLowerCase();
  return Object.entries(MIME_EXTENSIONS).find(([, ext]) => ext === extension)?.[0];
}

/**
 * The name NemoVideo gets: it judges the type by extension (4001 otherwise), so a name without an
 * accepted one gets the extension of its MIME type or of Telegram's stored path.
 */
function uploadName(item: AlbumItem, filePath: string): string {
  const base = item.fileName ?? filePath.split("/").pop() ?? "file";
  const extension = base.includes(".") ? base.split(".").pop()?.toLowerCase() : undefined;
  if (extension && ACCEPTED_EXTENSIONS.includes(extension)) return base;
  const fallback = extensionForMime(item.mimeType) ?? filePath.split(".").pop()?.toLowerCase();
  return fallback && ACCEPTED_EXTENSIONS.includes(fallback) ? `${base}.${fallback}` : base;
}

/** The text around media links, when it says something (two words or more, or any Chinese). */
function instructionAround(text: string, urls: string[]): string | undefined {
  const rest = urls
    .reduce((remaining, url) => remaining.split(url).join(" "), text)
    .replace(/\s+/g, " ")
    .trim();
  const words = rest.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length >= 2 || /[\u3400-\u9fff]{2,}/.test(rest) ? rest : undefined;
}

function fileNameOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "") || undefined;
  } catch {
    return undefined;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function countDone(batch: UploadBatch): number {
  return batch.items.filter((item) => item.outcome !== undefined && item.outcome !== "tooBigForTelegram").length;
}

function countKinds(items: AlbumItem[]) {
  const counts = { photos: 0, videos: 0, audio: 0, files: 0 };
  for (const item of items) {
    if (item.kind === "photo") counts.photos++;
    else if (item.kind === "video" || item.kind === "animation") counts.videos++;
    else if (item.kind === "audio") counts.audio++;
    else if (item.kind === "document" && /^image\//.test(item.mimeType ?? "")) counts.photos++;
    else if (item.kind === "document" && /^video\//.test(item.mimeType ?? "")) counts.videos++;
    else if (item.kind === "document" && /^audio\//.test(item.mimeType ?? "")) counts.audio++;
    else counts.files++;
  }
  return counts;
}
