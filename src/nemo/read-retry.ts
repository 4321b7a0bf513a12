import { NemoHttpError, NemoTransportError } from "./errors";

/**
 * Retries for NemoVideo calls that only read (project state, render status, credits): repeating them
 * changes nothing, so a connection cut or a 5xx is tried again after a short pause instead of failing a
 * turn, an export or a poll (issue 16). Never used for /run_sse, uploads or render submits, whose repeat
 * would do the work twice.
 */
export type ReadRetry = {
  /** Pauses before each further attempt; its length is the number of retries. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
};

/** A failure worth another try of a read: no answer arrived, or the server erred. */
export function isRetryableRead(error: unknown): boolean {
  return error instanceof NemoTransportError || (error instanceof NemoHttpError && error.isServerError);
}

export async function retryRead<T>(policy: ReadRetry | undefined, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = policy?.delaysMs[attempt];
      if (delay === undefined || !isRetryableRead(error)) throw error;
      await policy?.sleep(delay);
    }
  }
}
