import { setMaxListeners } from "node:events";
import type { Update } from "@grammyjs/types";
import { sleep } from "./sleep.js";
import type { DeliveryResult } from "./types.js";
import { deliveryKey } from "./update-kind.js";

export interface WebhookConfig {
  url: string;
  secret: string | undefined;
  allowedUpdates: string[];
  maxConnections: number;
}

/** Telegram waits this long for the webhook's answer before it counts the attempt as failed (tdlib/telegram-bot-api#211). */
const RESPONSE_TIMEOUT_MS = 60_000;

/**
 * Telegram's side of a webhook: POSTs with the secret header, repeats on non-2xx or connection failure,
 * and delivers one update at a time per chat while different chats proceed concurrently.
 */
export class WebhookDelivery {
  config: WebhookConfig | undefined;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
  /** Updates accepted by deliver() and not yet answered with 2xx or given up on. */
  pending = 0;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly closing = new AbortController();

  constructor(
    private readonly retry: { maxAttempts: number; delayMs: number },
    /** Runs a method the webhook answered with in its body (Telegram's "webhook reply"). */
    private readonly onReply: (body: Record<string, unknown>) => Promise<void>,
  ) {
    // Each chat's redelivery waits on it; more than ten chats waiting at once is normal, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  deliver(update: Update): Promise<DeliveryResult> {
    const key = deliveryKey(update);
    const previous = this.queues.get(key) ?? Promise.resolve();
    this.pending++;
    const run = previous.then(() => this.attempt(update));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    return run.finally(() => {
      this.pending--;
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
  }

  /** Aborts in-flight POSTs and stops further attempts. */
  close(): void {
    this.closing.abort();
  }

  private async attempt(update: Update): Promise<DeliveryResult> {
    let status = 0;
    let attempts = 0;
    while (attempts < this.retry.maxAttempts && this.config && !this.closing.signal.aborted) {
      if (attempts > 0) await sleep(this.retry.delayMs, this.closing.signal);
      const config = this.config;
      if (!config || this.closing.signal.aborted) break;
      attempts++;
      try {
        const response = await fetch(config.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(config.secret ? { "x-telegram-bot-api-secret-token": config.secret } : {}),
          },
          body: JSON.stringify(update),
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(RESPONSE_TIMEOUT_MS)]),
        });
        status = response.status;
        const body = await response.text();
        if (status >= 200 && status < 300) {
          await this.runReply(body);
          return { update_id: update.update_id, status, attempts };
        }
        this.fail(`Wrong response from the webhook: ${status} ${response.statusText}`.trim());
      } catch (error) {
        status = 0;
        const name = error instanceof Error ? error.name : "";
        this.fail(name === "TimeoutError" ? "Read timeout expired" : connectionMessage(error));
      }
    }
    return { update_id: update.update_id, status, attempts };
  }

  private async runReply(body: string): Promise<void> {
    if (!body.trim().startsWith("{")) return;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === "object" && "method" in parsed)
        await this.onReply(parsed as Record<string, unknown>);
    } catch {
      // Telegram ignores webhook bodies it cannot use.
    }
  }

  private fail(message: string): void {
    this.lastErrorDate = Math.floor(Date.now() / 1000);
    this.lastErrorMessage = message;
  }
}

function connectionMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = cause && typeof cause === "object" && "code" in cause ? String(cause.code) : "";
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "Connection reset by peer";
  return cause instanceof Error ? cause.message : String(cause);
}
