import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatDurableObject } from "../../src/chat/chat-do";

/**
 * accept() inside workerd, called concurrently as Telegram's redeliveries arrive: exactly one call
 * records the update. An edited message is used because the bot ignores it, so nothing leaves workerd.
 */
function editedMessage(updateId: number, chatId: number) {
  return {
    update_id: updateId,
    edited_message: {
      message_id: 1,
      date: 1_700_000_000,
      edit_date: 1_700_000_001,
      chat: { id: chatId, type: "private", first_name: "Ann" },
      from: { id: chatId, is_bot: false, first_name: "Ann" },
      text: "changed my mind",
    },
  };
}

describe("the chat object's durable dedupe", () => {
  it("records an update once when it is accepted 3× concurrently, and still refuses it later", async () => {
    const chatId = 5_550_001;
    const stub = env.CHAT.get(env.CHAT.idFromName(String(chatId)));
    const update = editedMessage(9_001, chatId);
    const results = await Promise.all([stub.accept(update), stub.accept(update), stub.accept(update)]);
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await stub.accept(update)).toEqual({ duplicate: true });
    const seen = await runInDurableObject(stub, async (_instance: ChatDurableObject, state) =>
      state.storage.get<number[]>("seen"),
    );
    expect(seen?.filter((id) => id === 9_001)).toHaveLength(1);
  });

  it("five redeliveries interleaved with new updates: each update is recorded exactly once, in order", async () => {
    const chatId = 5_550_002;
    const stub = env.CHAT.get(env.CHAT.idFromName(String(chatId)));
    const ids = [101, 102, 103];
    // As Telegram delivers a chat's updates: the next one only after the previous was answered (platform
    // facts §webhooks), while redeliveries of earlier ones keep arriving in between. Fifteen calls started
    // at once would test an order workerd does not promise: concurrent RPCs may reach the object in any order.
    const results: { duplicate: boolean }[] = [];
    const redeliveries: Promise<{ duplicate: boolean }>[] = [];
    for (const id of ids) {
      const first = stub.accept(editedMessage(id, chatId));
      redeliveries.push(...Array.from({ length: 4 }, () => stub.accept(editedMessage(id, chatId))));
      results.push(await first);
    }
    results.push(...(await Promise.all(redeliveries)));
    expect(results).toHaveLength(15);
    expect(results.filter((result) => !result.duplicate)).toHaveLength(ids.length);
    const seen = await runInDurableObject(stub, async (_instance: ChatDurableObject, state) =>
      state.storage.get<number[]>("seen"),
    );
    expect(seen).toEqual(ids);
  });
});
