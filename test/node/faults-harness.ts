import type { Update } from "@grammyjs/types";
import { expect } from "vitest";
import type { RecordedRequest } from "../../sim/nemo/types";
import type { RecordedCall, RecordedFile } from "../../sim/telegram/types";
import type { Stack } from "../support/stack";

/**
 * The cross-cutting fault suite's harness: run the full photos → video flow for one chat while a fault is
 * armed, then check the invariants that must hold whatever the fault was — nothing lost, nothing done
 * twice, and the person ends with a video or a clear message.
 */

/** Every waiting loop polls this often; all waits are bounded by the shrunk FAST_WAITS of the stack. */
const POLL_MS = 20;
/**
 * How long a chat must stay silent before its outcome counts as final: five watchdog alarms (300 ms in
 * FAST_WAITS) and several render polls, so a late duplicate would show up inside the window.
 */
export const QUIET_MS = 1_500;

/** The instruction every flow sends with its album; tagged so each scenario's turn is its own text. */
export const flowCaption = (tag: string) =>
  `turn my photos into a 30-second TikTok with trending music and captions for ${tag}`;

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  label: string,
  timeoutMs = 25_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What a scenario started with, so its effects can be told apart from earlier scenarios on the same stack. */
export type Mark = { nemoRequests: number; telegramCalls: number; sessions: Set<string> };

export function mark(stack: Stack): Mark {
  return {
    nemoRequests: stack.nemo.requests.length,
    telegramCalls: stack.telegram.calls.length,
    sessions: new Set(stack.nemo.sessions()),
  };
}

export type Flow = {
  chatId: number;
  caption: string;
  album: Update[];
  /** sha256 of the largest size of each photo, the file the bot must upload. */
  photoHashes: string[];
  since: Mark;
};

/**
 * How often each scenario (by its tag) has built its flow: a retried test (vitest `retry`) builds it again and
 * gets new user and group ids, so the retry starts in chats of its own, not in the first attempt's chat,
 * project and alarms (whose session the invariants would count as older than the retry's mark).
 */
const attemptsOf = new Map<string, number>();
const RETRY_ID_SHIFT = 10_000_000_000;

/** Builds an album of `photos` items with the tagged caption for a new private chat (one user per scenario). */
export function buildFlow(
  stack: Stack,
  scenarioUserId: number,
  tag: string,
  photos = 3,
  /** A group chat to post the album in (the caption then mentions the bot, as groups require). */
  scenarioGroupId?: number,
): Flow {
  const attempt = attemptsOf.get(tag) ?? 0;
  attemptsOf.set(tag, attempt + 1);
  const userId = scenarioUserId + attempt * RETRY_ID_SHIFT;
  const groupChatId = scenarioGroupId === undefined ? undefined : scenarioGroupId - attempt * RETRY_ID_SHIFT;
  const caption = flowCaption(tag);
  const since = mark(stack);
  const album = stack.telegram.updates.album(photos, {
    caption: groupChatId === undefined ? caption : `@${stack.telegram.botInfo.username} ${caption}`,
    from: { id: userId, first_name: `User ${tag}`, username: undefined, language_code: "en" },
    ...(groupChatId === undefined ? {} : { chatId: groupChatId }),
  });
  const chatId = album[0]?.message?.chat.id ?? 0;
  // Registered now (deliver does it again, idempotently) so the fake can tell each photo's hash up front.
  for (const update of album) stack.telegram.ingest(update);
  const ids = new Set(album.map((update) => update.message?.message_id));
  const photoHashes = stack.telegram
    .chat(chatId)
    .messages.filter((message) => !message.from_bot && message.photo && ids.has(message.message_id))
    .map((message) => message.photo?.sha256 ?? "");
  if (photoHashes.length !== photos || photoHashes.some((hash) => !/^[0-9a-f]{64}$/.test(hash))) {
    throw new Error(`buildFlow: expected ${photos} photo hashes from the fake, got ${JSON.stringify(photoHashes)}`);
  }
  return { chatId, caption, album, photoHashes, since };
}

export const okCalls = (stack: Stack, chatId: number, method: string, since = 0): RecordedCall[] =>
  stack.telegram.calls
    .slice(since)
    .filter((call) => call.method === method && call.status === 200 && Number(call.params.chat_id) === chatId);

export const callsToChat = (stack: Stack, chatId: number, since = 0): RecordedCall[] =>
  stack.telegram.calls.slice(since).filter((call) => Number(call.params.chat_id) === chatId);

export const nemoSince = (stack: Stack, since: Mark): RecordedRequest[] =>
  stack.nemo.requests.slice(since.nemoRequests);

/** Sessions created since the mark (scenarios on one stack run one after another). */
export const sessionsSince = (stack: Stack, since: Mark): string[] =>
  stack.nemo.sessions().filter((id) => !since.sessions.has(id));

/**
 * The agent has the flow's instruction: its turn is running in the simulator. Seeing the run_sse request is
 * not enough, as it is recorded when its headers arrive; a restart before its body arrives is a turn the
 * agent never got (then failing after the rechecks, with Retry, is right, but it is another scenario).
 */
export const turnReached = (stack: Stack, flow: Flow) => (): boolean =>
  sessionsSince(stack, flow.since).some((id) => stack.nemo.session(id)?.turns.includes(flow.caption) ?? false);

/** Waits for the chat's video (or for `settled` to say the flow ended otherwise), then for the chat to go quiet. */
export async function waitForOutcome(
  stack: Stack,
  flow: Flow,
  options: { settled?: () => boolean; timeoutMs?: number } = {},
): Promise<void> {
  const settled =
    options.settled ?? (() => okCalls(stack, flow.chatId, "sendVideo", flow.since.telegramCalls).length > 0);
  try {
    await until(settled, `the outcome of chat ${flow.chatId}`, options.timeoutMs ?? 25_000);
  } catch (error) {
    if (error instanceof Error)
      error.message += `\n--- what chat ${flow.chatId} saw:\n${transcript(stack, flow.chatId)}`;
    throw error;
  }
  await quiet(stack, flow.chatId);
}

/** Resolves once nothing has been sent to the chat for QUIET_MS. */
export async function quiet(stack: Stack, chatId: number, quietMs = QUIET_MS): Promise<void> {
  let count = -1;
  let since = Date.now();
  await until(
    () => {
      const now = callsToChat(stack, chatId).length;
      if (now !== count) {
        count = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    `chat ${chatId} to go quiet`,
    30_000,
  );
}

/** A text a person can act on: no raw JSON, no stack trace, no internal error names or placeholders. */
export function expectClearText(text: string | undefined): void {
  expect(text ?? "").not.toBe("");
  expect(text).not.toMatch(/\{"|"\w+":|\bat \S+ \(|Error\b|undefined|\bnull\b|\[object /);
}

export type Expected = {
  /** "video": the MP4 must arrive and every photo must be uploaded; "message": a clear message ends it. */
  outcome: "video" | "message";
  /** How many times the instruction may reach the agent (1 for a video; 0 or 1 for a message). */
  turns?: number;
  /** Texts known to repeat (a bug reported separately), so the other invariants are still checked. */
  repeatsAllowed?: string[];
};

/**
 * The invariants of every fault scenario, read only from the public surface: the fake Telegram's calls and
 * chat view, and the requests and sessions the NemoVideo simulator recorded.
 */
export function expectNothingLostOrDoubled(stack: Stack, flow: Flow, expected: Expected): void {
  showTranscript(stack, flow.chatId);
  try {
    checkInvariants(stack, flow, expected);
  } catch (error) {
    if (error instanceof Error)
      error.message += `\n--- what chat ${flow.chatId} saw:\n${transcript(stack, flow.chatId)}`;
    throw error;
  }
}

function checkInvariants(stack: Stack, flow: Flow, expected: Expected): void {
  const { chatId, since } = flow;
  const context = `chat ${chatId}`;

  // No duplicate reply: each text the bot posted into the chat was posted once.
  const texts = okCalls(stack, chatId, "sendMessage", since.telegramCalls).map((call) => String(call.params.text));
  const repeated = texts.filter(
    (text, index) => texts.indexOf(text) !== index && !(expected.repeatsAllowed ?? []).includes(text),
  );
  expect(repeated, `${context}: texts sent twice`).toEqual([]);

  // No duplicate turn: the instruction reached the agent once (or not at all when the flow ended early).
  const sessions = sessionsSince(stack, since);
  const turns = sessions.flatMap((id) => stack.nemo.session(id)?.turns ?? []).filter((text) => text === flow.caption);
  if (expected.outcome === "video") expect(turns.length, `${context}: turns for the caption`).toBe(1);
  else expect(turns.length, `${context}: turns for the caption`).toBeLessThanOrEqual(expected.turns ?? 1);

  // No duplicate upload, and for a video no lost one: every photo uploaded exactly once.
  const uploads = sessions.flatMap((id) => stack.nemo.session(id)?.uploads ?? []).map((upload) => upload.sha256);
  for (const hash of flow.photoHashes) {
    const times = uploads.filter((uploaded) => uploaded === hash).length;
    if (expected.outcome === "video") expect(times, `${context}: uploads of ${hash.slice(0, 8)}`).toBe(1);
    else expect(times, `${context}: uploads of ${hash.slice(0, 8)}`).toBeLessThanOrEqual(1);
  }

  // No duplicate video: at most one sendVideo per render, and the bytes are a render of this chat's project.
  const renders = [...stack.nemo.renders.entries()].filter(([, render]) => sessions.includes(render.sessionId));
  const videos = okCalls(stack, chatId, "sendVideo", since.telegramCalls);
  const videoHashes = videos.map((call) => (call.params.video as unknown as RecordedFile).sha256);
  for (const [renderId] of renders) {
    const hash = stack.nemo.renderSha256(renderId);
    expect(videoHashes.filter((sent) => sent === hash).length, `${context}: videos of ${renderId}`).toBeLessThanOrEqual(
      1,
    );
  }
  const renderHashes = new Set(renders.map(([id]) => stack.nemo.renderSha256(id)));
  for (const hash of videoHashes) expect(renderHashes.has(hash), `${context}: video is this chat's render`).toBe(true);

  // The person ends with a result or a clear message.
  const seen = stack.telegram.chat(chatId).messages.filter((message) => message.from_bot);
  if (expected.outcome === "video") {
    expect(videos.length, `${context}: videos`).toBe(1);
    expect(seen.some((message) => message.video)).toBe(true);
  } else {
    const last = seen.at(-1);
    expect(last, `${context}: a final message`).toBeDefined();
    if (!last?.video) expectClearText(last?.text);
  }
  for (const message of seen) if (message.text) expectClearText(message.text);
}

/** Delivers the album like Telegram, one burst, and returns at once. */
export async function deliverAlbum(stack: Stack, flow: Flow): Promise<void> {
  await stack.telegram.deliverAlbum(flow.album);
}

/** The chat's current NemoVideo record, as the Worker stored it in KV. */
export async function chatRecord(
  stack: Stack,
  chatId: number,
): Promise<{ token?: string; sessionId?: string; clientId: string } | undefined> {
  const kv = await stack.mf.getKVNamespace("CHATS_KV");
  const raw: unknown = await kv.get(`chat:${chatId}`, "text");
  return typeof raw === "string" ? JSON.parse(raw) : undefined;
}

/** What the person saw, one line per message, for failure output and SHOW_TRANSCRIPT=1 runs. */
export function transcript(stack: Stack, chatId: number): string {
  return stack.telegram
    .chat(chatId)
    .messages.map(
      (m) =>
        `${m.from_bot ? "bot" : "user"}: ${m.video ? "[video] " : m.photo ? "[photo] " : ""}${m.text ?? m.caption ?? ""}`,
    )
    .join("\n");
}

export function showTranscript(stack: Stack, chatId: number): void {
  if (process.env.SHOW_TRANSCRIPT) console.log(`--- chat ${chatId}\n${transcript(stack, chatId)}`);
}

export type Random = () => number;

/** A small seeded PRNG (mulberry32) so a failing run can be replayed with FUZZ_SEED. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
