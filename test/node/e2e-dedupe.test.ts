import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, postUpdate, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

type Inspectable = { operatorInspect(): Promise<{ keys: string[] }> };

/** Waits until the chat's object holds no inbox (every accepted update handled and removed). */
async function untilInboxEmpty(stack: Stack, chatId: number): Promise<void> {
  const namespace = await stack.mf.getDurableObjectNamespace("CHAT");
  const stub = namespace.get(namespace.idFromName(String(chatId))) as unknown as Inspectable;
  for (let i = 0; i < 100; i++) {
    // The inbox is one key per waiting update (`inbox:<n>`); the old form was one `inbox` key.
    const { keys } = await stub.operatorInspect();
    if (!keys.some((key) => key === "inbox" || key.startsWith("inbox:"))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the inbox never emptied");
}

/** Telegram delivers at least once: a redelivered update must cost nothing and say nothing twice. */
describe("redelivered updates, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { USER_TURNS_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the same update POSTed 3× concurrently runs one turn and sends one reply set", async () => {
    const chat = await openChat(stack);
    const update = stack.telegram.updates.privateText("what can you do for my video?", {
      from: { id: chat.chatId },
    });
    const statuses = await Promise.all([1, 2, 3].map(() => postUpdate(stack, update)));
    expect(statuses).toEqual([200, 200, 200]);
    await chat.waitForText(/What next\?/);
    // Wait a little past the reply so a late duplicate would have shown up.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stack.nemo.session(chat.sessionId)?.turns).toEqual(["what can you do for my video?"]);
    expect(chat.runs()).toHaveLength(1);
    expect(chat.calls("sendMessage").filter((call) => /What next\?/.test(String(call.params.text)))).toHaveLength(1);
  });

  it("five redeliveries (concurrent, then one by one while the turn runs and after it) still make one turn", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { delayMs: 20_000, event: { type: "heartbeat" } },
        { delayMs: 20_000, event: { type: "text", content: "Here is your answer." } },
      ],
    });
    const update = stack.telegram.updates.privateText("tell me a joke about editing", { from: { id: chat.chatId } });
    await Promise.all([1, 2].map(() => postUpdate(stack, update)));
    await until(() => chat.runs().length === 1, 5_000, "the turn to start");
    await postUpdate(stack, update);
    await postUpdate(stack, update);
    await chat.waitForText(/What next\?/);
    await postUpdate(stack, update);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["tell me a joke about editing"]);
    const answers = chat.calls("sendMessage").filter((call) => call.params.text === "Here is your answer.");
    expect(answers).toHaveLength(1);
  });

  it("an update seen before a restart is still ignored after it (the seen list is durable)", async () => {
    const chat = await openChat(stack);
    const update = stack.telegram.updates.privateText("/credits", { from: { id: chat.chatId } });
    await postUpdate(stack, update);
    await chat.waitForText(/Credits/);
    // Restart once the update has left the inbox: an update still in it is handed over again on purpose.
    await untilInboxEmpty(stack, chat.chatId);
    await stack.restartWorker();
    await postUpdate(stack, update);
    const again = stack.telegram.updates.privateText("/credits", { from: { id: chat.chatId } });
    await postUpdate(stack, again);
    await until(() => chat.calls("sendMessage").filter((call) => /Credits/.test(String(call.params.text))).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two distinct updates → two answers; the redelivered one added nothing.
    expect(chat.calls("sendMessage").filter((call) => /Credits/.test(String(call.params.text)))).toHaveLength(2);
    expect(stack.nemo.requests.filter((request) => request.endpoint === "credits")).toHaveLength(2);
  });
});
