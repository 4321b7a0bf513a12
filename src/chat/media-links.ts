/**
 * Media sent as links: NemoVideo fetches URLs itself (uploadUrls), so a text of media links is one request,
 * and whatever the text says around the links is the instruction that came with them.
 */

import { logEvent } from "../log";
import { NemoFileTooLargeError, NemoUnsupportedFileError } from "../nemo/errors";
import { mediaLinks } from "../telegram/intents";
import { t } from "../telegram/messages";
import type { MediaFlowDeps } from "./media-flow";
import { errorName } from "./media-upload";
import type { Origin } from "./state";

type LinkDeps = Pick<MediaFlowDeps, "config" | "session" | "senderFor" | "instruction"> & {
  /** Remembers that the next text is the instruction for these files. */
  awaitInstruction: () => Promise<void>;
};

/** Uploads media links in a text by URL; true when the text was such a message. */
export async function uploadLinks(deps: LinkDeps, origin: Origin, text: string): Promise<boolean> {
  const urls = mediaLinks(text);
  if (urls.length === 0) return false;
  const texts = t(origin.lang);
  const sender = deps.senderFor(origin);
  try {
    await deps.session.run(origin.lang, (project) => project.client.uploadUrls(project.record.sessionId, urls));
  } catch (error) {
    logEvent(deps.config, "warn", { event: "upload_failed", kind: "url", error: errorName(error) });
    const name = urls.length === 1 ? fileNameOfUrl(urls[0]) : undefined;
    const answer =
      error instanceof NemoUnsupportedFileError
        ? texts.unsupportedMedia
        : error instanceof NemoFileTooLargeError
          ? texts.fileTooLargeForNemo(name)
          : texts.uploadFailed(name);
    await sender.send(answer, { replyTo: origin.messageId });
    return true;
  }
  const rest = instructionAround(text, urls);
  await sender.send(texts.mediaAdded({ photos: 0, videos: 0, audio: 0, files: urls.length }, !rest), {
    replyTo: origin.messageId,
  });
  if (rest) await deps.instruction(origin, rest);
  else await deps.awaitInstruction();
  return true;
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
