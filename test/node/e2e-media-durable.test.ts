import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, type TestChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const MB = 1024 * 1024;

/** Media that outlives the Worker instance: albums settled by the alarm, and uploads resumed after a restart. */
describe("media across restarts", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      // Quiet time long enough that the restart surely falls between the last item and the settle, even on a
      // loaded 2-core CI machine where delivering the three items and restarting take over a second each
      // (at 1,500 ms the settle sometimes fired first: an upload before the restart, two status messages).
      vars: { ALBUM_SETTLE_MS: "4000" },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const uploads = (chat: TestChat) => stack.nemo.session(chat.sessionId)?.uploads ?? [];

  it("settles an album through the Durable Object's alarm after a restart between the items and the settle", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const caption = "make a 15-second tiktok of these";
    const album = telegram.updates.album(3, { from: { id: chat.chatId }, caption, captionOn: 2 });
    await telegram.deliverAlbum(album, { shuffle: true });
    const restartedAt = Date.now();
    await stack.restartWorker();
    expect(nemo.requests.filter((request) => request.endpoint === "upload" && request.at < restartedAt)).toEqual([]);
    // The simulator records a request on arrival and its body once read: wait for both.
    await until(() => chat.runs().length === 1 && chat.runs()[0]?.text !== "", 20_000, "the caption's turn");
    expect(uploads(chat)).toHaveLength(3);
    expect(chat.runs().map((run) => run.text)).toEqual([caption]);
    expect(chat.calls("sendMessage").filter((call) => /Uploading/.test(textOf(call)))).toHaveLength(1);
  }, 60_000);
});

/** A self-hosted Bot API server as TELEGRAM_API_ROOT: files above 20 MB go through, streamed. */
describe("large media with a self-hosted Bot API server", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: { silentEditRate: 0, temporaryIssueRate: 0 },
      telegram: { downloadLimitBytes: Number.POSITIVE_INFINITY },
      vars: { TELEGRAM_DOWNLOAD_LIMIT_MB: "2000" },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const uploads = (chat: TestChat) => stack.nemo.session(chat.sessionId)?.uploads ?? [];

  it("streams a 40 MB clip: NemoVideo has its first bytes before Telegram has sent the last", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const clip = telegram.addFile({ size: 40 * MB, mimeType: "video/mp4", seed: `long-${chat.chatId}` });
    await telegram.deliver(telegram.updates.video({ from: { id: chat.chatId }, fileId: clip.file_id }));
    await chat.waitForText(/^📥 1 video added/, { timeoutMs: 30_000 });
    const [upload] = uploads(chat);
    const download = telegram.fileDownloads.find((record) => record.path === clip.file_path);
    expect(upload).toMatchObject({ size: clip.file_size, sha256: clip.sha256 });
    expect(download?.lastByteAt).toBeDefined();
    expect(upload?.firstByteAt).toBeLessThan(download?.lastByteAt ?? 0);
    if (process.env.SHOW_FIGURES)
      console.log({
        firstByteLeadMs: (download?.lastByteAt ?? 0) - (upload?.firstByteAt ?? 0),
        totalMs: (upload?.lastByteAt ?? 0) - (download?.firstByteAt ?? 0),
      });
  }, 60_000);

  it("resumes an upload cut by a restart, in the same status message, and delivers the file whole", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const clip = telegram.addFile({ size: 40 * MB, mimeType: "video/mp4", seed: `cut-${chat.chatId}` });
    await telegram.deliver(
      telegram.updates.video({ from: { id: chat.chatId }, fileId: clip.file_id, fileName: "concert.mp4" }),
    );
    await until(
      () => telegram.fileDownloads.some((record) => record.path === clip.file_path && record.bytesSent > 4 * MB),
      20_000,
      "the download to be under way",
    );
    await stack.restartWorker();
    await chat.waitForText(/^📥 1 video added/, { timeoutMs: 30_000 });
    expect(uploads(chat)).toEqual([expect.objectContaining({ filename: "concert.mp4", sha256: clip.sha256 })]);
    const downloads = telegram.fileDownloads.filter((record) => record.path === clip.file_path);
    expect(downloads).toHaveLength(2);
    expect(downloads[0]?.lastByteAt).toBeUndefined();
    // One status message, edited by the instance that finished the batch; no failure reported.
    expect(chat.calls("sendMessage").filter((call) => /Uploading/.test(textOf(call)))).toHaveLength(1);
    expect(chat.botTexts().some((text) => /couldn't upload/.test(text))).toBe(false);
  }, 60_000);
});
