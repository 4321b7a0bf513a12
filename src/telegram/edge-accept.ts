/**
 * The webhook's hand-off to the chat's Durable Object, held under load (issue 16): an `accept` that
 * throws (an object overloaded or reset by a burst, a storage hiccup) is tried again after a short pause,
 * since accepting is idempotent (the object ignores an update id it has seen). Telegram answered with a
 * 5xx backs off the whole bot, so a slow 200 is better than a fast error; only when every try failed does
 * the error reach Telegram, which then redelivers the update.
 */
export async function acceptWithRetry<T>(
  accept: () => Promise<T>,
  delaysMs: readonly number[],
  sleep: (ms: number) => Promise<void>,
  onRetry?: (attempt: number, error: unknown) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await accept();
    } catch (error) {
      const delay = delaysMs[attempt];
      if (delay === undefined) throw error;
      onRetry?.(attempt + 1, error);
      await sleep(delay);
    }
  }
}
