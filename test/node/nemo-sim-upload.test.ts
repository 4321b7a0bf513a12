import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo";
import { parseMultipart } from "../../sim/nemo/multipart";
import { acquireToken, authHeaders, createSession, getJson, readState } from "../../sim/nemo/test-client";

let sim: NemoSim;
beforeAll(async () => {
  sim = await startNemoSim({ seed: 3, timeScale: 0.001, uploadMaxBytes: 64 * 1024 });
});
afterAll(() => sim.close());

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function newSession() {
  const { token } = await acquireToken(sim.url);
  const { sessionId } = await createSession(sim.url, token);
  return { token, sessionId, uploadUrl: `${sim.url}/api/upload-video/nemo_agent/me/${sessionId}` };
}

function form(files: Array<[string, Uint8Array<ArrayBuffer>, string]>, field = "files"): FormData {
  const fd = new FormData();
  for (const [name, bytes, type] of files) fd.append(field, new Blob([bytes], { type }), name);
  return fd;
}

describe("multipart upload", () => {
  it("records size and sha256 of each of two files and lists them in video_infos", async () => {
    const { token, sessionId, uploadUrl } = await newSession();
    const clip = randomBytes(40_000);
    const photo = randomBytes(12_345);
    const { status, body } = await getJson(uploadUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form([
        ["clip.mp4", clip, "video/mp4"],
        ["photo.JPG", photo, "image/jpeg"],
      ]),
    });
    expect(status).toBe(200);
    expect(body.data.session_state_applied).toBe(true);
    expect(body.data.files.map((f: { filename: string; file_type: string }) => [f.filename, f.file_type])).toEqual([
      ["clip.mp4", "video"],
      ["photo.JPG", "image"],
    ]);
    const uploads = sim.session(sessionId)?.uploads ?? [];
    expect(
      uploads.map(({ filename, size, sha256, via, contentType }) => ({ filename, size, sha256, via, contentType })),
    ).toEqual([
      { filename: "clip.mp4", size: 40_000, sha256: sha(clip), via: "multipart", contentType: "video/mp4" },
      { filename: "photo.JPG", size: 12_345, sha256: sha(photo), via: "multipart", contentType: "image/jpeg" },
    ]);
    expect(uploads[0]?.firstByteAt).toBeTypeOf("number");
    expect(sim.requests.at(-1)?.bodySummary).toEqual([
      { field: "files", filename: "clip.mp4", contentType: "video/mp4", size: 40_000, sha256: sha(clip) },
      { field: "files", filename: "photo.JPG", contentType: "image/jpeg", size: 12_345, sha256: sha(photo) },
    ]);
    const state = await readState(sim.url, token, sessionId);
    expect(state.data.state.video_infos).toHaveLength(2);
  });

  it("parses a body that arrives in small pieces, noting when each file's first byte came", async () => {
    const { token, sessionId, uploadUrl } = await newSession();
    const content = randomBytes(5_000);
    // Built by hand so the test controls how the bytes are split and paced.
    const boundary = "----simtestboundary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    let sentHeadAt = 0;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let i = 0; i < body.length; i += 700) {
          controller.enqueue(body.subarray(i, i + 700));
          if (i === 0) sentHeadAt = Date.now();
          await new Promise((r) => setTimeout(r, 5));
        }
        controller.close();
      },
    });
    const res = await fetch(uploadUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    const [upload] = sim.session(sessionId)?.uploads ?? [];
    expect(upload).toMatchObject({ size: 5_000, sha256: sha(content) });
    // The first content byte was seen long before the last: the server did not wait for the whole body.
    expect((upload?.lastByteAt ?? 0) - (upload?.firstByteAt ?? 0)).toBeGreaterThan(20);
    expect(upload?.firstByteAt).toBeGreaterThanOrEqual(sentHeadAt);
  });

  it("answers 4001 (HTTP 415) for an unsupported extension and attaches nothing", async () => {
    const { token, sessionId, uploadUrl } = await newSession();
    const { status, body } = await getJson(uploadUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form([
        ["ok.png", new Uint8Array(4), "image/png"],
        ["notes.txt", new Uint8Array(4), "text/plain"],
      ]),
    });
    expect([status, body.code]).toEqual([415, 4001]);
    expect(sim.session(sessionId)?.uploads).toEqual([]);
  });

  it("answers 4002 (HTTP 413) above uploadMaxBytes", async () => {
    const { token, uploadUrl } = await newSession();
    const { status, body } = await getJson(uploadUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form([["big.mp4", new Uint8Array(64 * 1024 + 1), "video/mp4"]]),
    });
    expect([status, body.code]).toEqual([413, 4002]);
  });

  it("answers 422 when the files go under another field name", async () => {
    const { token, uploadUrl } = await newSession();
    const { status } = await getJson(uploadUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form([["a.mp4", new Uint8Array(4), "video/mp4"]], "file"),
    });
    expect(status).toBe(422);
  });

  it("answers 1002 for an unknown session", async () => {
    const { token } = await newSession();
    const { status, body } = await getJson(`${sim.url}/api/upload-video/nemo_agent/me/999`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form([["a.mp4", new Uint8Array(4), "video/mp4"]]),
    });
    expect([status, body.code]).toEqual([404, 1002]);
  });
});

describe("URL upload", () => {
  it("accepts {urls, source_type: 'url'} and records each as via url", async () => {
    const { token, sessionId, uploadUrl } = await newSession();
    const { status, body } = await getJson(uploadUrl, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify({ urls: ["https://example.com/media/beach.mp4"], source_type: "url" }),
    });
    expect(status).toBe(200);
    expect(body.data.files[0]).toMatchObject({ filename: "beach.mp4", file_type: "video" });
    expect(sim.session(sessionId)?.uploads[0]).toMatchObject({
      filename: "beach.mp4",
      via: "url",
      url: "https://example.com/media/beach.mp4",
      contentType: "video/mp4",
    });
  });

  it("refuses a URL whose file type is unsupported with 4001", async () => {
    const { token, uploadUrl } = await newSession();
    const { body } = await getJson(uploadUrl, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify({ urls: ["https://example.com/doc.pdf"], source_type: "url" }),
    });
    expect(body.code).toBe(4001);
  });
});

describe("multipart parser", () => {
  // Content that nearly contains the delimiter is where split-across-chunks bugs hide.
  const boundary = "XyZ";
  const tricky = Buffer.from("a\r\n--XyQ\r\n-\r\n--X\r\n--Xy");
  const body = Buffer.concat([
    Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi`),
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="t.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    ),
    tricky,
    Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
  ]);

  it.each([1, 2, 3, 5, 7, 13, 64, body.length])("gives the same parts for chunks of %i bytes", async (size) => {
    async function* chunks() {
      for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
    }
    const parts = await parseMultipart(chunks(), boundary);
    expect(parts.map(({ field, filename, size, sha256 }) => ({ field, filename, size, sha256 }))).toEqual([
      { field: "note", filename: undefined, size: 2, sha256: sha(Buffer.from("hi")) },
      { field: "files", filename: "t.mp4", size: tricky.length, sha256: sha(tricky) },
    ]);
  });

  it("rejects a body that ends before the closing delimiter", async () => {
    async function* chunks() {
      yield body.subarray(0, body.length - 20);
    }
    await expect(parseMultipart(chunks(), boundary)).rejects.toThrow(/truncated/);
  });
});
