import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { logEvent } from "../../log";
import { CALLBACK } from "../../telegram/callbacks";
import type { ChatSender } from "../../telegram/sender";
import type { Origin } from "../storage";

/** Logs where a render step failed and the error's class, never its text (which may quote a request). */
export function logRenderError(config: Config, level: "warn" | "error", where: string, error: unknown): void {
  logEvent(config, level, { event: "error", where, error: error instanceof Error ? error.name : "unknown" });
}

/** The failure reply of both a refused submit and a failed render: Retry exports the same draft again. */
export function sendRenderFailed(sender: ChatSender, origin: Origin, reason: string | undefined): Promise<number> {
  return sender.send(t(origin.lang).renderFailed(reason), {
    replyTo: origin.messageId,
    buttons: retryButton(origin.lang),
  });
}

function retryButton(lang: Lang) {
  return { inline_keyboard: [[{ text: t(lang).buttons.retry, callback_data: CALLBACK.retryRender }]] };
}
