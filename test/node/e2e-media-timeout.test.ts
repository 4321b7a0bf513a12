import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, type TestChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const MB = 1024 * 1024;
const UPLOAD_MAX_DURATION_MS = 800;

/**
 * A file whose transfer stalls, through the real Worker bundle and both fakes: with UPLOAD_MAX_DURATION_MS
 * it is given up on and reported like any failed file, the rest of its album still arrives, the stalled
 * Telegram download is closed, and the chat goes on taking instructions instead of waiting forever.
 */
describe("media in: a stalled file", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      vars: { UPLOAD_MAX_DURATION_MS: String(UPLOAD_MAX_DURATION_MS) },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const from = (chat: TestChat) => ({ id: chat.chatId, language_code: "en" });
  const uploads = (chat: TestChat) => stack.nemo.session(chat.sessionId)?.uploads ?? [];

  /**
   * Sends a video and a photo as one album, the video first (items upload in message order), and checks
   * what the user sees: the video reported as failed within a few seconds, the photo added, and a next
   * instruction reaching the agent. Returns the video's Telegram download record.
   */
  async function albumWithStalledVideo(chat: TestChat, videoSize: number) {
    const { telegram } = stack;
    const clip = telegram.addFile({ size: videoSize, mimeType: "video/mp4", seed: `stalled-${chat.chatId}` });
    const photoFile = telegram.addFile({ size: 48_000, mimeType: "image/jpeg", seed: `photo-${chat.chatId}` });
    const video = telegram.updates.video({ from: from(chat), fileId: clip.file_id, fileName: "beach.mp4" });
    const photo = telegram.updates.photo({ from: from(chat), fileIds: [photoFile.file_id] });
    const sent = Date.now();
    await telegram.deliverAlbum([video, photo] as Partial<Update>[]);

    const failure = await chat.waitForText(/couldn't upload/, { timeoutMs: 15_000 });
    const failedAfterMs = Date.now() - sent;
    expect(textOf(failure)).toBe("⚠️ I couldn't upload <b>beach.mp4</b>. Please send it again.");
    expect((failure.params.reply_parameters as { message_id?: number } | undefined)?.message_id).toBe(
      video.message?.message_id,
    );
    // The album settles, the video is given up on after the limit, the photo follows: a few seconds at most.
    expect(failedAfterMs).toBeGreaterThanOrEqual(UPLOAD_MAX_DURATION_MS);
    expect(failedAfterMs).toBeLessThan(5_000);

    await chat.waitForText(/^📥 1 photo added — tell me what to make$/);
    // Only the photo reached the project, whole; nothing of the video was stored.
    expect(uploads(chat).map((upload) => upload.sha256)).toEqual([photoFile.sha256]);

    // The chat is not stuck behind the stalled file: the next instruction goes to the agent.
    const instruction = "make a 10-second tiktok from the photo";
    await chat.say(instruction);
    await until(() => chat.runs().some((run) => run.text === instruction), 15_000, "the next instruction's turn");

    const download = telegram.fileDownloads.find((record) => record.path === clip.file_path);
    return { download, clip, failedAfterMs };
  }

  it("gives up on a Telegram download that stalls midway and closes it", async () => {
    const chat = await openChat(stack);
    // The video's download sends its headers and first chunk, then stalls for far longer than the limit.
    stack.telegram.fault("file", { delayMs: 120_000 });
    const { download, clip } = await albumWithStalledVideo(chat, 1 * MB);

    // The bot hung up on the stalled download instead of leaving the connection open.
    expect(download?.bytesSent).toBeLessThan(clip.file_size);
    expect(download?.lastByteAt).toBeUndefined();
    await until(() => download?.closedEarlyAt !== undefined, 5_000, "the stalled download to be closed");
  }, 60_000);

  it("gives up on a NemoVideo upload that never answers and closes the Telegram download feeding it", async () => {
    const chat = await openChat(stack);
    // NemoVideo takes the connection but answers only long after the limit (and never reads the body).
    stack.nemo.fault("upload", { delayMs: 10_000 });
    // Large enough that the unread upload body backs up into the Telegram download.
    const { download, clip } = await albumWithStalledVideo(chat, 12 * MB);

    expect(download?.bytesSent).toBeLessThan(clip.file_size);
    await until(() => download?.closedEarlyAt !== undefined, 5_000, "the Telegram download to be closed");
  }, 60_000);
});
