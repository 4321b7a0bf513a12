import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack, WEBHOOK_SECRET } from "../support/stack";
import {
  buildFlow,
  callsToChat,
  deliverAlbum,
  expectClearText,
  expectNothingLostOrDoubled,
  okCalls,
  quiet,
  until,
  waitForOutcome,
} from "./faults-harness";

/**
 * Telegram-side faults, each injected into the full photos → video flow of its own chat: redelivered
 * updates, 429 with retry_after, 400 "not modified" and "can't parse entities", and 403 (bot blocked).
 * Scenarios share one stack and run one after another, because fake faults apply to a method, not a chat.
 */
describe("the photos → video flow under Telegram faults", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("with no fault: one upload per photo, one turn, one video (the baseline the faults are held to)", async () => {
    const flow = buildFlow(stack, 7_100_000_001, "baseline");
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("Telegram redelivering every update 5 times (in sequence and at once) changes nothing", async () => {
    const flow = buildFlow(stack, 7_100_000_002, "redelivery");
    const url = `${stack.url}/telegram/webhook`;
    const post = (update: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      }).then((response) => response.status);
    // The first photo five times in a row, the others five times concurrently (a burst of retries).
    const [first, ...rest] = flow.album;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) statuses.push(await post(first));
    statuses.push(...(await Promise.all(rest.flatMap((update) => Array.from({ length: 5 }, () => post(update))))));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitForOutcome(stack, flow);
    // Redeliveries after the video arrived (Telegram retrying a slow answer) must not start anything again.
    for (const update of flow.album) await post(update);
    await quiet(stack, flow.chatId);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("429 with retry_after on sendMessage and sendVideo: each is waited out and sent once", async () => {
    const flow = buildFlow(stack, 7_100_000_003, "telegram-429");
    stack.telegram.fault("sendMessage", { status: 429, retryAfter: 1, times: 2 });
    stack.telegram.fault("sendVideo", { status: 429, retryAfter: 1, times: 1 });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    const refused = callsToChat(stack, flow.chatId, flow.since.telegramCalls).filter((call) => call.status === 429);
    expect(refused.map((call) => call.method).sort()).toEqual(["sendMessage", "sendMessage", "sendVideo"]);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("400 'message is not modified' on progress edits is treated as done", async () => {
    const flow = buildFlow(stack, 7_100_000_004, "not-modified");
    stack.telegram.fault("editMessageText", {
      status: 400,
      description:
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
      times: 4,
    });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    const refused = callsToChat(stack, flow.chatId, flow.since.telegramCalls).filter(
      (call) => call.method === "editMessageText" && call.status === 400,
    );
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("400 'can't parse entities' makes the bot resend that text once as plain text", async () => {
    const flow = buildFlow(stack, 7_100_000_005, "parse-error");
    stack.telegram.fault("sendMessage", {
      status: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3',
      times: 1,
    });
    await deliverAlbum(stack, flow);
    await waitForOutcome(stack, flow);
    const sends = callsToChat(stack, flow.chatId, flow.since.telegramCalls).filter(
      (call) => call.method === "sendMessage",
    );
    const refused = sends.find((call) => call.status === 400);
    expect(refused?.params.parse_mode).toBe("HTML");
    const retried = sends[sends.indexOf(refused as (typeof sends)[number]) + 1];
    expect(retried?.status).toBe(200);
    expect(retried?.params.parse_mode).toBeUndefined();
    expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
  });

  it("403 'bot was blocked' mid-flow stops all work for the chat; unblocking and /start work again", async () => {
    const flow = buildFlow(stack, 7_100_000_006, "blocked");
    await deliverAlbum(stack, flow);
    // Block once the agent has the instruction: everything after it (status edits, render, video) is refused.
    await until(
      () => stack.nemo.requests.slice(flow.since.nemoRequests).some((request) => request.endpoint === "run_sse"),
      "the turn to start",
    );
    stack.telegram.blockBy(flow.chatId);
    await until(
      () => callsToChat(stack, flow.chatId, flow.since.telegramCalls).some((call) => call.status === 403),
      "a 403",
    );
    const firstRefusal = stack.telegram.calls.findIndex(
      (call, index) => index >= flow.since.telegramCalls && call.status === 403,
    );
    await quiet(stack, flow.chatId);
    // Nothing keeps pushing at a chat that blocked the bot: no render is submitted, no video attempted,
    // and at most the one call already in flight follows the first refusal.
    expect(stack.nemo.requests.slice(flow.since.nemoRequests).some((r) => r.endpoint === "render-submit")).toBe(false);
    expect(callsToChat(stack, flow.chatId, flow.since.telegramCalls).some((c) => c.method === "sendVideo")).toBe(false);
    expect(callsToChat(stack, flow.chatId, firstRefusal + 1).length).toBeLessThanOrEqual(1);
    expectNothingLostOrDoubled(stack, flow, { outcome: "message" });

    // The person unblocks the bot (Telegram sends my_chat_member "member") and says /start.
    const before = stack.telegram.calls.length;
    await stack.telegram.deliver(
      stack.telegram.updates.myChatMember("member", flow.chatId, { from: { id: flow.chatId }, oldStatus: "kicked" }),
    );
    await stack.telegram.deliver(stack.telegram.updates.command("start", { from: { id: flow.chatId } }));
    const greeting = await stack.telegram.waitFor(
      (call) =>
        stack.telegram.calls.indexOf(call) >= before &&
        call.method === "editMessageText" &&
        Number(call.params.chat_id) === flow.chatId &&
        String(call.params.text).includes("Try saying"),
    );
    expectClearText(String(greeting.params.text));
    expect(okCalls(stack, flow.chatId, "sendMessage", before).length).toBeGreaterThan(0);
  });
});
