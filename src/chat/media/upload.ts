/**
 * One Telegram file streamed into NemoVideo's multipart upload, one file per request so one bad file never
 * sinks the rest. The file URL holds the bot token, so it is built and used here and never logged.
 */
import { GrammyError } from "grammy/web";
import { logEvent } from "../../log";
import type { UploadFile } from "../../nemo/client";
import { NemoFileTooLargeError, NemoTransportError, NemoUnsupportedFileError } from "../../nemo/errors";
import { isTelegramTransportFailure } from "../../telegram/retry-policy";
import { AnonymousTokensExhaustedError, isTransientFailure, OwnTokenNeededError } from "../session";
import type { AlbumItem, Origin, UploadOutcome } from "../storage";
import { uploadName } from "./files";
import type { MediaFlowDeps } from "./types";

/** Telegram's file endpoint did not serve the file. */
export class TelegramDownloadError extends Error {
  override readonly name = "TelegramDownloadError";
  constructor(readonly status: number) {
    super(`Telegram file download failed with HTTP ${status}`);
  }
}

/** The file's download and upload together outlasted UPLOAD_MAX_DURATION_MS and were abandoned. */
export class UploadTimeoutError extends Error {
  override readonly name = "UploadTimeoutError";
  constructor(readonly limitMs: number) {
    super(`Upload did not finish within ${limitMs} ms`);
  }
}

/** Streams one file from Telegram into NemoVideo; every failure becomes an outcome the batch reports. */
export async function uploadTelegramFile(
  deps: Pick<MediaFlowDeps, "config" | "session" | "api">,
  origin: Origin,
  item: AlbumItem,
): Promise<UploadOutcome> {
  const { config } = deps;
  // One deadline per file, over both transfers: a download or upload that stalls would otherwise hold the
  // batch, and every turn queued behind it, forever. Aborting the download also ends the stream that feeds
  // the upload, so neither connection is left open.
  const deadline = AbortSignal.timeout(config.UPLOAD_MAX_DURATION_MS);
  try {
    // A transfer cut in transport is tried again from the download (the stream cannot be replayed), a few
    // times within the same deadline, before the file is reported failed (issue 16).
    for (let attempt = 0; ; attempt++) {
      try {
        await transferOnce(deps, origin, item, deadline);
        break;
      } catch (error) {
        const delay = config.TRANSFER_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || deadline.aborted || !isTransferTransportFailure(error)) throw error;
        logEvent(config, "warn", {
          event: "upload_retry",
          kind: item.kind,
          attempt: attempt + 1,
          error: errorName(error),
          // NemoVideo may have stored the file before its answer was lost.
          possibleDuplicate: error instanceof NemoTransportError,
        });
        await waitUnlessAborted(delay, deadline);
      }
    }
    return "done";
  } catch (caught) {
    const error = deadline.aborted ? new UploadTimeoutError(config.UPLOAD_MAX_DURATION_MS) : caught;
    logEvent(config, "warn", { event: "upload_failed", kind: item.kind, error: errorName(error) });
    if (error instanceof NemoUnsupportedFileError) return "unsupported";
    if (error instanceof AnonymousTokensExhaustedError || error instanceof OwnTokenNeededError) return "noAccount";
    if (error instanceof NemoFileTooLargeError) return "tooLargeForNemo";
    if (error instanceof GrammyError && /too big/i.test(error.description)) return "tooBigForTelegram";
    return "failed";
  }
}

/** One try at streaming the file from Telegram's file endpoint into NemoVideo's upload. */
async function transferOnce(
  deps: Pick<MediaFlowDeps, "config" | "session" | "api">,
  origin: Origin,
  item: AlbumItem,
  deadline: AbortSignal,
): Promise<void> {
  const { config } = deps;
  await deps.session.run(origin.lang, async (project) => {
    const file = await deps.api.getFile(item.fileId);
    if (!file.file_path) throw new TelegramDownloadError(0);
    const response = await fetch(`${config.TELEGRAM_API_ROOT}/file/bot${config.BOT_TOKEN}/${file.file_path}`, {
      signal: deadline,
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new TelegramDownloadError(response.status);
    }
    const size = Number(response.headers.get("content-length") ?? file.file_size ?? Number.NaN);
    const upload: UploadFile = {
      filename: uploadName(item, file.file_path),
      contentType: item.mimeType ?? "application/octet-stream",
      body: response.body,
      ...(Number.isFinite(size) ? { size } : {}),
    };
    await project.client.uploadFiles(project.record.sessionId, [upload], deadline);
  });
}

/**
 * A failure in transport, worth another try of the whole transfer: Telegram's getFile or file download
 * unanswered or 5xx, or NemoVideo's upload unanswered or 5xx. Refusals (unsupported, too large) are final.
 */
export function isTransferTransportFailure(error: unknown): boolean {
  if (isTelegramTransportFailure(error) || isTransientFailure(error)) return true;
  if (error instanceof TelegramDownloadError) return error.status >= 500 || error.status === 429;
  // fetch of the file endpoint failed without an answer (a reset connection).
  return error instanceof TypeError;
}

function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** An error as a log line names it: by class only, since messages may carry URLs, which never enter logs. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
