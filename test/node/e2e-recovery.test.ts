import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf, draftWithTitle, openChat, type TestChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const heartbeats = (count: number, everyMs = 10_000) =>
  Array.from({ length: count }, () => ({ delayMs: everyMs, event: { type: "heartbeat" } }));

/** NemoVideo's error codes and failures, end to end: each recovered once, or told clearly. */
describe("recovery from NemoVideo errors, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { dialect: "typed", silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { USER_TURNS_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Presses the Retry button of a failure message, as the person who asked. */
  const pressRetry = async (chat: TestChat, failed: RecordedCall) => {
    const retry = buttonsOf(failed).find((button) => button.callback_data?.startsWith("x:retry:"));
    expect(retry).toBeDefined();
    const messageId = (failed.response as { result: { message_id: number } }).result.message_id;
    await stack.telegram.deliver(
      stack.telegram.updates.callback(retry?.callback_data ?? "", {
        chatId: chat.chatId,
        messageId,
        from: { id: chat.chatId },
      }),
    );
  };

  /** The latest chat's client id, from its anonymous-token request (chats are opened one at a time). */
  const latestClientId = () =>
    stack.nemo.requests.findLast((request) => request.endpoint === "anonymous-token")?.headers["x-client-id"];

  it("1001 on /run_sse → a new token for the SAME client id, and the turn is sent again once", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    const clientId = latestClientId();
    await chat.say("/status");
    await chat.waitForText(/timeline/i);
    const token = chat.token();
    nemo.scriptTurn({ events: [{ event: { type: "text", content: "Title is bigger now." } }] });
    // The token dies while /run_sse is in flight: the answer is 1001 and the old token is really gone.
    nemo.fault("run_sse", { code: 1001, delayMs: 300 });
    await chat.say("make the title bigger");
    await until(() => chat.runs().length === 1, 5_000, "the first attempt");
    nemo.expireToken(token);
    await chat.waitForText(/Title is bigger now\./);
    const tokenRequests = nemo.requests.filter((request) => request.endpoint === "anonymous-token");
    expect(tokenRequests.filter((request) => request.headers["x-client-id"] === clientId)).toHaveLength(2);
    const runs = nemo.requests.filter(
      (request) => request.endpoint === "run_sse" && request.at >= (chat.runs()[0]?.at ?? 0),
    );
    // 1001, then the same turn once more with the new token: the anonymous user (and its project) belongs
    // to the client id, so the project carries on and nothing says it was lost.
    expect(runs.map((run) => run.status)).toEqual([401, 200]);
    expect(runs[1]?.headers.authorization).not.toBe(`Bearer ${token}`);
    expect(chat.botTexts().join("\n")).not.toMatch(/couldn't find your previous project/);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["make the title bigger"]);
  });

  it("1002 (session gone) → a new session, the user is told, and the instruction goes to it once", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.dropSession(chat.sessionId);
    const before = new Set(nemo.sessions());
    await chat.say("what can you do?");
    await chat.waitForText(/couldn't find your previous project/);
    await chat.waitForText(/What next\?/);
    const fresh = nemo.sessions().filter((id) => !before.has(id));
    expect(fresh).toHaveLength(1);
    expect(nemo.session(fresh[0] ?? "")?.turns).toEqual(["what can you do?"]);
    expect(nemo.requests.filter((request) => request.endpoint === "create-session").length).toBeGreaterThan(0);
  });

  it("2001 → out of credits, with the registration link binding the anonymous user", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    await chat.say("/credits");
    await chat.waitForText(/Credits/);
    nemo.setCredits(chat.token(), 0);
    await chat.say("make the title red");
    const refusal = await chat.waitForText(/out of free credits/);
    const kv = await stack.mf.getKVNamespace("CHATS_KV");
    const record = JSON.parse((await kv.get(`chat:${chat.chatId}`, "text")) ?? "{}") as { anonUserId?: string };
    expect(record.anonUserId).toMatch(/\S/);
    expect(textOf(refusal)).toContain(`/register?bind=${encodeURIComponent(record.anonUserId ?? "")}`);
    expect(nemo.session(chat.sessionId)?.turns).toEqual([]);
    expect(chat.runs()).toHaveLength(1);
  });

  it("429 → waits RATE_LIMIT_WAIT_MS and tries once more; twice → a clear message and no third try", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ event: { type: "text", content: "Done after a wait." } }],
    });
    nemo.fault("run_sse", { status: 429 });
    await chat.say("make it faster");
    await chat.waitForText(/Done after a wait\./);
    const [limited, passed] = chat.runs();
    expect([limited?.status, passed?.status]).toEqual([429, 200]);
    expect((passed?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(50);

    nemo.fault("run_sse", { status: 429, times: 2 });
    await chat.say("make it slower");
    await chat.waitForText(/busy/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(chat.runs().map((run) => run.status)).toEqual([429, 200, 429, 429]);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["make it faster"]);
  });

  it("5xx on quick reads → bounded retries with backoff until an answer", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    const creditsBefore = nemo.requests.filter((request) => request.endpoint === "credits").length;
    nemo.fault("credits", { status: 503, times: 2 });
    await chat.say("/credits");
    await chat.waitForText(/Credits/);
    const tries = nemo.requests.filter((request) => request.endpoint === "credits").slice(creditsBefore);
    expect(tries.map((request) => request.status)).toEqual([503, 503, 200]);
    expect((tries[2]?.at ?? 0) - (tries[1]?.at ?? 0)).toBeGreaterThan((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0));

    // Bounded: a backend that keeps failing gets a clear message, not an endless loop.
    nemo.fault("credits", { status: 502, times: 10 });
    await chat.say("/credits");
    await chat.waitForText(/NemoVideo had a problem/);
    const all = nemo.requests.filter((request) => request.endpoint === "credits").slice(creditsBefore);
    expect(all.length).toBeLessThanOrEqual(3 + 4);
  });

  it("5xx on /run_sse is never resent: the state is re-read and, unchanged 5 times, Retry is offered", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("run_sse", { status: 502 });
    await chat.say("add captions to everything");
    const failed = await chat.waitForText(/went wrong/, { timeoutMs: 8_000 });
    expect(chat.runs()).toHaveLength(1);
    const stateReads = nemo.requests.filter(
      (request) => request.endpoint === "state" && request.path.includes(chat.sessionId),
    );
    // One snapshot before the turn, then five rechecks.
    expect(stateReads.length).toBe(6);

    nemo.scriptTurn({ sessionId: chat.sessionId, events: [{ event: { type: "text", content: "Captions added." } }] });
    await pressRetry(chat, failed);
    await chat.waitForText(/Captions added\./);
    expect(chat.runs().map((run) => run.status)).toEqual([502, 200]);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["add captions to everything"]);
  });

  // A Worker restart (a deploy) in the moment between sending the instruction and the agent taking it looks
  // the same from the chat's side: no answer, and no way to know whether the agent has the message.
  it("the connection cut before /run_sse answers is never resent: rechecked, then Retry runs it once", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("run_sse", { reset: true });
    await chat.say("add stickers to the intro");
    const failed = await chat.waitForText(/went wrong/, { timeoutMs: 8_000 });
    expect(chat.runs()).toHaveLength(1);
    expect(nemo.session(chat.sessionId)?.turns).toEqual([]);

    nemo.scriptTurn({ sessionId: chat.sessionId, events: [{ event: { type: "text", content: "Stickers added." } }] });
    await pressRetry(chat, failed);
    await chat.waitForText(/Stickers added\./);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["add stickers to the intro"]);
    expect(chat.botTexts().join("\n")).not.toMatch(/undefined|NaN|Error\b|\{"/);
  });

  it("a stream cut mid-turn is not resent: after STATE_RECHECK_MS the changed state is reported", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      cutAfter: 1,
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        ...heartbeats(3),
        { event: { type: "text", content: "Title added (never seen: the stream was cut)." } },
      ],
      draftAfter: draftWithTitle({ text: "Cut Title", st: 0, d: 2_000 }),
    });
    await chat.say("add the title Cut Title");
    await chat.waitForText(/lost the connection/);
    const report = await chat.waitForText(/Here's what changed/, { timeoutMs: 8_000 });
    expect(textOf(report)).toMatch(/Title: "Cut Title" \(0-2s\)/);
    expect(chat.runs()).toHaveLength(1);
    expect(chat.botTexts().join("\n")).not.toMatch(/never seen/);
  });

  it("a stream cut with nothing changed: 5 unchanged reads → failed with Retry, and Retry runs the turn again", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      cutAfter: 1,
      events: [{ event: { type: "tool_call", name: "edit_multitrack", args: {} } }, ...heartbeats(1)],
    });
    await chat.say("swap the first two clips");
    const failed = await chat.waitForText(/went wrong/, { timeoutMs: 8_000 });
    expect(chat.runs()).toHaveLength(1);
    const reads = nemo.requests.filter((r) => r.endpoint === "state" && r.path.includes(chat.sessionId));
    const gaps = reads.slice(1).map((read, i) => read.at - (reads[i]?.at ?? 0));
    // Rechecks wait longer each time (doubling from STATE_RECHECK_MS = 100 ms).
    expect(gaps.slice(2).every((gap, i) => gap > (gaps[i + 1] ?? 0))).toBe(true);

    nemo.scriptTurn({ sessionId: chat.sessionId, events: [{ event: { type: "text", content: "Clips swapped." } }] });
    await pressRetry(chat, failed);
    await chat.waitForText(/Clips swapped\./);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["swap the first two clips", "swap the first two clips"]);
  });
});
