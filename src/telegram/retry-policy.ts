/**
 * What the bot does when a Telegram call fails, by the kind of call (issue 16):
 * - cosmetic (status edit, chat action, reaction, draft): logged and skipped, the work goes on;
 * - answer (agent text, change report, timeline, credits, failure notices): a failure in transport is
 *   retried with backoff a bounded number of times, accepting a rare duplicate over a loss; in a private
 *   chat the answer is first looked for, as it may have been posted (chat/outgoing/latest-message.ts);
 * - video: never resent blindly; the render delivery's probe for an unanswered sendVideo decides.
 * Telegram's own refusals (4xx) are never retried here: 429 is the auto-retry transformer's, 403 ends
 * the chat's work, the rest are the caller's to handle.
 */
import { GrammyError, HttpError } from "grammy/web";

/** Telegram did not answer, or answered with a server error: the call may or may not have taken effect. */
export function isTelegramTransportFailure(error: unknown): boolean {
  return error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);
}

export type AnswerRetry = {
  /** Pauses before each further attempt; its length is the number of retries. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  /** Told after each transport failure that will be retried (for a log line). */
  onRetry?: (attempt: number, error: unknown) => void;
};

/**
 * Runs an answer's call, repeating it after a transport failure as the policy allows. Only transport
 * failures are repeated: a refusal says the call did not happen and would be refused again. `landed`,
 * when given, looks for what the failed call may have done anyway; what it finds is the call's result.
 */
export async function retryAnswer<T>(
  policy: AnswerRetry,
  call: () => Promise<T>,
  landed?: () => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = policy.delaysMs[attempt];
      if (delay === undefined || !isTelegramTransportFailure(error)) throw error;
      const found = await landed?.().catch(() => undefined);
      if (found !== undefined) return found;
      policy.onRetry?.(attempt + 1, error);
      await policy.sleep(delay);
    }
  }
}

/**
 * Runs a cosmetic call (a status edit, chat action, reaction or draft): whatever goes wrong is reported
 * to `onError` and swallowed, so decoration never ends a turn, an upload or a render. Resolves to the
 * call's value, or undefined when it failed. A chat that refused the bot for good is still noticed:
 * the chat's sender marks it unreachable before the error reaches here, and its next answer stops.
 */
export async function cosmetic<T>(
  call: Promise<T> | (() => Promise<T>),
  onError?: (error: unknown) => void,
): Promise<T | undefined> {
  try {
    return await (typeof call === "function" ? call() : call);
  } catch (error) {
    onError?.(error);
    return undefined;
  }
}
