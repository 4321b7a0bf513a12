import { createHash } from "node:crypto";
import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Api, GrammyError, InputFile } from "grammy";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

const MB = 1024 * 1024;
const USER = 6_123_456_789;
let fake: TelegramFake;
let api: Api;

/** Deterministic bytes produced chunk by chunk, so a test upload is never one big buffer. */
function* pattern(size: number, chunk = 64 * 1024): Generator<Uint8Array> {
  for (let offset = 0; offset < size; offset += chunk) {
    const block = new Uint8Array(Math.min(chunk, size - offset));
    for (let i = 0; i < block.length; i++) block[i] = (offset + i) % 251;
    yield block;
  }
}
const sha256Of = (size: number): string => {
  const hash = createHash("sha256");
  for (const block of pattern(size)) hash.update(block);
  return hash.digest("hex");
};

/**
 * Streams a download with node:http (plain backpressure, unlike fetch's read-ahead), hashing as it goes
 * and sampling retained memory, like a bot forwarding a file would.
 */
async function download(url: string) {
  // Measured from before the request, so a server that buffers the file before answering shows up too.
  const base = memory();
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on("error", reject));
  const hash = createHash("sha256");
  let size = 0;
  let peak = memory() - base;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const before = size;
    size += chunk.byteLength;
    hash.update(chunk);
    // Sample every 4 MB: a GC per chunk would make the test slow.
    if (Math.floor(before / (4 * MB)) !== Math.floor(size / (4 * MB))) peak = Math.max(peak, memory() - base);
  }
  return {
    status: response.statusCode,
    length: response.headers["content-length"],
    size,
    sha256: hash.digest("hex"),
    peak,
  };
}
// Memory is measured after a forced GC so only what is retained counts, not garbage awaiting collection.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const memory = (): number => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

beforeAll(async () => {
  fake = await startTelegramFake({ uploadLimitBytes: 4 * MB });
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.ingest(fake.updates.privateText("hi"));
});

describe("getFile and downloads", () => {
  it("serves a photo the user sent, with content-length and the recorded sha256", async () => {
    const update = fake.ingest(fake.updates.photo({ caption: "make a video" }));
    const largest = update.message?.photo?.at(-1);
    const file = await api.getFile(largest?.file_id ?? "");
    expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    const got = await download(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(got).toMatchObject({ status: 200, length: String(largest?.file_size), size: largest?.file_size });
    expect(fake.chat(USER).messages.at(-1)?.photo?.sha256).toBe(got.sha256);
    expect(fake.fileDownloads.at(-1)).toMatchObject({ path: file.file_path, bytesSent: largest?.file_size });
  });

  it("refuses unknown file ids and files over the download limit", async () => {
    expect(await api.getFile("AgACAgIAAxkBAAInvalid").catch((e: GrammyError) => e.description)).toBe(
      "Bad Request: invalid file_id",
    );
    const big = fake.addFile({ size: 21 * MB, mimeType: "video/mp4" });
    expect(await api.getFile(big.file_id).catch((e: GrammyError) => e.description)).toBe(
      "Bad Request: file is too big",
    );
  });

  it("answers 404 for unknown paths and 401 for a wrong token", async () => {
    const file = fake.addFile({ bytes: new TextEncoder().encode("hello"), mimeType: "text/plain" });
    expect((await fetch(`${fake.apiRoot}/file/bot${fake.token}/documents/nope.txt`)).status).toBe(404);
    expect((await fetch(`${fake.apiRoot}/file/bot1:wrong/${file.file_path}`)).status).toBe(401);
    const ok = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(await ok.text()).toBe("hello");
  });

  it("streams a lazily generated 30 MB file without buffering it (self-hosted limit)", async () => {
    const selfHosted = await startTelegramFake({ downloadLimitBytes: Number.POSITIVE_INFINITY });
    try {
      const before = memory();
      const added = selfHosted.addFile({ size: 30 * MB, mimeType: "video/mp4", seed: "big-clip" });
      expect(memory() - before).toBeLessThan(4 * MB);
      const client = new Api(selfHosted.token, { apiRoot: selfHosted.apiRoot });
      const file = await client.getFile(added.file_id);
      expect(file.file_size).toBe(30 * MB);
      const got = await download(`${selfHosted.apiRoot}/file/bot${selfHosted.token}/${file.file_path}`);
      expect(got.size).toBe(30 * MB);
      expect(got.sha256).toBe(added.sha256);
      // A buffered 30 MB file would keep at least 30 MB alive. Streaming usually keeps a few chunks, but socket
      // read-ahead on loopback has been seen to hold ~12 MB for a moment, hence the margin.
      expect(got.peak).toBeLessThan(20 * MB);
      expect(selfHosted.fileDownloads[0]).toMatchObject({ bytesSent: 30 * MB, lastByteAt: expect.any(Number) });
      // Same seed and size give the same bytes.
      expect(selfHosted.addFile({ size: 30 * MB, mimeType: "video/mp4", seed: "big-clip" }).sha256).toBe(added.sha256);
    } finally {
      await selfHosted.close();
    }
  });
});

describe("uploads", () => {
  it("parses a grammY InputFile stream upload while it streams and records size and sha256", async () => {
    const size = 3 * MB + 17;
    const sent = await api.sendVideo(USER, new InputFile(Readable.from(pattern(size)), "tiktok.mp4"), {
      caption: "Your video is ready 🎬",
      supports_streaming: true,
      reply_markup: { inline_keyboard: [[{ text: "Again", callback_data: "again" }]] },
    });
    const call = fake.callsTo("sendVideo")[0];
    const video = call?.params.video;
    expect(video).toMatchObject({ filename: "tiktok.mp4", size, sha256: sha256Of(size) });
    expect(call?.files).toHaveLength(1);
    expect(call?.files[0]?.lastByteAt).toBeGreaterThanOrEqual(call?.files[0]?.firstByteAt ?? 0);
    // JSON-valued form fields arrive parsed, booleans and numbers coerced.
    expect(call?.params).toMatchObject({
      chat_id: USER,
      supports_streaming: true,
      reply_markup: { inline_keyboard: expect.any(Array) },
    });
    expect(sent).toMatchObject({
      caption: "Your video is ready 🎬",
      video: { file_size: size, mime_type: "video/mp4" },
    });
    expect(fake.chat(USER).messages.at(-1)).toMatchObject({ from_bot: true, video: { size, sha256: sha256Of(size) } });
  });

  it("answers 413 when a multipart body exceeds the upload limit", async () => {
    const error = await api
      .sendDocument(USER, new InputFile(Readable.from(pattern(5 * MB)), "big.bin"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 413, description: "Request Entity Too Large" });
    expect(fake.chat(USER).messages.filter((m) => m.from_bot)).toHaveLength(0);
  });

  it("accepts a part sent under the parameter's own name and keeps small uploads downloadable", async () => {
    const form = new FormData();
    form.set("chat_id", String(USER));
    form.set("document", new Blob([new TextEncoder().encode("report")], { type: "text/plain" }), "report.txt");
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendDocument`, { method: "POST", body: form });
    const body = (await response.json()) as { result: { document: { file_id: string; file_name: string } } };
    expect(body.result.document.file_name).toBe("report.txt");
    const file = await api.getFile(body.result.document.file_id);
    expect(await (await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`)).text()).toBe("report");
  });

  it("sends by file_id and refuses unknown or mismatched ids", async () => {
    const clip = fake.addFile({ size: 2 * MB, mimeType: "video/mp4" });
    const sent = await api.sendVideo(USER, clip.file_id);
    expect(sent.video).toMatchObject({ file_id: clip.file_id, file_size: 2 * MB });
    expect(fake.chat(USER).messages.at(-1)?.video?.sha256).toBe(clip.sha256);
    expect(await api.sendVideo(USER, "BAACAgIAAxkBAAIunknown").catch((e: GrammyError) => e.description)).toBe(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );
    const picture = fake.addFile({ size: 1000, mimeType: "image/jpeg" });
    expect(await api.sendVideo(USER, picture.file_id).catch((e: GrammyError) => e.description)).toBe(
      "Bad Request: can't use file of type Photo as Video",
    );
  });

  it("fetches URL inputs like Telegram and returns photo sizes with the largest last", async () => {
    const bytes = new Uint8Array(200_000).fill(7);
    const server: Server = createServer((req, res) => {
      if (req.url === "/cover.jpg") res.writeHead(200, { "content-type": "image/jpeg" }).end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const sent = await api.sendPhoto(USER, `${base}/cover.jpg`);
      expect(sent.photo?.length).toBeGreaterThan(1);
      expect(sent.photo?.at(-1)?.file_size).toBe(200_000);
      expect(fake.chat(USER).messages.at(-1)?.photo?.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(await api.sendPhoto(USER, `${base}/missing.jpg`).catch((e: GrammyError) => e.description)).toBe(
        "Bad Request: failed to get HTTP URL content",
      );
    } finally {
      server.close();
    }
  });

  it("limits captions to 1024 characters after parsing", async () => {
    const clip = fake.addFile({ size: 1000, mimeType: "video/mp4" });
    expect(
      await api.sendVideo(USER, clip.file_id, { caption: "c".repeat(1025) }).catch((e: GrammyError) => e.description),
    ).toBe("Bad Request: message caption is too long");
    const ok = await api.sendVideo(USER, clip.file_id, { caption: `<i>${"c".repeat(1024)}</i>`, parse_mode: "HTML" });
    expect(ok.caption).toHaveLength(1024);
  });
});
