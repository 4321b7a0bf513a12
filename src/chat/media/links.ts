/**
 * Media sent as links: NemoVideo fetches URLs itself (uploadUrls), so a text of media links is one request,
 * and whatever the text says around the links is the instruction that came with them.
 */

import { t } from "../../i18n";
import { logEvent } from "../../log";
import { NemoFileTooLargeError, NemoUnsupportedFileError } from "../../nemo/errors";
import { refuseLink } from "../../shared/public-url";
import { mediaLinks } from "../../telegram/intents";
import type { Origin } from "../storage";
import type { MediaFlowDeps } from "./types";
import { errorName } from "./upload";

type LinkDeps = Pick<MediaFlowDeps, "config" | "session" | "senderFor" | "instruction"> & {
  /** Remembers that the next text is the instruction for these files. */
  awaitInstruction: () => Promise<void>;
  /** The per-user media limit and the chat's pending-media cap, for this many links (answers itself). */
  admit?: (cost: number) => Promise<boolean>;
};

/** Uploads media links in a text by URL; true when the text was such a message. */
export async function uploadLinks(deps: LinkDeps, origin: Origin, text: string): Promise<boolean> {
  const urls = mediaLinks(text);
  if (urls.length === 0) return false;
  const texts = t(origin.lang);
  const sender = deps.senderFor(origin);
  // Refused before anything reaches NemoVideo: too many links, or a link into a private network.
  if (urls.length > deps.config.MAX_LINKS_PER_MESSAGE) {
    await sender.send(texts.tooManyLinks(deps.config.MAX_LINKS_PER_MESSAGE), { replyTo: origin.messageId });
    return true;
  }
  const refused = urls.find((url) => refuseLink(url) !== undefined);
  if (refused !== undefined) {
    logEvent(deps.config, "warn", { event: "link_refused", reason: refuseLink(refused) });
    await sender.send(texts.linkRefused(hostOf(refused)), { replyTo: origin.messageId });
    return true;
  }
  if (deps.admit && !(await deps.admit(urls.length))) return true;
  try {
    // NemoVideo fetches the links itself; a request that hangs must not hold the chat (UPLOAD_MAX_DURATION_MS).
    const signal = AbortSignal.timeout(deps.config.UPLOAD_MAX_DURATION_MS);
    await deps.session.run(origin.lang, (project) => project.client.uploadUrls(project.record.sessionId, urls, signal));
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

/** The host a refused link names, for the refusal (never the whole URL: it may carry credentials). */
function hostOf(href: string): string {
  try {
    return new URL(href).host;
  } catch {
    return "?";
  }
}
