import { NemoError } from "../../nemo/errors";

/**
 * Why a chat has no NemoVideo account to work in. They extend NemoError (endpoint "anonymousToken") so
 * the turn machinery treats them like any refusal that happened before the agent was reached.
 */

/** The anonymous-token call was refused with 429 twice: the per-address cap (§1) or the per-client rule. */
export class AnonymousTokensExhaustedError extends NemoError {
  override name = "AnonymousTokensExhaustedError";
  constructor(options?: { cause?: unknown }) {
    super("NemoVideo gives no more anonymous tokens for now (429 after one retry)", "anonymousToken", 429, options);
  }
}

/** ANONYMOUS_TOKENS=off, no NEMO_TOKEN and no token of the user's own: the chat must bring one. */
export class OwnTokenNeededError extends NemoError {
  override name = "OwnTokenNeededError";
  constructor() {
    super("anonymous tokens are off and the chat has no token", "anonymousToken");
  }
}

/** The user's own token answered 1001 (expired or revoked). */
export class OwnTokenRefusedError extends NemoError {
  override name = "OwnTokenRefusedError";
  constructor(options?: { cause?: unknown }) {
    super("the user's own NemoVideo token was refused", "credits", 401, options);
  }
}
