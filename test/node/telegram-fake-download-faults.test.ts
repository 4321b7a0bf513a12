import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

const KB = 1024;
let fake: TelegramFake;

beforeAll(async () => {
  fake = await startTelegramFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const urlOf = (filePath: string) => `${fake.apiRoot}/file/bot${fake.token}/${filePath}`;

/** Reads a response body chunk by chunk, noting when each chunk arrived. */
async function readTimed(response: Response) {
  const arrivals: { at: number; bytes: number }[] = [];
  const hash = createHash("sha256");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    arrivals.push({ at: Date.now(), bytes: value.byteLength });
  }
  return { arrivals, sha256: hash.digest("hex") };
}

/**
 * Download faults ("file"): a transfer that stalls midway, the way a slow Telegram download hangs a bot
 * that streams it on, and an error answer instead of the file.
 */
describe("telegram fake: download faults", () => {
  it("stalls a download after its first chunk for delayMs, then serves the rest byte for byte", async () => {
    const file = fake.addFile({ size: 512 * KB, mimeType: "video/mp4", seed: "stalled-clip" });
    fake.fault("file", { delayMs: 400 });
    const started = Date.now();
    const response = await fetch(urlOf(file.file_path));
    const headersAfter = Date.now() - started;
    const { arrivals, sha256 } = await readTimed(response);

    expect(response.status).toBe(200);
    // The headers come at once: the stall is inside the body, where a streaming client is already committed.
    expect(headersAfter).toBeLessThan(300);
    expect(sha256).toBe(file.sha256);
    const gaps = arrivals.slice(1).map((arrival, index) => arrival.at - (arrivals[index]?.at ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(380);
    expect(fake.fileDownloads[0]).toMatchObject({ bytesSent: file.file_size, lastByteAt: expect.any(Number) });
    expect(fake.fileDownloads[0]?.closedEarlyAt).toBeUndefined();

    // The fault was used up: the next download runs at full speed.
    const again = Date.now();
    expect((await readTimed(await fetch(urlOf(file.file_path)))).sha256).toBe(file.sha256);
    expect(Date.now() - again).toBeLessThan(300);
  });

  it("records a client that hangs up during the stall, and stops waiting for it", async () => {
    const file = fake.addFile({ size: 512 * KB, mimeType: "video/mp4", seed: "abandoned-clip" });
    fake.fault("file", { delayMs: 60_000 });
    const controller = new AbortController();
    const response = await fetch(urlOf(file.file_path), { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    const hungUpAt = Date.now();
    controller.abort();

    await expect.poll(() => fake.fileDownloads[0]?.closedEarlyAt, { timeout: 2_000 }).toBeGreaterThanOrEqual(hungUpAt);
    expect(fake.fileDownloads[0]?.bytesSent).toBeLessThan(file.file_size);
    expect(fake.fileDownloads[0]?.lastByteAt).toBeUndefined();
  });

  it('answers a download with the fault\'s status, and never lets a "*" fault take a download', async () => {
    const file = fake.addFile({ size: 2 * KB, mimeType: "image/jpeg", seed: "photo" });
    fake.fault("file", { status: 502 });
    const failed = await fetch(urlOf(file.file_path));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ ok: false, error_code: 502 });
    expect(fake.fileDownloads).toHaveLength(0);

    // A "*" fault is for Bot API methods: the download goes through and the fault waits for a method.
    fake.fault("*", { status: 500 });
    const served = await fetch(urlOf(file.file_path));
    expect(served.status).toBe(200);
    expect(
      createHash("sha256")
        .update(new Uint8Array(await served.arrayBuffer()))
        .digest("hex"),
    ).toBe(file.sha256);
    const getMe = await fetch(`${fake.apiRoot}/bot${fake.token}/getMe`);
    expect(getMe.status).toBe(500);
  });
});
