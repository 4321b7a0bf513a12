import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftWith, exportableChat, textOf } from "../support/export-chat";
import { editChatStorage } from "../support/previous-version";
import { type Stack, startStack } from "../support/stack";

/** Renders take 4 s here (400 s simulated at 1/100): the Worker is stopped while one is still running. */
const RENDER_MS = 4_000;
const RENDERS_PER_DAY = 2;

/**
 * Issue 13.2: a chat object holding values written by the previous version (main before the storage
 * registry: no stored layout version, the inbox still in its older whole-list form) resumes after a
 * deploy: its render job is delivered, its queued instruction runs (answered in the language it was
 * queued in), the update left in the old inbox is handled, and the chat's render count for the day (its
 * daily quota) still counts.
 */
describe("a chat object written by the previous version resumes after the deploy", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { renderDurationMs: RENDER_MS * 100, silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { AUTO_EXPORT: "off", DAILY_RENDERS_PER_CHAT: String(RENDERS_PER_DAY) },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("delivers the render, runs the queue and the old inbox, and keeps the day’s render count", {
    timeout: 90_000,
  }, async () => {
    const { telegram, nemo } = stack;
    const chat = await exportableChat(stack);
    await chat.say("export");
    await expect.poll(() => chat.renderIds().length, { timeout: 10_000 }).toBe(1);
    const renderId = chat.renderIds()[0] ?? "";
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const origin = { chatId: chat.chatId, userId: chat.userId };
    // An update the previous version had accepted but not handled yet, in its whole-list inbox.
    const waiting = telegram.updates.privateText("and add some music", { from: chat.from });

    let before: Record<string, unknown> = {};
    await stack.restartWorker(async (persist) => {
      before = await editChatStorage(persist, chat.chatId, {
        delete: ["schemaVersion", ...(await editChatStorageKeys(persist, chat.chatId, "render:"))],
        put: {
          // Values exactly as the previous version wrote them.
          [`render:${renderId}`]: {
            renderId,
            sessionId: chat.sessionId,
            origin: { ...origin, lang: "en" },
            submittedAt: now,
            polls: 1,
            nextPollAt: now,
            phase: "polling",
          },
          queue: [
            {
              id: "queued-by-v1",
              text: "make the title bigger",
              origin: { ...origin, lang: "zh", languageCode: "zh-hans" },
              queuedAt: now,
            },
          ],
          inbox: [waiting],
          // The day's render count: both of the day's renders used (this one and an earlier one).
          "op:quota": { day: today, turns: {}, renders: RENDERS_PER_DAY },
        },
        alarmAt: Date.now() + 1_500,
      });
    });
    expect(before.schemaVersion).toBeUndefined();
    expect(before.inbox).toEqual([waiting]);

    nemo.scriptTurn({
      events: [{ event: { type: "text", content: "The title is bigger now." } }],
      draftAfter: draftWith("SUMMER TRIP"),
      creditsCost: 2,
    });
    nemo.scriptTurn({
      events: [{ event: { type: "text", content: "Music added." } }],
      draftAfter: draftWith("SUMMER TRIP"),
      creditsCost: 2,
    });

    // The render job: delivered once, the video NemoVideo rendered.
    const video = await chat.waitFor((call) => call.method === "sendVideo" && call.status === 200, 20_000);
    expect((video.params.video as { sha256: string }).sha256).toBe(nemo.renderSha256(renderId));

    // The queue, then the old inbox's update, in that order.
    const chatRuns = () =>
      nemo.requests.filter(
        (request) =>
          request.endpoint === "run_sse" &&
          (request.bodySummary as { session_id?: string } | undefined)?.session_id === chat.sessionId,
      );
    await expect.poll(() => chatRuns().length, { timeout: 20_000 }).toBe(3);
    const runs = chatRuns().map((request) =>
      String(
        (request.bodySummary as { new_message?: { parts?: { text?: string }[] } })?.new_message?.parts?.[0]?.text ?? "",
      ),
    );
    expect(runs.slice(-2)).toEqual(["make the title bigger", "and add some music"]);
    // The queued instruction answers in the language it was queued in.
    await chat.waitFor((call) => /^接下来做什么/.test(textOf(call)), 20_000);
    // (the first "What next?" ended the turn that made the project, the second ends the old inbox's).
    await expect
      .poll(() => chat.calls("sendMessage").filter((call) => /^What next\?/.test(textOf(call))).length, {
        timeout: 20_000,
      })
      .toBe(2);
    // The render count the previous version kept: the day's renders are used up, so Export is refused.
    await telegram.deliver(telegram.updates.command("export", { from: chat.from }));
    await chat.waitFor((call) => /^⏳ This chat has used all 2 video exports for today/.test(textOf(call)), 10_000);
    expect(chat.renderIds()).toEqual([renderId]);
    expect(chat.calls("sendVideo").filter((call) => call.status === 200)).toHaveLength(1);

    // The storage now follows the current layout: a version stamp, the old inbox key gone.
    let after: Record<string, unknown> = {};
    await stack.restartWorker(async (persist) => {
      after = await editChatStorage(persist, chat.chatId);
    });
    expect(after.schemaVersion).toBe(1);
    expect(after.inbox).toBeUndefined();
    expect(Object.keys(after).filter((key) => key.startsWith("aside:"))).toEqual([]);
  });
});

/** The keys under `prefix` in the chat object's storage (read through the same stand-in). */
async function editChatStorageKeys(persist: string, chatId: number, prefix: string): Promise<string[]> {
  return Object.keys(await editChatStorage(persist, chatId)).filter((key) => key.startsWith(prefix));
}
