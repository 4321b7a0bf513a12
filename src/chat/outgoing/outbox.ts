/**
 * Answers Telegram did not take after every retry (issue 16): kept in the chat's storage and sent again
 * by the alarm, so a person whose answer met a network blip gets it late instead of never. An answer is
 * dropped only when Telegram refuses the chat for good (403, chat gone), when Telegram refuses the message
 * itself, or when it has waited longer than OUTBOX_MAX_AGE_MS.
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Config } from "../../config";
import { logEvent } from "../../log";
import { isTelegramTransportFailure } from "../../telegram/retry-policy";
import { type ChatSender, ChatUnreachableError, type Destination } from "../../telegram/sender";
import { chatStorage, createSerial } from "../storage";

export type UndeliveredAnswer = {
  html: string;
  destination: Destination;
  replyTo?: number;
  buttons?: InlineKeyboardMarkup;
};

/** The message id `send` reports for an answer kept in the outbox: no message exists yet. */
export const DEFERRED_MESSAGE_ID = 0;

export type OutboxDeps = {
  config: Pick<Config, "OUTBOX_RETRY_MS" | "OUTBOX_MAX_AGE_MS" | "LOG_LEVEL">;
  storage: DurableObjectStorage;
  now: () => number;
  newId: () => string;
  requestWake: (atMs: number) => Promise<void>;
  /** A sender that tries once (no in-place retries: the outbox's own schedule is the backoff). */
  senderOnce: (destination: Destination) => ChatSender;
};

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(deps: OutboxDeps) {
  const { config, storage, now } = deps;
  /** Every read-modify-write of the outbox, so an answer kept during a flush is not written over. */
  const serially = createSerial();

  async function read() {
    return (await chatStorage(storage).get("outbox")) ?? [];
  }
  async function write(entries: Awaited<ReturnType<typeof read>>) {
    if (entries.length > 0) await chatStorage(storage).put({ outbox: entries });
    else await chatStorage(storage).delete("outbox");
  }

  async function flushDue(): Promise<void> {
    let entries = await read();
    for (const entry of [...entries]) {
      // In order: an answer waits behind an earlier one that is not due yet.
      if (entry.nextAt > now()) break;
      const log = (outcome: string) =>
        logEvent(config, outcome === "delivered" ? "info" : "warn", {
          event: "outbox",
          chat: entry.destination.chatId,
          outcome,
          attempts: entry.attempts + 1,
        });
      try {
        if (now() - entry.firstAt > config.OUTBOX_MAX_AGE_MS) {
          log("expired");
        } else {
          await deps.senderOnce(entry.destination).send(entry.html, {
            ...(entry.replyTo === undefined ? {} : { replyTo: entry.replyTo }),
            ...(entry.buttons ? { buttons: entry.buttons as unknown as InlineKeyboardMarkup } : {}),
          });
          log("delivered");
        }
        entries = entries.filter((other) => other.id !== entry.id);
      } catch (error) {
        if (error instanceof ChatUnreachableError) {
          // Refused for good: nothing for this chat will be delivered (the chat's work stops too).
          log("refused");
          entries = [];
          break;
        }
        if (!isTelegramTransportFailure(error)) {
          // Telegram refused this message itself: sending it again would be refused again.
          log("refused");
          entries = entries.filter((other) => other.id !== entry.id);
          continue;
        }
        const attempts = entry.attempts + 1;
        const next = { ...entry, attempts, nextAt: now() + config.OUTBOX_RETRY_MS * 2 ** Math.min(attempts, 6) };
        entries = entries.map((other) => (other.id === entry.id ? next : other));
        log("waiting");
        // The others would most likely meet the same trouble; keep their order and wait.
        break;
      }
    }
    await write(entries);
    const head = entries[0];
    if (head) await deps.requestWake(head.nextAt);
  }

  async function keep(answer: UndeliveredAnswer): Promise<void> {
    const entry = {
      id: deps.newId(),
      html: answer.html,
      destination: { chatId: answer.destination.chatId, threadId: answer.destination.threadId },
      ...(answer.replyTo === undefined ? {} : { replyTo: answer.replyTo }),
      ...(answer.buttons ? { buttons: answer.buttons as unknown as Record<string, unknown> } : {}),
      firstAt: now(),
      attempts: 0,
      nextAt: now() + config.OUTBOX_RETRY_MS,
    };
    await serially(async () => chatStorage(storage).put({ outbox: [...(await read()), entry] }));
    logEvent(config, "warn", { event: "outbox", chat: entry.destination.chatId, outcome: "kept", attempts: 0 });
    await deps.requestWake(entry.nextAt);
  }

  return {
    /** Keeps an answer every retry failed for; the alarm sends it after OUTBOX_RETRY_MS. */
    keep,
    /**
     * `sender` whose answers, when they still fail in transport after its own retries, are kept here and
     * reported as sent (DEFERRED_MESSAGE_ID), so the work that produced them goes on instead of ending with
     * the answer lost. Status messages are not kept: they are decoration.
     */
    deferring(sender: ChatSender, destination: Destination): ChatSender {
      return {
        ...sender,
        send: async (html, options = {}) => {
          try {
            return await sender.send(html, options);
          } catch (error) {
            if (options.kind === "status" || !isTelegramTransportFailure(error)) throw error;
            const { buttons, replyTo } = options;
            await keep({ html, destination, ...(buttons ? { buttons } : {}), replyTo });
            return DEFERRED_MESSAGE_ID;
          }
        },
      };
    },
    /** Sends the answers that are due, oldest first; one flush at a time per instance. */
    flush(): Promise<void> {
      return serially(flushDue);
    },
    /** When the oldest answer is due: the others wait behind it. */
    async nextWakeAt(): Promise<number | undefined> {
      return (await read())[0]?.nextAt;
    },
    /**
     * Drops every kept answer (the chat refused the bot). Not in the serial chain: a flush's own send may
     * be what found the chat refused, and it waits for this while holding the chain.
     */
    async clear(): Promise<void> {
      await chatStorage(storage).delete("outbox");
    },
  };
}
