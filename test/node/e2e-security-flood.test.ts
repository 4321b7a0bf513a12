import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, postUpdate, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

type Inspectable = { operatorInspect(): Promise<{ keys: string[] }> };

/**
 * Issue 19.5: a flood of 5,000 updates to one chat — texts, photos of one endless album and button
 * presses, posted straight to the webhook 16 at a time — is answered 2xx every time, stores at
 * most INBOX_LIMIT waiting updates (one key each) and MEDIA_PENDING_LIMIT media items, and leaves the
 * chat working afterwards. Limits are shrunk so the caps are reached quickly.
 */
describe("a flood of updates to one chat", () => {
  let stack: Stack;
  const INBOX_LIMIT = 20;
  const MEDIA_PENDING_LIMIT = 20;

  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      vars: {
        INBOX_LIMIT: String(INBOX_LIMIT),
        MEDIA_PENDING_LIMIT: String(MEDIA_PENDING_LIMIT),
        // Kept long so the flood's album stays collecting: the cap, not the settling, bounds it.
        ALBUM_SETTLE_MS: "5000",
        USER_MEDIA_PER_MINUTE: "1000",
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers every one of 5,000 updates 2xx, keeps storage bounded and keeps the chat working", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const from = { id: chat.chatId, language_code: "en" };
    const namespace = await stack.mf.getDurableObjectNamespace("CHAT");
    const stub = namespace.get(namespace.idFromName(String(chat.chatId))) as unknown as Inspectable;

    const albumId = "13579000000000001";
    const updates: Update[] = Array.from({ length: 5_000 }, (_, i) => {
      if (i % 5 === 1) return telegram.updates.photo({ from, mediaGroupId: albumId, size: 10_000 });
      if (i % 5 === 3) return telegram.updates.callback("x:credits", { chatId: chat.chatId, messageId: 1, from });
      return telegram.updates.privateText(`flood ${i}`, { from });
    });

    const statuses: number[] = [];
    let peakInbox = 0;
    let next = 0;
    const worker = async () => {
      while (next < updates.length) {
        const update = updates[next++];
        // A connection Miniflare's local server drops is not an answer: Telegram would redeliver, so do we.
        const status = await postUpdate(stack, update).catch(() => postUpdate(stack, update));
        statuses.push(status);
      }
    };
    const sampler = setInterval(() => {
      void stub.operatorInspect().then(({ keys }) => {
        peakInbox = Math.max(peakInbox, keys.filter((key) => key.startsWith("inbox:")).length);
      });
    }, 100);
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      clearInterval(sampler);
    }

    expect(statuses).toHaveLength(5_000);
    expect(statuses.filter((status) => status < 200 || status >= 300)).toEqual([]);
    expect(peakInbox).toBeLessThanOrEqual(INBOX_LIMIT);

    // The chat catches up: the inbox empties, and it said that it dropped messages.
    const deadline = Date.now() + 60_000;
    let waiting = (await stub.operatorInspect()).keys.filter((key) => key.startsWith("inbox:"));
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      waiting = (await stub.operatorInspect()).keys.filter((key) => key.startsWith("inbox:"));
    }
    expect(waiting).toEqual([]);
    await until(
      () => chat.botTexts().some((text) => text.includes("receiving more messages than I can keep up with")),
      30_000,
      "the overflow notice",
    );
    // Media was capped politely rather than stored without end.
    expect(chat.botTexts().some((text) => text.includes("too many files waiting"))).toBe(true);

    // The flood's quick actions were answered (within the per-user limit), and the chat still works:
    // /start (not a limited quick action) is answered after the flood.
    expect(chat.botTexts().some((text) => text.includes("Credits"))).toBe(true);
    const greetingsBefore = chat.calls("editMessageText").filter((call) => /Try saying/.test(String(call.params.text)));
    await telegram.deliver(telegram.updates.command("start", { from }));
    await until(
      () =>
        chat.calls("editMessageText").filter((call) => /Try saying/.test(String(call.params.text))).length >
        greetingsBefore.length,
      30_000,
      "the greeting after the flood",
    );
  }, 240_000);
});
