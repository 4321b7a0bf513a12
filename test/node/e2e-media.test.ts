import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, type TestChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const MB = 1024 * 1024;
const ACCEPTED_LIST = /I accept: mp4, mov, avi, webm, mkv, jpg\/jpeg, png, gif, webp, mp3, wav, m4a, aac/;

/**
 * Media in, through the real Worker bundle and both fakes: what is accepted, what is refused (and that
 * refused files never reach NemoVideo), bytes that arrive unchanged, albums, failures and links.
 */
describe("media in", () => {
  let stack: Stack;
  const workerOutput: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      // More than ten chats from one address: the per-address token cap (tested in e2e-accounts-cap) is raised.
      nemo: { silentEditRate: 0, temporaryIssueRate: 0, tokenIpCap: 100 },
      onWorkerOutput: (_stream, text) => workerOutput.push(text),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const from = (chat: TestChat) => ({ id: chat.chatId, language_code: "en" });
  const uploads = (chat: TestChat) => stack.nemo.session(chat.sessionId)?.uploads ?? [];
  const uploadRequests = (chat: TestChat) =>
    stack.nemo.requests.filter((request) => request.endpoint === "upload" && request.path.includes(chat.sessionId));
  const statusMessages = (chat: TestChat) => chat.calls("sendMessage").filter((call) => /Uploading/.test(textOf(call)));

  it("streams each accepted kind byte for byte, the largest photo size only", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    // Four sizes of one photo, smallest first as Telegram lists them: only the original is wanted.
    const sizes = [1_250, 15_800, 61_400, 142_300].map((size, index) =>
      telegram.addFile({ size, mimeType: "image/jpeg", seed: `photo-${chat.chatId}-${index}` }),
    );
    const largest = sizes[3];
    const photo = telegram.updates.photo({
      from: from(chat),
      fileIds: sizes.map((file) => file.file_id),
      sizes: [
        { width: 67, height: 90 },
        { width: 240, height: 320 },
        { width: 600, height: 800 },
        { width: 960, height: 1280 },
      ],
    });
    const video = telegram.addFile({ size: 3 * MB + 17, mimeType: "video/mp4", seed: `video-${chat.chatId}` });
    const gif = telegram.addFile({ size: 389_120, mimeType: "video/mp4", seed: `gif-${chat.chatId}` });
    const mov = telegram.addFile({ size: 2 * MB, mimeType: "video/quicktime", seed: `mov-${chat.chatId}` });
    const png = telegram.addFile({ size: 700_000, mimeType: "image/png", seed: `png-${chat.chatId}` });
    const song = telegram.addFile({ size: 1 * MB, mimeType: "audio/mpeg", seed: `song-${chat.chatId}` });
    const m4a = telegram.addFile({ size: 500_000, mimeType: "audio/mp4", seed: `m4a-${chat.chatId}` });
    const updates: Partial<Update>[] = [
      photo,
      telegram.updates.video({ from: from(chat), fileId: video.file_id }),
      telegram.updates.animation({ from: from(chat), fileId: gif.file_id }),
      telegram.updates.document({
        from: from(chat),
        fileId: mov.file_id,
        fileName: "Holiday.MOV",
        mimeType: "video/quicktime",
      }),
      telegram.updates.document({ from: from(chat), fileId: png.file_id, fileName: "logo.png", mimeType: "image/png" }),
      telegram.updates.audio({ from: from(chat), fileId: song.file_id }),
      telegram.updates.document({
        from: from(chat),
        fileId: m4a.file_id,
        fileName: "voiceover.m4a",
        mimeType: "audio/mp4",
      }),
    ];
    const expected = [largest, video, gif, mov, png, song, m4a];
    for (const update of updates) await telegram.deliver(update);
    await until(() => uploads(chat).length === expected.length, 20_000, "seven uploads");
    await until(() => chat.botTexts().filter((text) => /added — tell me what to make/.test(text)).length === 7);

    expect(uploads(chat).map((upload) => upload.sha256)).toEqual(expected.map((file) => file?.sha256));
    expect(uploads(chat).map((upload) => upload.filename)).toEqual([
      expect.stringMatching(/\.jpg$/),
      expect.stringMatching(/\.mp4$/),
      expect.stringMatching(/\.mp4$/),
      "Holiday.MOV",
      "logo.png",
      "track.mp3",
      "voiceover.m4a",
    ]);
    // Only the original photo was fetched: none of the three smaller sizes.
    const downloaded = telegram.fileDownloads.map((download) => download.path);
    expect(downloaded).toContain(largest?.file_path);
    for (const smaller of sizes.slice(0, 3)) expect(downloaded).not.toContain(smaller.file_path);
    expect(chat.botTexts()).toEqual(
      expect.arrayContaining([
        "📥 1 photo added — tell me what to make",
        "📥 1 video added — tell me what to make",
        "📥 1 audio file added — tell me what to make",
      ]),
    );
    // One status message per file, edited into its result: no "Uploading" left behind.
    expect(chat.botTexts().some((text) => /Uploading/.test(text))).toBe(false);
  }, 60_000);

  it("answers voice notes, stickers and other documents with the accepted list, sending nothing", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const refused = [
      telegram.updates.voice({ from: from(chat) }),
      telegram.updates.sticker({ from: from(chat) }),
      telegram.updates.document({ from: from(chat), fileName: "contract.pdf", mimeType: "application/pdf" }),
      // A PDF that claims to be an image is still a PDF.
      telegram.updates.document({ from: from(chat), fileName: "scan.pdf", mimeType: "image/png" }),
    ];
    for (const update of refused) await telegram.deliver(update);
    await until(() => chat.botTexts().filter((text) => ACCEPTED_LIST.test(text)).length === 4);
    expect(uploadRequests(chat)).toHaveLength(0);
    const fileIds = refused.map((update) => {
      const message = update.message;
      return (message?.voice ?? message?.sticker ?? message?.document)?.file_id;
    });
    expect(fileIds.every(Boolean)).toBe(true);
    expect(telegram.callsTo("getFile").filter((call) => fileIds.includes(String(call.params.file_id)))).toEqual([]);
  });

  it("gives the same answer when NemoVideo refuses the type (4001)", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("upload", { code: 4001, message: "unsupported file type" });
    await telegram.deliver(telegram.updates.video({ from: from(chat), size: 300_000, fileName: "clip.mkv" }));
    await chat.waitForText(ACCEPTED_LIST);
    await until(() => !chat.botTexts().some((text) => /Uploading/.test(text)), 5_000, "status removed");
    expect(uploads(chat)).toHaveLength(0);
  });

  it("answers a file over 20 MB before trying to download it", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const big = telegram.addFile({ size: 30 * MB, mimeType: "video/mp4", seed: `big-${chat.chatId}` });
    await telegram.deliver(
      telegram.updates.video({
        from: from(chat),
        fileId: big.file_id,
        fileName: "wedding.mp4",
        caption: "make a tiktok",
      }),
    );
    const answer = await chat.waitForText(/over 20 MB/);
    expect(textOf(answer)).toMatch(/<b>wedding\.mp4<\/b>.*Trim or compress it, or send a link/);
    expect(telegram.callsTo("getFile").filter((call) => call.params.file_id === big.file_id)).toHaveLength(0);
    expect(telegram.fileDownloads.filter((download) => download.path === big.file_path)).toHaveLength(0);
    expect(uploadRequests(chat)).toHaveLength(0);
    // Nothing was added, so the caption never reached the agent.
    expect(chat.runs()).toHaveLength(0);
    expect(statusMessages(chat)).toHaveLength(0);
  });

  it("says 'too large, compress or trim' when NemoVideo refuses the size (4002)", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("upload", { code: 4002, message: "file too large" });
    await telegram.deliver(telegram.updates.video({ from: from(chat), size: 2 * MB, fileName: "long-take.mp4" }));
    const answer = await chat.waitForText(/too large/);
    expect(textOf(answer)).toMatch(/<b>long-take\.mp4<\/b> is too large\. Trim or compress it/);
    expect(uploads(chat)).toHaveLength(0);
  });

  it("turns an album in any order, with a redelivered item, into one batch and one turn with its caption", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const caption = "make a 15-second tiktok from these with upbeat music";
    const album = telegram.updates.album(3, { from: from(chat), caption, captionOn: 1 });
    await telegram.deliverAlbum(album, { shuffle: true });
    // Telegram redelivers an update whose 200 it missed: same update, same update_id.
    await telegram.deliver(album[2] as Update);
    await until(() => chat.runs().length === 1, 20_000, "the caption's turn");
    expect(uploads(chat)).toHaveLength(3);
    expect(uploadRequests(chat)).toHaveLength(3);
    expect(chat.runs().map((run) => run.text)).toEqual([caption]);
    expect(statusMessages(chat)).toHaveLength(1);
    // The status message was edited through the batch, not replaced.
    const statusId = (statusMessages(chat)[0]?.response as { result?: { message_id?: number } } | undefined)?.result
      ?.message_id;
    const edits = chat.calls("editMessageText").filter((call) => call.params.message_id === statusId);
    expect(edits.map(textOf)).toEqual(
      expect.arrayContaining(["⬆️ Uploading 1/3…", "⬆️ Uploading 2/3…", "📥 3 photos added"]),
    );
    // The instruction came with the media: the bot exports and delivers without being asked.
    await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === chat.chatId, {
      timeoutMs: 25_000,
    });
    expect(nemo.session(chat.sessionId)?.turns).toEqual([caption]);
  }, 60_000);

  it("settles an album Telegram split in two (12 items) as one batch with one instruction", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    const caption = "make a slideshow tiktok of my trip";
    const album = telegram.updates.album(12, { from: from(chat), caption });
    const groups = new Set(album.map((update) => update.message?.media_group_id));
    expect(groups.size).toBe(2);
    await Promise.all(album.map((update) => telegram.deliver(update)));
    await until(() => chat.runs().length === 1, 25_000, "the caption's turn");
    expect(uploads(chat)).toHaveLength(12);
    expect(statusMessages(chat)).toHaveLength(1);
    expect(chat.runs().map((run) => run.text)).toEqual([caption]);
  }, 60_000);

  it("without a caption asks what to make; the next text is the instruction and the MP4 comes back", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    await telegram.deliverAlbum(telegram.updates.album(3, { from: from(chat) }));
    await chat.waitForText(/^📥 3 photos added — tell me what to make$/, { timeoutMs: 15_000 });
    expect(chat.runs()).toHaveLength(0);
    await chat.say("turn them into a 15-second tiktok with captions");
    await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === chat.chatId, {
      timeoutMs: 25_000,
    });
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["turn them into a 15-second tiktok with captions"]);
    expect(uploads(chat)).toHaveLength(3);
  }, 60_000);

  it("reports a failed file by name, keeps the others, and takes that file again when resent", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const clip = telegram.addFile({ size: 1 * MB, mimeType: "video/mp4", seed: `beach-${chat.chatId}` });
    const video = telegram.updates.video({ from: from(chat), fileId: clip.file_id, fileName: "beach.mp4" });
    const items = [video, telegram.updates.photo({ from: from(chat) }), telegram.updates.photo({ from: from(chat) })];
    // The first upload of the batch (the video: items upload in message order) fails on each of its three
    // tries (TRANSFER_RETRY_DELAYS_MS retries it twice, issue 16).
    nemo.fault("upload", { status: 500, times: 3 });
    await telegram.deliverAlbum(items, { shuffle: true });
    const failure = await chat.waitForText(/couldn't upload/, { timeoutMs: 15_000 });
    expect(textOf(failure)).toContain("<b>beach.mp4</b>");
    expect((failure.params.reply_parameters as { message_id?: number } | undefined)?.message_id).toBe(
      video.message?.message_id,
    );
    await chat.waitForText(/^📥 2 photos added — tell me what to make$/);
    expect(uploads(chat)).toHaveLength(2);
    // The user sends just that file again.
    await telegram.deliver(telegram.updates.video({ from: from(chat), fileId: clip.file_id, fileName: "beach.mp4" }));
    await until(() => uploads(chat).length === 3, 15_000, "the resent file");
    expect(uploads(chat)[2]).toMatchObject({ filename: "beach.mp4", sha256: clip.sha256 });
  }, 60_000);

  it("in a group takes an album that mentions the bot and ignores one that does not", async () => {
    const { telegram } = stack;
    const groupId = -4_100_000_123;
    const member = { id: 7_300_000_001, language_code: "en" };
    const mention = `@${telegram.botInfo.username}`;
    const ignored = telegram.updates.album(2, { chatId: groupId, from: member, caption: "our trip!" });
    await telegram.deliverAlbum(ignored);
    const caption = `${mention} make a 15-second tiktok from these`;
    const album = telegram.updates.album(3, { chatId: groupId, from: member, caption, captionOn: 1 });
    await telegram.deliverAlbum(album, { shuffle: true });
    const turn = await telegram.waitFor(
      (call) =>
        call.params.chat_id === groupId && call.method === "editMessageText" && /3 photos added/.test(textOf(call)),
      { timeoutMs: 15_000 },
    );
    expect(textOf(turn)).toBe("📥 3 photos added");
    await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === groupId, {
      timeoutMs: 25_000,
    });
    // The group's project got the mentioned album only: the unaddressed one never left Telegram.
    const groupSession = stack.nemo
      .sessions()
      .map((id) => stack.nemo.session(id))
      .find((session) => session?.turns.includes("make a 15-second tiktok from these"));
    expect(groupSession?.uploads).toHaveLength(3);
    const ignoredFiles = ignored.map((update) => update.message?.photo?.at(-1)?.file_id);
    expect(telegram.callsTo("getFile").filter((call) => ignoredFiles.includes(String(call.params.file_id)))).toEqual(
      [],
    );
    // Answers in a group reply to the message that carried the instruction.
    const status = telegram.calls.find(
      (call) => call.params.chat_id === groupId && call.method === "sendMessage" && /Uploading/.test(textOf(call)),
    );
    expect((status?.params.reply_parameters as { message_id?: number } | undefined)?.message_id).toBe(
      album[1]?.message?.message_id,
    );
  }, 60_000);

  it("holds an instruction sent while the media is still uploading until the upload is done", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    // The upload answers late, so the instruction surely arrives while it is in flight.
    nemo.fault("upload", { delayMs: 1_500 });
    await telegram.deliver(telegram.updates.video({ from: from(chat), size: 1 * MB, fileName: "skate.mp4" }));
    await until(() => uploadRequests(chat).length === 1, 10_000, "the upload to start");
    await chat.say("make a 15-second tiktok with this clip");
    await until(() => chat.runs().length === 1, 15_000, "the instruction's turn");
    const upload = uploadRequests(chat)[0];
    expect(upload?.status).toBe(200);
    expect(chat.runs()[0]?.at).toBeGreaterThan((upload?.at ?? 0) + 1_000);
    // The text followed media sent without a caption, so it is a one-shot request: the MP4 comes back.
    await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === chat.chatId, {
      timeoutMs: 25_000,
    });
  }, 60_000);

  it("after a turn that leaves nothing to export, offers the next steps instead of exporting", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    await telegram.deliver(telegram.updates.photo({ from: from(chat), caption: "hello, who are you?" }));
    const next = await chat.waitForText(/^What next\?/, { timeoutMs: 20_000 });
    const buttons = (next.params.reply_markup as { inline_keyboard?: { text: string }[][] }).inline_keyboard?.flat();
    expect(buttons?.map((button) => button.text)).toEqual(expect.arrayContaining([expect.stringMatching(/Timeline/)]));
    expect(chat.calls("sendVideo")).toHaveLength(0);
    expect(uploads(chat)).toHaveLength(1);
  }, 30_000);

  it("uploads links to media by URL and treats the rest of the text as the instruction", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    const url = "https://cdn.example.com/clips/surf.mp4";
    await chat.say(`${url} make it a 15-second tiktok`);
    await until(() => chat.runs().length === 1, 15_000, "the instruction's turn");
    const request = uploadRequests(chat)[0];
    expect(request?.bodySummary).toEqual({ urls: [url], source_type: "url" });
    expect(uploads(chat)).toMatchObject([{ via: "url", url }]);
    expect(chat.runs().map((run) => run.text)).toEqual(["make it a 15-second tiktok"]);
    expect(nemo.session(chat.sessionId)?.turns).toEqual(["make it a 15-second tiktok"]);
  }, 30_000);

  it("answers a link NemoVideo refuses (4001) with the accepted list, and sends no instruction", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("upload", { code: 4001, message: "unsupported file type" });
    await chat.say("https://cdn.example.com/clips/odd.mkv make a tiktok of it");
    await chat.waitForText(ACCEPTED_LIST);
    expect(chat.runs()).toHaveLength(0);
  });

  it("a link alone asks what to make", async () => {
    const chat = await openChat(stack);
    await chat.say("https://cdn.example.com/music/song.mp3");
    await chat.waitForText(/^📥 1 file added — tell me what to make$/);
    expect(uploads(chat)).toMatchObject([{ via: "url", url: "https://cdn.example.com/music/song.mp3" }]);
    expect(chat.runs()).toHaveLength(0);
  });

  it("/cancel during an upload drops the batch and its progress message", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("upload", { delayMs: 1_500 });
    await telegram.deliver(
      telegram.updates.video({ from: from(chat), size: 1 * MB, fileName: "first.mp4", mediaGroupId: "g-cancel" }),
    );
    const second = telegram.updates.video({
      from: from(chat),
      size: 1 * MB,
      fileName: "second.mp4",
      mediaGroupId: "g-cancel",
    });
    await telegram.deliver(second);
    await until(() => uploadRequests(chat).length === 1, 10_000, "the first upload to start");
    await telegram.deliver(telegram.updates.command("cancel", { from: from(chat) }));
    await chat.waitForText(/Cancelled|cancelled/);
    await until(() => chat.calls("deleteMessage").length === 1, 10_000, "the progress message to go");
    expect(chat.botTexts().some((text) => /Uploading|added/.test(text))).toBe(false);
    // The second file is never fetched or sent.
    expect(uploadRequests(chat)).toHaveLength(1);
    const secondFile = second.message?.video?.file_id;
    expect(telegram.callsTo("getFile").filter((call) => call.params.file_id === secondFile)).toEqual([]);
  }, 30_000);

  it("never hands NemoVideo the bot token or a Telegram file URL, nor logs them", () => {
    const { nemo, telegram } = stack;
    expect(nemo.requests.filter((request) => request.endpoint === "upload").length).toBeGreaterThan(10);
    for (const request of nemo.requests) {
      const seen = JSON.stringify([request.path, request.headers, request.bodySummary]);
      expect(seen).not.toContain(telegram.token);
      expect(seen).not.toContain(telegram.token.split(":")[1]);
      expect(seen).not.toMatch(/\/file\/bot/);
    }
    const logs = workerOutput.join("");
    expect(logs).toContain("upload_failed");
    expect(logs).not.toContain(telegram.token.split(":")[1]);
  });
});
