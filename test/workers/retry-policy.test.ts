import { Api, GrammyError, HttpError } from "grammy/web";
import { describe, expect, it } from "vitest";
import { isTransferTransportFailure, TelegramDownloadError } from "../../src/chat/media/upload";
import { createOutbox } from "../../src/chat/outgoing/outbox";
import { NemoTransportError, NemoUnsupportedFileError } from "../../src/nemo/errors";
import { acceptWithRetry } from "../../src/telegram/edge-accept";
import {
  type ChatSender,
  ChatUnreachableError,
  createChatSender,
  decoration,
  type SenderPolicy,
} from "../../src/telegram/sender";
import { clientWith, json } from "./nemo-fakes";

/**
 * Issue 16's retry rules, per kind of call: answers are retried after a transport failure (bounded, with
 * the configured pauses), never after a refusal; status messages are sent once; decoration never throws;
 * undelivered answers wait in the outbox until Telegram takes them or refuses the chat for good; NemoVideo
 * reads are retried, /run_sse never.
 */

type Answer = "ok" | "reset" | 400 | 403 | 500;

/** A grammY Api whose Bot API answers follow `script` (then "ok"), recording each method called. */
function scriptedApi(script: Answer[]) {
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const method = String(input).split("/").pop() ?? "";
    calls.push(method);
    const answer = script[calls.length - 1] ?? "ok";
    if (answer === "reset") throw new TypeError("Network connection lost.");
    if (answer === "ok") {
      return Response.json({ ok: true, result: { message_id: 100 + calls.length, date: 0, chat: { id: 7 } } });
    }
    const description = answer === 403 ? "Forbidden: bot was blocked by the user" : "Bad Request: something";
    return Response.json({ ok: false, error_code: answer, description }, { status: answer });
  };
  const api = new Api("123:abc", { apiRoot: "https://telegram.test", fetch: fetch as typeof globalThis.fetch });
  return { api, calls };
}

function policy(delaysMs: number[] = [10, 20]) {
  const slept: number[] = [];
  const retries: number[] = [];
  const value: SenderPolicy = {
    answers: {
      delaysMs,
      sleep: async (ms) => void slept.push(ms),
      onRetry: (attempt) => void retries.push(attempt),
    },
  };
  return { value, slept, retries };
}

describe("answers (agent text, change report, timeline, credits, notices)", () => {
  it("are sent again after a lost connection, after the configured pause, and the retry is counted", async () => {
    const { api, calls } = scriptedApi(["reset", "ok"]);
    const { value, slept, retries } = policy([10, 20]);
    const id = await createChatSender(api, { chatId: 7 }, value).send("the answer");
    expect(id).toBe(102);
    expect(calls).toEqual(["sendMessage", "sendMessage"]);
    expect(slept).toEqual([10]);
    expect(retries).toEqual([1]);
  });

  it("are retried on a Telegram 5xx, a bounded number of times, then fail in transport", async () => {
    const { api, calls } = scriptedApi([500, "reset", 500, "ok"]);
    const { value, slept } = policy([10, 20]);
    const sending = createChatSender(api, { chatId: 7 }, value).send("the answer");
    await expect(sending).rejects.toBeInstanceOf(GrammyError);
    expect(calls).toHaveLength(3);
    expect(slept).toEqual([10, 20]);
  });

  it("are not retried when Telegram refuses them; a 403 stops the chat", async () => {
    const refused = scriptedApi([400]);
    await expect(createChatSender(refused.api, { chatId: 7 }, policy().value).send("x")).rejects.toBeInstanceOf(
      GrammyError,
    );
    expect(refused.calls).toHaveLength(1);
    const blocked = scriptedApi([403]);
    await expect(createChatSender(blocked.api, { chatId: 7 }, policy().value).send("x")).rejects.toBeInstanceOf(
      ChatUnreachableError,
    );
    expect(blocked.calls).toHaveLength(1);
  });

  it("status messages are sent once: their loss is decoration, never a duplicate", async () => {
    const { api, calls } = scriptedApi(["reset", "ok"]);
    const sender = createChatSender(api, { chatId: 7 }, policy().value);
    await expect(sender.send("🤖 Working on it…", { kind: "status" })).rejects.toBeInstanceOf(HttpError);
    expect(calls).toHaveLength(1);
  });
});

describe("decoration (status edits, chat actions, reactions, drafts)", () => {
  it("never fails the work: a lost edit, a refused action or a thrown error resolve to undefined", async () => {
    const { api, calls } = scriptedApi(["reset", 400, 500]);
    const sender = createChatSender(api, { chatId: 7 }, policy().value);
    const config = { LOG_LEVEL: "error" };
    expect(await decoration(config, "edit", () => sender.edit(5, "⏳ Rendering… 40%"))).toBeUndefined();
    expect(await decoration(config, "edit", sender.edit(5, "⏳ Rendering… 50%"))).toBeUndefined();
    expect(await decoration(config, "action", () => api.sendChatAction(7, "typing"))).toBeUndefined();
    expect(
      await decoration(config, "reaction", async () => {
        throw new Error("anything");
      }),
    ).toBeUndefined();
    // Decoration is tried once: nothing is repeated.
    expect(calls).toEqual(["editMessageText", "editMessageText", "sendChatAction"]);
    expect(await decoration(config, "action", () => Promise.resolve(true))).toBe(true);
  });
});

describe("the outbox of undelivered answers", () => {
  function outboxWith(results: (() => Promise<number>)[]) {
    const data = new Map<string, unknown>();
    const storage = {
      get: async (key: string) => structuredClone(data.get(key)),
      put: async (key: string, value: unknown) => void data.set(key, structuredClone(value)),
      delete: async (key: string) => data.delete(key),
    } as unknown as DurableObjectStorage;
    let clock = 1_000;
    const sent: { html: string; replyTo?: number }[] = [];
    const wakes: number[] = [];
    const sender = {
      send: async (html: string, options: { replyTo?: number } = {}) => {
        const next = results.shift() ?? (async () => 1);
        const id = await next();
        sent.push({ html, replyTo: options.replyTo });
        return id;
      },
    } as unknown as ChatSender;
    const outbox = createOutbox({
      config: { OUTBOX_RETRY_MS: 100, OUTBOX_MAX_AGE_MS: 10_000, LOG_LEVEL: "error" },
      storage,
      now: () => clock,
      newId: () => `id-${clock}-${sent.length}-${wakes.length}`,
      requestWake: async (at) => void wakes.push(at),
      senderOnce: () => sender,
    });
    return { outbox, sent, wakes, advance: (ms: number) => (clock += ms), data };
  }
  const lost = async (): Promise<number> => {
    throw new HttpError("Network request for 'sendMessage' failed!", new TypeError("reset"));
  };

  it("keeps an answer, wakes the alarm for it, and sends it once when due", async () => {
    const { outbox, sent, wakes, advance } = outboxWith([]);
    await outbox.keep({ html: "the agent's answer", destination: { chatId: 7 }, replyTo: 3 });
    expect(wakes).toEqual([1_100]);
    await outbox.flush();
    expect(sent).toEqual([]); // not due yet
    advance(100);
    await outbox.flush();
    await outbox.flush();
    expect(sent).toEqual([{ html: "the agent's answer", replyTo: 3 }]);
    expect(await outbox.nextWakeAt()).toBeUndefined();
  });

  it("waits longer after another transport failure and keeps the order", async () => {
    const { outbox, sent, advance } = outboxWith([lost]);
    await outbox.keep({ html: "first", destination: { chatId: 7 } });
    await outbox.keep({ html: "second", destination: { chatId: 7 } });
    advance(100);
    await outbox.flush();
    expect(sent).toEqual([]);
    expect(await outbox.nextWakeAt()).toBe(1_100 + 200);
    advance(200);
    await outbox.flush();
    expect(sent.map((entry) => entry.html)).toEqual(["first", "second"]);
  });

  it("an answer still lost after the sender's retries is kept, not thrown; a lost status is thrown", async () => {
    const { outbox, sent, advance } = outboxWith([]);
    const failing = { send: lost } as unknown as ChatSender;
    const sender = outbox.deferring(failing, { chatId: 7 });
    expect(await sender.send("your timeline", { replyTo: 9 })).toBe(0);
    await expect(sender.send("🤖 Working on it…", { kind: "status" })).rejects.toBeInstanceOf(HttpError);
    advance(100);
    await outbox.flush();
    expect(sent).toEqual([{ html: "your timeline", replyTo: 9 }]);
  });

  it("a refusal found by the outbox's own send can clear the outbox without waiting for itself", async () => {
    let box: ReturnType<typeof outboxWith> | undefined;
    box = outboxWith([
      async () => {
        // What the chat's guard does on a 403: mark the chat unreachable, which clears the outbox.
        await box?.outbox.clear();
        throw new ChatUnreachableError(7);
      },
    ]);
    await box.outbox.keep({ html: "a", destination: { chatId: 7 } });
    box.advance(100);
    await box.outbox.flush();
    expect(await box.outbox.nextWakeAt()).toBeUndefined();
  });

  it("drops everything when Telegram refuses the chat for good, and a message Telegram refuses", async () => {
    const refusedForGood = outboxWith([
      async () => {
        throw new ChatUnreachableError(7);
      },
    ]);
    await refusedForGood.outbox.keep({ html: "a", destination: { chatId: 7 } });
    await refusedForGood.outbox.keep({ html: "b", destination: { chatId: 7 } });
    refusedForGood.advance(100);
    await refusedForGood.outbox.flush();
    expect(await refusedForGood.outbox.nextWakeAt()).toBeUndefined();

    const refusedMessage = outboxWith([
      async () => {
        throw new GrammyError("400", { ok: false, error_code: 400, description: "Bad Request" }, "sendMessage", {});
      },
    ]);
    await refusedMessage.outbox.keep({ html: "bad", destination: { chatId: 7 } });
    await refusedMessage.outbox.keep({ html: "good", destination: { chatId: 7 } });
    refusedMessage.advance(100);
    await refusedMessage.outbox.flush();
    expect(refusedMessage.sent.map((entry) => entry.html)).toEqual(["good"]);
  });
});

describe("transfers and NemoVideo reads", () => {
  it("a transfer is retried after transport failures on either side, never after a refusal", () => {
    expect(isTransferTransportFailure(new HttpError("getFile failed", new TypeError("reset")))).toBe(true);
    expect(isTransferTransportFailure(new TypeError("Network connection lost."))).toBe(true);
    expect(isTransferTransportFailure(new TelegramDownloadError(502))).toBe(true);
    expect(isTransferTransportFailure(new NemoTransportError("cut", "uploadFiles"))).toBe(true);
    expect(isTransferTransportFailure(new TelegramDownloadError(404))).toBe(false);
    expect(isTransferTransportFailure(new NemoUnsupportedFileError("type", "uploadFiles", 4001, 400))).toBe(false);
  });

  it("state, render status and credits are read again after a lost connection or a 5xx", async () => {
    let failures = 0;
    const { client, calls } = clientWith(
      async (request) => {
        if (failures < 2 && request.method === "GET") {
          failures++;
          if (failures === 1) throw new TypeError("Network connection lost.");
          return json({ detail: "Internal Server Error" }, 502);
        }
        if (request.url.includes("/api/state/")) return json({ code: 0, data: { state: { draft: {} } } });
        return json({ code: 0, data: { available: 5, frozen: 0, total: 5 } });
      },
      { readRetry: { delaysMs: [1, 1], sleep: async () => {} } },
    );
    await client.state("sess-1");
    expect(calls).toHaveLength(3);
    await client.credits();
    expect(calls).toHaveLength(4);
  });

  it("/run_sse is never sent again: its transport failure goes to recovery", async () => {
    const { client, calls } = clientWith(
      async () => {
        throw new TypeError("Network connection lost.");
      },
      { readRetry: { delaysMs: [1, 1], sleep: async () => {} } },
    );
    await expect(client.runTurn({ sessionId: "sess-1", text: "make it" })).rejects.toBeInstanceOf(NemoTransportError);
    expect(calls).toHaveLength(1);
  });
});

describe("the edge's hand-off to the chat's object", () => {
  it("is tried again when it throws (accepting is idempotent), a bounded number of times", async () => {
    let calls = 0;
    const slept: number[] = [];
    const accepted = await acceptWithRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Error("Durable Object is overloaded");
        return { duplicate: false };
      },
      [5, 10, 20],
      async (ms) => void slept.push(ms),
    );
    expect(accepted).toEqual({ duplicate: false });
    expect(slept).toEqual([5, 10]);
    calls = 0;
    const failing = acceptWithRetry(
      async () => {
        calls++;
        throw new Error("reset");
      },
      [1, 1],
      async () => {},
    );
    await expect(failing).rejects.toThrow("reset");
    expect(calls).toBe(3);
  });
});
