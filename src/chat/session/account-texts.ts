import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { NemoRateLimitedError } from "../../nemo/errors";
import { AnonymousTokensExhaustedError, OwnTokenNeededError, OwnTokenRefusedError } from "./account-errors";
import type { NemoSession } from "./nemo-session";

/** Where this chat's person can register (bound to their anonymous user), or nothing when they have an account. */
export async function registerUrl(deps: {
  session: NemoSession;
  config: Pick<Config, "NEMO_TOKEN" | "NEMO_WEB_URL">;
}): Promise<string | undefined> {
  const record = await deps.session.record();
  if (deps.config.NEMO_TOKEN || record.ownToken) return undefined;
  // Bound by the anonymous user id only: the client id is a secret that limits abuse, never put in a link.
  if (!record.anonUserId) return `${deps.config.NEMO_WEB_URL}/register`;
  return `${deps.config.NEMO_WEB_URL}/register?bind=${encodeURIComponent(record.anonUserId)}`;
}

/** The user-facing sentence for a failure that ended a request before it reached the agent. */
export function messageForError(error: unknown, lang: Lang): string {
  const texts = t(lang);
  // Issue 17: no account to work in is said plainly, with the ways out, never as "busy, try in a minute".
  if (error instanceof AnonymousTokensExhaustedError) return texts.accounts.freeAccountsExhausted;
  if (error instanceof OwnTokenNeededError) return texts.accounts.tokenNeeded;
  if (error instanceof OwnTokenRefusedError) return texts.accounts.tokenRefused;
  // Every 429 is a NemoRateLimitedError (errors.ts checks the status first): one that outlived its retry.
  if (error instanceof NemoRateLimitedError) return texts.rateLimited;
  return texts.backendError;
}
