import { ACCEPTED_FORMATS } from "../../nemo/formats";
import { bold, num, plural } from "../format";
import type { MediaCounts, MediaTexts } from "../types";

/** English: photos, clips, audio and links people send. */
export const media: MediaTexts = {
  mediaAdded: (counts: MediaCounts, askWhatToMake = true) => {
    const parts = [
      counts.photos > 0 ? plural(counts.photos, "photo", "photos") : undefined,
      counts.videos > 0 ? plural(counts.videos, "video", "videos") : undefined,
      counts.audio > 0 ? plural(counts.audio, "audio file", "audio files") : undefined,
      counts.files > 0 ? plural(counts.files, "file", "files") : undefined,
    ].filter((part) => part !== undefined);
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "Media");
    return `📥 ${list} added${askWhatToMake ? " — tell me what to make" : ""}`;
  },
  uploading: (done: number, total: number) => `⬆️ Uploading ${num(done)}/${num(total)}…`,
  uploadFailed: (filename?: string) =>
    `⚠️ I couldn't upload ${filename ? bold(filename) : "that file"}. Please send it again.`,
  uploadFailedAll: (count: number) => `⚠️ I couldn't upload those ${num(count)} files. Please send them again.`,
  uploadHelp: "📎 Just send photos, videos or audio here (or paste links to them) — I'll add them to your project.",
  unsupportedMedia: `🚫 I can't use that file type. I accept: ${ACCEPTED_FORMATS}.`,
  fileTooBigForTelegram: (filename?: string) =>
    `📦 ${filename ? bold(filename) : "That file"} is over 20 MB, the most Telegram lets bots download. Trim or compress it, or send a link to the file instead.`,
  fileTooLargeForNemo: (filename?: string) =>
    `📦 NemoVideo says ${filename ? bold(filename) : "that file"} is too large. Trim or compress it and send it again.`,
};
