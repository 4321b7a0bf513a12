import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftWithTitle, openChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const heartbeats = (count: number, everyMs = 10_000) =>
  Array.from({ length: count }, () => ({ delayMs: everyMs, event: { type: "heartbeat" } }));

/** Turns that outlive their stream or their Worker, and Telegram refusing or slowing the bot. */
describe("durable turns and Telegram's refusals, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { dialect: "typed", silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { USER_TURNS_PER_MINUTE: "0", HEARTBEAT_ONLY_TIMEOUT_MS: "1000" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("heartbeats only for HEARTBEAT_ONLY_TIMEOUT_MS → treated as a timeout and recovered from the state", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    // 2.5 s of heartbeats (the limit is 1 s), then a text the bot will not wait for; the change lands at the end.
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [...heartbeats(25), { event: { type: "text", content: "Finally done (too late to be read)." } }],
      draftAfter: draftWithTitle({ text: "Patience", st: 1_000, d: 2_000 }),
    });
    await chat.say("add the title Patience");
    await chat.waitForText(/took too long/, { method: "editMessageText" });
    const report = await chat.waitForText(/Here's what changed/, { timeoutMs: 8_000 });
    expect(textOf(report)).toMatch(/Title: "Patience" \(1-3s\)/);
    expect(chat.runs()).toHaveLength(1);
    expect(chat.botTexts().join("\n")).not.toMatch(/too late to be read/);
  });

  it("a Worker restart while a turn streams: the alarm resumes it and the user gets exactly one result", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        // Short heartbeat gaps: the timeout above must not be what ends this turn.
        ...heartbeats(30, 5_000),
        { event: { type: "text", content: "Restart-proof title added." } },
      ],
      draftAfter: draftWithTitle({ text: "Survivor", st: 0, d: 3_000 }),
    });
    await chat.say("add the title Survivor");
    await chat.waitForText(/Editing the timeline/, { method: "editMessageText" });
    await stack.restartWorker();
    const result = await chat.waitForText(/Here's what changed|Restart-proof title added/, { timeoutMs: 10_000 });
    await chat.waitForText(/What next\?/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Never resent: the simulator saw the instruction once; the user got one result and one "what next".
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["add the title Survivor"]);
    expect(chat.runs()).toHaveLength(1);
    const results = chat.calls("sendMessage").filter((call) => /Here's what changed|Restart-proof/.test(textOf(call)));
    expect(results).toHaveLength(1);
    expect(textOf(result)).toMatch(/Survivor/);
    expect(chat.calls("sendMessage").filter((call) => /What next\?/.test(textOf(call)))).toHaveLength(1);
    // The old status message does not linger as if the bot were still working.
    expect(chat.botTexts().some((text) => /Editing the timeline|Working on it/.test(text))).toBe(false);
  });

  it("an instruction handed over again after a restart (it was still in the inbox) is queued and sent once", async () => {
    const { nemo, telegram } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ event: { type: "tool_call", name: "edit_multitrack", args: {} } }, ...heartbeats(15)],
      draftAfter: draftWithTitle({ text: "First", st: 0, d: 1_000 }),
    });
    nemo.scriptTurn({ sessionId: chat.sessionId, events: [{ event: { type: "text", content: "Second one done." } }] });
    await chat.say("add the title First");
    await until(() => chat.runs().length === 1, 5_000, "the first turn");
    // The "queued" notice hangs, so the instruction is queued but its update not yet out of the inbox…
    telegram.fault("sendMessage", { delayMs: 2_000 });
    await chat.say("then make it yellow");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // …when the Worker restarts: the new instance handles that update again.
    await stack.restartWorker();
    await chat.waitForText(/Second one done\./, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["add the title First", "then make it yellow"]);
  });

  it("Telegram 429 with retry_after is waited out (bounded), then the message goes through", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    telegram.fault("sendMessage", { status: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    await chat.say("/credits");
    await chat.waitForText(/Credits/);
    const tries = chat.calls("sendMessage").slice(-2);
    expect(tries.map((call) => call.status)).toEqual([429, 200]);
    expect((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);

    // A retry_after beyond TELEGRAM_MAX_RETRY_AFTER_S (2 s) is not waited out: the chat is not stalled.
    telegram.fault("sendMessage", { status: 429, description: "Too Many Requests: retry after 600", retryAfter: 600 });
    await chat.say("/credits");
    const startedAt = Date.now();
    await chat.say("/help");
    await chat.waitForText(/What I do/);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it("an answer Telegram posted but whose reply was lost is found in the chat, not posted twice", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const before = chat.calls("sendMessage").length;
    // The fake posts the message, then cuts the connection instead of answering.
    telegram.fault("sendMessage", { reset: true });
    await chat.say("/credits");
    await until(() => chat.calls("editMessageText").some((call) => /Credits/.test(textOf(call))), 5_000, "the look");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(
      chat
        .calls("sendMessage")
        .slice(before)
        .map((call) => call.status),
    ).toEqual([0]);
    const shown = telegram.chat(chat.chatId).messages.filter((m) => m.from_bot && /Credits/.test(m.text ?? ""));
    expect(shown).toHaveLength(1);
    // Found by an edit that changed nothing: the message reads as it was sent.
    const look = chat.calls("editMessageText").find((call) => /Credits/.test(textOf(call)));
    expect(look?.response.ok).toBe(false);
    expect(String(look?.response.ok === false && look.response.description)).toMatch(/not modified/);
    // The chat goes on as usual.
    await chat.say("/help");
    await chat.waitForText(/What I do/);
  });

  it("403 (bot blocked) stops work for the chat; a later message from the user makes it reachable again", async () => {
    const { nemo, telegram } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { event: { type: "tool_call", name: "edit_multitrack", args: {} } },
        ...heartbeats(8),
        { event: { type: "text", content: "You will not see this." } },
      ],
    });
    await chat.say("make the title blue");
    await until(() => chat.runs().length === 1, 5_000, "the turn");
    await chat.say("then make it bigger");
    await chat.waitForText(/queued \(#1\)/);
    telegram.blockBy(chat.chatId);
    // The next send (the stage edit or the text) is refused with 403: everything for the chat stops.
    await until(() => chat.calls().some((call) => call.status === 403), 5_000, "a refused send");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const refusedAt = chat.calls().findIndex((call) => call.status === 403);
    expect(chat.calls().slice(refusedAt + 1)).toEqual([]);
    // The queued instruction was dropped, never sent to the agent.
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["make the title blue"]);

    // The user unblocks the bot and writes again: the chat is served again, alarms included.
    await telegram.deliver(
      telegram.updates.myChatMember("member", chat.chatId, { from: { id: chat.chatId }, oldStatus: "kicked" }),
    );
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      cutAfter: 1,
      events: [{ event: { type: "tool_call", name: "edit_multitrack", args: {} } }, ...heartbeats(2)],
      draftAfter: draftWithTitle({ text: "Back Again", st: 0, d: 3_000 }),
    });
    await chat.say("add the title Back Again");
    // The report comes from the alarm's recheck: it proves the chat's background work runs again.
    const report = await chat.waitForText(/Here's what changed/, { timeoutMs: 8_000 });
    expect(textOf(report)).toMatch(/Back Again/);
  });
});
