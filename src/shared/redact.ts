/**
 * The one redaction for text that may leave the Worker (log lines, error details): the given secrets,
 * and every token shape the bot knows even when it was not told the value — a Telegram bot token
 * (`123456:AA…`, also inside `/bot<token>/` URLs), a NemoVideo user token (`nmv_usr_…`) and a claim
 * token (`clm_…`, a browser session into an account). Capped in length for log lines.
 */
const TOKEN_SHAPES = [/\d{5,}:[A-Za-z0-9_-]{30,}/g, /\b(?:nmv_usr_|clm_)[A-Za-z0-9_-]+/g];

export const REDACTED = "[redacted]";

export function redact(text: string, secrets: ReadonlyArray<string | undefined> = [], maxLength = 300): string {
  let result = text;
  for (const secret of secrets) {
    if (secret) result = result.split(secret).join(REDACTED);
  }
  for (const shape of TOKEN_SHAPES) result = result.replace(shape, REDACTED);
  return result.slice(0, maxLength);
}
