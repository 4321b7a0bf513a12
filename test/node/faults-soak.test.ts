import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall, RecordedFile } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";
import { until } from "./faults-harness";

/**
 * Issue 16's soak: 50 people hold a full conversation at once (an album with its instruction, which makes
 * a video, then three edits, then an export) while 2% of connections to both NemoVideo and Telegram are
 * reset, stalled or (Telegram) cut after the call ran. Every instruction must be answered; none may reach
 * the agent twice; no render may arrive twice; texts posted twice (an answer whose acknowledgement was lost
 * and that was retried) are counted and stay at 1% or below.
 */

const CHATS = 50;
const FLAKY_RATE = 0.02;
const SEED = Number(process.env.SOAK_SEED ?? 16);
/** Silence that ends a step: several watchdog alarms (300 ms), render polls and the outbox's retry (500 ms). */
const QUIET_MS = 1_500;
const EDITS = ["add captions please", "make the title bigger", "add some upbeat music"];
/** Progress messages: edited and removed as work goes on, never the answer to an instruction. */
const PROGRESS = /^(🤖 Working|⬆️ Uploading|⏳ Rendering|📥 .* added|🕒 Got it)/u;

let stack: Stack;
let attempt = 0;

beforeAll(async () => {
  stack = await startStack({
    // 50 new chats from one address: the per-address anonymous-token cap (e2e-accounts-cap) is raised.
    nemo: { seed: SEED, tokenIpCap: 1_000 },
    // Fewer "still working" edits than the other tests: 50 chats at once on a shared 2-core machine, and
    // the soak is about answers, not progress. Warnings (each retry logs one) stay off the test output.
    vars: { STILL_WORKING_INTERVAL_MS: "2000", LOG_LEVEL: "error" },
  });
  stack.nemo.setFlaky({ rate: FLAKY_RATE, seed: SEED, stallMs: 250 });
  stack.telegram.setFlaky({ rate: FLAKY_RATE, seed: SEED + 1, stallMs: 250 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

type Step = { text: string; answered: boolean };

describe("soak: 50 full conversations over 2% flaky connections on both sides", () => {
  it("answers every instruction, never twice to the agent, never a video twice, ≤1% repeated texts", async () => {
    // New people on every attempt (vitest retries once): the same ones would meet their own per-minute
    // instruction limit from the first attempt.
    const firstChat = 8_160_000_000 + attempt++ * 1_000;
    const conversations = await Promise.all(
      Array.from({ length: CHATS }, (_, index) => converse(firstChat + index, index)),
    );

    const { telegram, nemo } = stack;
    // With AUTO_EXPORT the export often joins the render of the last change, still running when "export"
    // was answered: wait for every render to finish, then for the deliveries to go quiet.
    await until(
      () => [...nemo.renders.values()].every((r) => r.status === "completed" || r.status === "failed"),
      "every render finished",
      60_000,
    );
    const sentVideos = () => telegram.calls.filter((call) => call.method === "sendVideo").length;
    for (let seen = -1; seen !== sentVideos(); ) {
      seen = sentVideos();
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS * 2));
    }
    const sessions = nemo.sessions().map((id) => ({ id, view: nemo.session(id) }));
    const turns = sessions.flatMap((session) => session.view?.turns ?? []);
    const unanswered = conversations.flatMap((c) => c.steps.filter((step) => !step.answered).map((s) => s.text));
    const sentTwice = conversations.flatMap((c) => c.steps.map((s) => s.text)).filter((text) => count(turns, text) > 1);

    // No render delivered twice (the probe for an unanswered sendVideo decides), and no video of another chat.
    const videos = telegram.calls.filter((call) => call.method === "sendVideo" && call.status === 200);
    const hashes = videos.map((call) => (call.params.video as unknown as RecordedFile).sha256);
    const renderIds = [...nemo.renders.keys()];
    const videosTwice = renderIds.filter((id) => count(hashes, nemo.renderSha256(id)) > 1);

    // Repeated texts: an answer that reached the chat although its answer was lost, then was sent again.
    const texts = telegram.calls.filter((call) => call.method === "sendMessage" && call.status === 200);
    const lostTexts = texts.filter((call) => call.flaky === "lostAnswer");
    const repeated = lostTexts.filter((call) => resentAfter(texts, call)).length;
    const flaky = { nemo: nemo.flakyCounts(), telegram: telegram.flakyCounts() };
    console.log(
      JSON.stringify({
        soak: {
          chats: CHATS,
          instructions: conversations.reduce((sum, c) => sum + c.steps.length, 0),
          unanswered: unanswered.length,
          sentTwice: sentTwice.length,
          videos: videos.length,
          videosTwice: videosTwice.length,
          texts: texts.length,
          repeatedTexts: repeated,
          lostTextAnswers: lostTexts.length,
          flaky,
        },
      }),
    );

    // The faults really happened on both sides, in every mode.
    expect(flaky.nemo.reset + flaky.nemo.stall).toBeGreaterThan(10);
    expect(flaky.telegram.lostAnswer).toBeGreaterThan(3);
    expect(flaky.telegram.reset + flaky.telegram.stall).toBeGreaterThan(5);

    expect(unanswered, "instructions without an answer").toEqual([]);
    expect(sentTwice, "instructions sent to the agent twice").toEqual([]);
    expect(videosTwice, `renders delivered twice:\n${videosTwice.map(deliveryTrace).join("\n")}`).toEqual([]);
    expect(repeated / texts.length, "share of texts posted twice").toBeLessThanOrEqual(0.01);
    // Most people end the conversation with at least both their videos (the one-shot's and the final
    // draft's; AUTO_EXPORT adds one per change that was not superseded): a turn whose /run_sse was cut
    // before it reached the agent is answered with a failure and its Retry button.
    expect(videos.length).toBeGreaterThanOrEqual(CHATS * 2 * 0.85);
  }, 240_000);
});

/** One person's conversation; each step waits until the chat has gone quiet after the instruction. */
async function converse(userId: number, index: number): Promise<{ steps: Step[] }> {
  const { telegram } = stack;
  const from = { id: userId, first_name: `Soak ${index}`, username: undefined, language_code: "en" };
  const steps: Step[] = [];
  // Staggered over the first seconds, as people arrive, so the run measures flakiness rather than one spike.
  await new Promise((resolve) => setTimeout(resolve, (index % 10) * 150));

  const caption = `turn my photos into a 15-second TikTok with music for soak chat ${userId}`;
  const album = telegram.updates.album(2, { caption, from });
  const albumStart = lastMessageId(userId);
  await telegram.deliverAlbum(album);
  steps.push({ text: caption, answered: await answered(userId, albumStart, (call) => isVideo(call)) });

  for (const [edit, request] of EDITS.entries()) {
    const text = `${request} (soak chat ${userId}, edit ${edit + 1})`;
    const start = lastMessageId(userId);
    await telegram.deliver(telegram.updates.privateText(text, { from }));
    steps.push({ text, answered: await answered(userId, start) });
  }

  const start = lastMessageId(userId);
  await telegram.deliver(telegram.updates.privateText("export", { from }));
  steps.push({ text: "export", answered: await answered(userId, start, (call) => isVideo(call)) });
  return { steps };
}

/**
 * Waits for the chat to go quiet after an instruction; answered when a bot message newer than the
 * instruction stays in the chat and is not progress, or (for steps that end in a video) the video came.
 */
async function answered(chatId: number, since: number, done?: (call: RecordedCall) => boolean): Promise<boolean> {
  const { telegram } = stack;
  const finalAnswer = () =>
    telegram
      .chat(chatId)
      .messages.some(
        (message) =>
          message.from_bot && message.message_id > since && (message.video || !PROGRESS.test(message.text ?? "")),
      );
  const calls = () => telegram.calls.filter((call) => Number(call.params.chat_id) === chatId).length;
  let seen = calls();
  let quietSince = Date.now();
  try {
    await until(
      () => {
        const now = calls();
        if (now !== seen) {
          seen = now;
          quietSince = Date.now();
        }
        const finished = done
          ? telegram.calls.some((call) => Number(call.params.chat_id) === chatId && done(call) && after(call, since))
          : false;
        return (finished || finalAnswer()) && Date.now() - quietSince >= QUIET_MS;
      },
      `chat ${chatId} to answer`,
      90_000,
    );
  } catch {
    return false;
  }
  return finalAnswer();
}

const isVideo = (call: RecordedCall) => call.method === "sendVideo" && call.status === 200;

/** Whether a call posted a message newer than `since` (ids grow in a chat). */
function after(call: RecordedCall, since: number): boolean {
  const result = call.response.ok ? (call.response.result as { message_id?: number }) : undefined;
  return (result?.message_id ?? 0) > since;
}

function lastMessageId(chatId: number): number {
  return stack.telegram.chat(chatId).messages.reduce((max, message) => Math.max(max, message.message_id), 0);
}

/**
 * What the chat of a render delivered twice saw around its videos, call by call: the evidence a failure
 * needs (lost answers, probes, resends), since the run cannot be stepped through afterwards.
 */
function deliveryTrace(renderId: string): string {
  const { telegram, nemo } = stack;
  const hash = nemo.renderSha256(renderId);
  const videos = telegram.calls.filter(
    (call) =>
      call.method === "sendVideo" && (call.params.video as unknown as RecordedFile | undefined)?.sha256 === hash,
  );
  const chatId = Number(videos[0]?.params.chat_id);
  const from = (videos[0]?.at ?? 0) - 20_000;
  const lines = telegram.calls
    .filter((call) => Number(call.params.chat_id) === chatId && call.at >= from)
    .map((call) => {
      const result = call.response.ok ? (call.response.result as { message_id?: number }) : undefined;
      const sha = (call.params.video as unknown as RecordedFile | undefined)?.sha256;
      return [
        `  +${call.at - from}ms ${call.method} → ${call.status}`,
        call.flaky ? `flaky=${call.flaky}` : "",
        call.params.message_id !== undefined ? `on=${call.params.message_id}` : "",
        result?.message_id !== undefined ? `posted=${result.message_id}` : "",
        sha === hash ? "(this render)" : sha ? "(another render)" : "",
        call.response.ok ? "" : String(call.response.description ?? "").slice(0, 60),
      ]
        .filter(Boolean)
        .join(" ");
    });
  return `${renderId} in chat ${chatId}:\n${lines.join("\n")}`;
}

/** A text whose first sending was not acknowledged and that the bot sent again to the same chat. */
function resentAfter(texts: RecordedCall[], first: RecordedCall): boolean {
  return texts.some(
    (other) =>
      other !== first &&
      other.at >= first.at &&
      other.params.chat_id === first.params.chat_id &&
      other.params.text === first.params.text,
  );
}

const count = <T>(items: T[], item: T) => items.filter((other) => other === item).length;
