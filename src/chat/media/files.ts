/**
 * Which Telegram files NemoVideo can take, and the names they travel under. NemoVideo judges a file's type
 * by its extension (nemo-api.md, error 4001), while Telegram often knows only a MIME type, so both
 * directions of the MIME ↔ extension mapping live here.
 */
import { ACCEPTED_EXTENSIONS } from "../../nemo/formats";
import type { MediaMessage } from "../../telegram/actions";
import type { AlbumItem } from "../storage";

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

/** Photos, videos, GIFs and audio always; documents only of a type NemoVideo accepts. */
export function isAcceptedMedia(message: MediaMessage): boolean {
  if (message.kind !== "document") return true;
  const extension = message.fileName?.includes(".") ? message.fileName.split(".").pop()?.toLowerCase() : undefined;
  // The file name decides when there is one (a ".pdf" stays refused whatever its MIME type claims).
  if (extension !== undefined) return ACCEPTED_EXTENSIONS.includes(extension);
  return extensionForMime(message.mimeType) !== undefined;
}

function extensionForMime(mimeType: string | undefined): string | undefined {
  return mimeType ? MIME_EXTENSIONS[mimeType.toLowerCase()] : undefined;
}

/** The MIME type a file name's extension stands for, for files Telegram sent without one. */
export function mimeForName(fileName: string | undefined): string | undefined {
  const extension = fileName?.split(".").pop()?.toLowerCase();
  return Object.entries(MIME_EXTENSIONS).find(([, ext]) => ext === extension)?.[0];
}

/**
 * The name NemoVideo gets: it judges the type by extension (4001 otherwise), so a name without an
 * accepted one gets the extension of its MIME type or of Telegram's stored path.
 */
export function uploadName(item: AlbumItem, filePath: string): string {
  const base = item.fileName ?? filePath.split("/").pop() ?? "file";
  const extension = base.includes(".") ? base.split(".").pop()?.toLowerCase() : undefined;
  if (extension && ACCEPTED_EXTENSIONS.includes(extension)) return base;
  const fallback = extensionForMime(item.mimeType) ?? filePath.split(".").pop()?.toLowerCase();
  return fallback && ACCEPTED_EXTENSIONS.includes(fallback) ? `${base}.${fallback}` : base;
}

/** The counts the "media added" message names, documents counted by their MIME type. */
export function countKinds(items: AlbumItem[]) {
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
