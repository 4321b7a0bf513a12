import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../sim/nemo/types";
import type { RecordedCall } from "../../sim/telegram/types";
import { draftWith, statusPolls, textOf } from "../support/export-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * AUTO_EXPORT (issue 15): every change ends in its video, without anyone asking for an export. Renders take
 * 2 s here (200 s simulated at 1/100), polled at most every 300 ms.
 */
const RENDER_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let nextUserId = 7_700_000_000;

/** A private chat of its own whose turns leave scripted drafts; readers for what reached it. */
function autoChat(stack: Stack) {
  const { telegram, nemo } = stack;
  const userId = nextUserId++;
  const from = { id: userId, language_code: "en" };
  const calls = (method?: string) =>
    telegram.calls.filter((call) => call.params.chat_id === userId && (!method || call.method === method));
  const videos = () => calls("sendVideo").filter((call) => call.status === 200);
  return {
    userId,
    calls,
    videos,
    /** Sends an instruction whose turn leaves `draft` in the project. */
    async change(text: string, draft: Draft) {
      nemo.scriptTurn({
        events: [{ event: { type: "text", content: `Done: ${text}.` } }],
        draftAfter: draft,
        creditsCost: 2,
      });
      await telegram.deliver(telegram.updates.privateText(text, { from }));
    },
    async say(text: string) {
      await telegram.deliver(telegram.updates.privateText(text, { from }));
    },
    waitFor: (predicate: (call: RecordedCall) => boolean, timeoutMs = 20_000) =>
      telegram.waitFor((call) => call.params.chat_id === userId && predicate(call), { timeoutMs }),
    async nthVideo(n: number, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (videos().length < n) {
        if (Date.now() > deadline) throw new Error(`video ${n} of chat ${userId} did not arrive`);
        await sleep(25);
      }
      return videos()[n - 1] as RecordedCall;
    },
  };
}

/** The render ids NemoVideo accepted for drafts of this chat, in order (its drafts carry a unique marker). */
function submitsWith(stack: Stack, marker: string) {
  return stack.nemo.requests.filter(
    (request) =>
      request.endpoint === "render-submit" &&
      request.status === 200 &&
      JSON.stringify((request.bodySummary as { draft?: unknown }).draft ?? {}).includes(marker),
  );
}
const idOf = (request: { bodySummary: unknown }) => String((request.bodySummary as { id?: string }).id);
const shaOf = (call: RecordedCall) => (call.params.video as { sha256?: string }).sha256;

describe("AUTO_EXPORT: every change ends in its video", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { renderDurationMs: RENDER_MS * 100, silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { USER_TURNS_PER_MINUTE: "20" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("an edit that changes the draft ends with the new video, with no export asked for", async () => {
    const { nemo, telegram } = stack;
    const chat = autoChat(stack);
    await chat.change("make a video of my beach clip", draftWith("Beach A1"));
    const first = await chat.nthVideo(1);
    const [firstSubmit] = submitsWith(stack, "Beach A1");
    expect(shaOf(first)).toBe(nemo.renderSha256(idOf(firstSubmit ?? { bodySummary: {} })));

    await chat.change("make the title red and bigger", draftWith("Beach A2 red"));
    const second = await chat.nthVideo(2);
    const [secondSubmit] = submitsWith(stack, "Beach A2 red");
    // The video is the render of the changed draft, byte for byte.
    expect(shaOf(second)).toBe(nemo.renderSha256(idOf(secondSubmit ?? { bodySummary: {} })));
    expect(chat.calls("sendMessage").filter((call) => /^\/?export|导出/.test(textOf(call)))).toEqual([]);
    // The answer said the updated video was on its way, with a bar; it was gone by the time the video came.
    const onItsWay = chat.calls("sendMessage").filter((call) => textOf(call).includes("updated video is on its way"));
    expect(onItsWay).toHaveLength(2);
    for (const call of onItsWay) expect(textOf(call)).toMatch(/Rendering… [▓░]{10} \d+%/);
    const shown = telegram.chat(chat.userId).messages.filter((message) => message.from_bot);
    expect(shown.filter((message) => /Rendering/.test(message.text ?? ""))).toEqual([]);
    // The video carries the next steps: Open, Timeline, Credits.
    const buttons = JSON.stringify(second.params.reply_markup);
    for (const label of ["Open in NemoVideo", "Timeline", "Credits", "x:timeline", "x:credits"]) {
      expect(buttons).toContain(label);
    }
    // The render message came after the turn's buttons, so it is the last word until the video.
    const order = chat.calls("sendMessage").map(textOf);
    const lastButtons = order.findLastIndex((text) => /What next\?/.test(text));
    expect(order.findLastIndex((text) => text.includes("updated video is on its way"))).toBeGreaterThan(lastButtons);
  });

  it("three edits in quick succession deliver one video, of the last draft", async () => {
    const { nemo } = stack;
    const chat = autoChat(stack);
    await chat.change("make a video", draftWith("Quick B0"));
    await chat.nthVideo(1);
    const cancelsBefore = nemo.requests.filter((request) => request.endpoint === "render-cancel").length;

    await chat.change("bigger title", draftWith("Quick B1"));
    await chat.change("red title", draftWith("Quick B2"));
    await chat.change("title at the top", draftWith("Quick B3"));
    const video = await chat.nthVideo(2);
    const [last] = submitsWith(stack, "Quick B3");
    expect(shaOf(video)).toBe(nemo.renderSha256(idOf(last ?? { bodySummary: {} })));
    // Every older render that was still running was cancelled at NemoVideo, and none of them was delivered.
    await sleep(RENDER_MS + 1_000);
    expect(chat.videos()).toHaveLength(2);
    const older = [...submitsWith(stack, "Quick B1"), ...submitsWith(stack, "Quick B2")].map(idOf);
    const cancelled = nemo.requests
      .filter((request) => request.endpoint === "render-cancel")
      .map((request) => request.path);
    expect(cancelled.length).toBeGreaterThan(cancelsBefore);
    for (const id of older) {
      const wasCancelled = cancelled.some((path) => path.includes(encodeURIComponent(id)));
      const finishedFirst = nemo.renders.get(id)?.status === "completed" && !wasCancelled;
      // A render of an older draft that was superseded is cancelled; none of them reaches the chat.
      expect(wasCancelled || finishedFirst).toBe(true);
      expect(chat.videos().map(shaOf)).not.toContain(nemo.renderSha256(id));
    }
    // Only the newest render's message is left to speak: no progress message is left behind.
    const left = stack.telegram.chat(chat.userId).messages.filter((message) => /Rendering/.test(message.text ?? ""));
    expect(left).toEqual([]);
  });

  it("export twice with nothing changed renders once: the video comes again by its file_id", async () => {
    const { nemo } = stack;
    const chat = autoChat(stack);
    await chat.change("make a video", draftWith("Twice C1"));
    const first = await chat.nthVideo(1);
    await chat.say("export");
    const again = await chat.nthVideo(2, 5_000);
    await chat.say("export");
    const third = await chat.nthVideo(3, 5_000);
    expect(submitsWith(stack, "Twice C1")).toHaveLength(1);
    // Sent by Telegram's file_id: no second upload, the same file.
    const firstFile = first.response.ok
      ? (first.response.result as { video?: { file_id: string } }).video?.file_id
      : undefined;
    expect(firstFile).toBeDefined();
    expect(again.params.video).toBe(firstFile);
    expect(third.params.video).toBe(firstFile);
    expect(JSON.stringify(again.params.reply_markup)).toContain("x:timeline");
    expect(nemo.requests.filter((request) => request.endpoint === "render-status").length).toBeGreaterThan(0);
  });

  it("in a group too: the change ends in its video, the one render message edited at most every 3 s", async () => {
    const { nemo, telegram } = stack;
    const chatId = -4_770_000_001;
    const from = { id: 7_700_900_001, first_name: "Bea", language_code: "en" };
    // This render takes 8 s (800 s simulated), long enough for several progress readings.
    const renders = nemo.renders as unknown as Map<string, { durationMs: number }>;
    const set = renders.set.bind(renders);
    renders.set = (id, job) => {
      job.durationMs = 8_000;
      renders.set = set;
      return set(id, job);
    };
    nemo.scriptTurn({
      events: [{ event: { type: "text", content: "Done: the title is red." } }],
      draftAfter: draftWith("Group K1"),
      creditsCost: 2,
    });
    await telegram.deliver(telegram.updates.groupText("make the title red", { chatId, from, mentionBot: true }));
    const video = await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === chatId, {
      timeoutMs: 30_000,
    });
    const [submit] = submitsWith(stack, "Group K1");
    expect(shaOf(video)).toBe(nemo.renderSha256(idOf(submit ?? { bodySummary: {} })));
    const chatCalls = telegram.calls.filter((call) => call.params.chat_id === chatId);
    const status = chatCalls.find((call) => call.method === "sendMessage" && /Rendering…/.test(textOf(call)));
    expect(textOf(status as RecordedCall)).toContain("updated video is on its way");
    const statusId = status?.response.ok ? (status.response.result as { message_id: number }).message_id : undefined;
    const edits = chatCalls.filter((call) => call.method === "editMessageText" && call.params.message_id === statusId);
    expect(edits.length).toBeGreaterThan(0);
    const times = [status?.at ?? 0, ...edits.map((call) => call.at)];
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(2_990);
    // Each edit shows something new.
    const texts = edits.map(textOf);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("a turn that leaves the draft as it was renders nothing", async () => {
    const chat = autoChat(stack);
    const draft = draftWith("Same D1");
    await chat.change("make a video", draft);
    await chat.nthVideo(1);
    await chat.change("what do you think of it?", draft);
    const answers = () => chat.calls("sendMessage").filter((call) => /What next\?/.test(textOf(call)));
    for (let waited = 0; answers().length < 2 && waited < 20_000; waited += 25) await sleep(25);
    expect(answers()).toHaveLength(2);
    await sleep(1_000);
    expect(submitsWith(stack, "Same D1")).toHaveLength(1);
    expect(chat.videos()).toHaveLength(1);
  });
});

describe("render limits: a render that never ends is reported, cancelled, and no longer polled", () => {
  const TIMEOUT_MS = 4_000;
  const STALL_MS = 1_500;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      // 6 s renders: longer than the overall limit, so only the limits end them.
      nemo: { renderDurationMs: 6_000 * 100, silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { RENDER_TIMEOUT_MS: String(TIMEOUT_MS), RENDER_STALL_MS: String(STALL_MS) },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** The chat's only render, once submitted. */
  async function renderOf(marker: string): Promise<{ id: string; at: number }> {
    for (let waited = 0; waited < 20_000; waited += 25) {
      const [submit] = submitsWith(stack, marker);
      if (submit) return { id: idOf(submit), at: submit.at };
      await sleep(25);
    }
    throw new Error(`no render of ${marker}`);
  }

  const cancelsOf = (id: string) =>
    stack.nemo.requests.filter(
      (request) => request.endpoint === "render-cancel" && request.path.includes(encodeURIComponent(id)),
    );

  /** One report with Retry export and the Open link; a cancel; no status request after it; no video. */
  async function expectEnded(chat: ReturnType<typeof autoChat>, id: string, pattern: RegExp, cancelled = true) {
    const report = await chat.waitFor(
      (call) => (call.method === "editMessageText" || call.method === "sendMessage") && pattern.test(textOf(call)),
    );
    await sleep(1_000);
    const reports = chat.calls().filter((call) => pattern.test(textOf(call)));
    expect(reports).toHaveLength(1);
    const markup = JSON.stringify(report.params.reply_markup);
    expect(markup).toContain("Retry export");
    expect(markup).toContain("x:render:retry");
    expect(markup).toContain("Open in NemoVideo");
    const cancels = cancelsOf(id);
    expect(cancels).toHaveLength(cancelled ? 1 : 0);
    const lastPoll = statusPolls(stack, id).at(-1);
    if (cancelled) expect(lastPoll?.at ?? 0).toBeLessThanOrEqual(cancels[0]?.at ?? 0);
    // Polling stopped: nothing asked after the report.
    expect(statusPolls(stack, id).filter((poll) => poll.at > report.at)).toEqual([]);
    expect(chat.videos()).toEqual([]);
    return report;
  }

  it("a render that never completes: reported at RENDER_TIMEOUT_MS with its last progress", async () => {
    const chat = autoChat(stack);
    stack.nemo.hangRender(undefined, "never-complete");
    await chat.change("make a video", draftWith("Never E1"));
    const render = await renderOf("Never E1");
    const report = await expectEnded(chat, render.id, /did not finish/);
    expect(textOf(report)).toMatch(/last progress \d+%/);
    const elapsed = (cancelsOf(render.id)[0]?.at ?? 0) - render.at;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it("a stalled render (progress frozen): reported after RENDER_STALL_MS", async () => {
    const chat = autoChat(stack);
    await chat.change("make a video", draftWith("Stall F1"));
    const render = await renderOf("Stall F1");
    // Frozen once the bot has seen it move.
    await chat.waitFor(() => statusPolls(stack, render.id).length >= 1);
    stack.nemo.hangRender(render.id, "stall");
    const frozenAt = Date.now();
    const report = await expectEnded(chat, render.id, /stopped moving at \d+%/);
    expect(report.at - frozenAt).toBeGreaterThanOrEqual(STALL_MS - 400);
    expect(report.at - render.at).toBeLessThan(TIMEOUT_MS);
  });

  it("status reads that keep failing (503) count against the same limits: reported as stalled", async () => {
    const chat = autoChat(stack);
    await chat.change("make a video", draftWith("Flaky J1"));
    const render = await renderOf("Flaky J1");
    await chat.waitFor(() => statusPolls(stack, render.id).length >= 1);
    stack.nemo.fault("render-status", { status: 503, message: "render farm unavailable", times: 1_000 });
    try {
      const report = await expectEnded(chat, render.id, /stopped moving at \d+%/);
      expect(report.at - render.at).toBeLessThan(TIMEOUT_MS);
      expect(statusPolls(stack, render.id).filter((poll) => poll.status === 503).length).toBeGreaterThan(0);
    } finally {
      stack.nemo.reset();
    }
  });

  it("a 404 for the render mid-poll: said it is gone, no more polls, nothing to cancel", async () => {
    const chat = autoChat(stack);
    await chat.change("make a video", draftWith("Gone G1"));
    const render = await renderOf("Gone G1");
    await chat.waitFor(() => statusPolls(stack, render.id).length >= 1);
    stack.nemo.forgetRender(render.id);
    await expectEnded(chat, render.id, /no longer knows this render/, false);
    const notFound = statusPolls(stack, render.id).filter((poll) => poll.status === 404);
    expect(notFound).toHaveLength(1);
  });

  it("a Worker restart during a long render still ends it at the overall limit from its submit", async () => {
    const chat = autoChat(stack);
    stack.nemo.hangRender(undefined, "never-complete");
    await chat.change("make a video", draftWith("Restart H1"));
    const render = await renderOf("Restart H1");
    await chat.waitFor(() => statusPolls(stack, render.id).length >= 1);
    await sleep(1_500);
    await stack.restartWorker();
    const backAt = Date.now();
    await expectEnded(chat, render.id, /did not finish/);
    const cancelledAt = cancelsOf(render.id)[0]?.at ?? 0;
    // Counted from the persisted submit time: at the limit, or at once if the Worker came back after it;
    // a limit counted afresh from the restart would end it only at backAt + TIMEOUT_MS.
    expect(cancelledAt - render.at).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(cancelledAt).toBeLessThan(Math.max(render.at + TIMEOUT_MS, backAt) + 1_500);
    expect(cancelledAt).toBeLessThan(backAt + TIMEOUT_MS - 1_000);
  });
});
