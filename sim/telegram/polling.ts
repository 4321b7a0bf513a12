import type { Update } from "@grammyjs/types";
import { ApiError } from "./errors.js";
import { updateType } from "./update-kind.js";

interface Waiter {
  wake: () => void;
  terminate: (error: ApiError) => void;
}

/** Updates waiting for getUpdates, with Telegram's offset confirmation and long-poll wake-up. */
export class PollingQueue {
  private updates: Update[] = [];
  private waiter: Waiter | undefined;

  get size(): number {
    return this.updates.length;
  }

  push(update: Update): void {
    this.updates.push(update);
    this.waiter?.wake();
  }

  clear(): void {
    this.updates = [];
  }

  /** Ends a pending long poll (on close, or when a webhook is set) with an empty answer. */
  wakeAll(): void {
    this.waiter?.wake();
  }

  async get(
    options: { offset?: number; limit?: number; timeoutSeconds?: number; allowedUpdates?: string[] },
    signal: AbortSignal,
  ): Promise<Update[]> {
    // Telegram allows one poller: a newer request ends the older one with 409.
    this.waiter?.terminate(
      new ApiError(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      ),
    );
    this.waiter = undefined;
    this.confirm(options.offset);
    if (options.allowedUpdates?.length) {
      const allowed = new Set(options.allowedUpdates);
      this.updates = this.updates.filter((update) => allowed.has(updateType(update)));
    }
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 100);
    if (this.updates.length > 0 || !options.timeoutSeconds || signal.aborted) return this.updates.slice(0, limit);
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.waiter === waiter) this.waiter = undefined;
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        terminate: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(waiter.wake, (options.timeoutSeconds ?? 0) * 1000);
      signal.addEventListener("abort", waiter.wake);
      this.waiter = waiter;
    });
    return this.updates.slice(0, limit);
  }

  /** An offset confirms every update below it; a negative one keeps only the last -offset updates. */
  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) this.updates = this.updates.slice(offset);
    else this.updates = this.updates.filter((update) => update.update_id >= offset);
  }
}
