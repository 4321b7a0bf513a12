import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo/index";
import { acquireToken, authHeaders, createSession, readState, runTurn } from "../../sim/nemo/test-client";
import {
  ffmpegAvailable,
  ffmpegPath,
  findFont,
  planFromDraft,
  type RenderFront,
  renderMp4,
  startRenderFront,
} from "../../sim/render-mp4/index";

const run = promisify(execFile);

/** Duration and frame size of an MP4, read by ffmpeg itself (it exits 1 without an output file). */
async function probe(bytes: Uint8Array): Promise<{ seconds: number; width: number; height: number; codec: string }> {
  const dir = await mkdtemp(join(tmpdir(), "probe-"));
  try {
    await writeFile(join(dir, "in.mp4"), bytes);
    const stderr = await run(ffmpegPath(), ["-hide_banner", "-i", join(dir, "in.mp4")]).then(
      (r) => r.stderr,
      (error: { stderr: string }) => error.stderr,
    );
    const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
    const video = /Video: (\w+).*?, (\d+)x(\d+)/.exec(stderr);
    return {
      seconds: duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : 0,
      width: Number(video?.[2] ?? 0),
      height: Number(video?.[3] ?? 0),
      codec: video?.[1] ?? "",
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Average colour of the frame at `seconds`, as [r, g, b]. */
async function frameColour(bytes: Uint8Array, seconds: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), "frame-"));
  try {
    await writeFile(join(dir, "in.mp4"), bytes);
    const { stdout } = await run(
      ffmpegPath(),
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-ss",
        String(seconds),
        "-i",
        join(dir, "in.mp4"),
        "-frames:v",
        "1",
        "-vf",
        "scale=1:1",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
      ],
      { encoding: "buffer" },
    );
    return [...stdout.subarray(0, 3)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Average colour of a region (`crop` = w:h:x:y in pixels) of the frame at `seconds`, as [r, g, b]. */
async function regionColour(bytes: Uint8Array, seconds: number, crop: string): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), "region-"));
  try {
    await writeFile(join(dir, "in.mp4"), bytes);
    const { stdout } = await run(
      ffmpegPath(),
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-ss",
        String(seconds),
        "-i",
        join(dir, "in.mp4"),
        "-frames:v",
        "1",
      ].concat(["-vf", `crop=${crop},scale=1:1`, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]),
      { encoding: "buffer" },
    );
    return [...stdout.subarray(0, 3)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The MP4's audio stream as ffmpeg reports it, and its mean volume in dB (volumedetect). */
async function audioOf(bytes: Uint8Array): Promise<{ stream: string | undefined; meanDb: number | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), "audio-"));
  try {
    await writeFile(join(dir, "in.mp4"), bytes);
    const { stderr } = await run(ffmpegPath(), [
      "-hide_banner",
      "-i",
      join(dir, "in.mp4"),
      "-map",
      "0:a?",
      "-af",
      "volumedetect",
      "-f",
      "null",
      "-",
    ]);
    const mean = /mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1];
    return { stream: /Stream #0:\d+.*?: Audio: ([^\n]+)/.exec(stderr)?.[1], meanDb: mean ? Number(mean) : undefined };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function photo(color: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "photo-"));
  try {
    await run(ffmpegPath(), [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      `color=c=${color}:s=480x640`,
      "-frames:v",
      "1",
      join(dir, "p.jpg"),
    ]);
    return await readFile(join(dir, "p.jpg"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!ffmpegAvailable())("real MP4 renders for the local stack", () => {
  let sim: NemoSim;
  let front: RenderFront;
  const photos = new Map<string, Buffer>();

  beforeAll(async () => {
    // Every session drifted: the renderer reads drafts through tidyDraft, so the slideshow is the same.
    sim = await startNemoSim({ timeScale: 0.01, seed: 7, renderBytes: 4096, driftRate: 1 });
    front = await startRenderFront({
      upstream: sim.url,
      lookupImage: (prefix) => [...photos.entries()].find(([sha]) => sha.startsWith(prefix))?.[1],
    });
  });
  afterAll(async () => {
    await front?.close();
    await sim?.close();
  });

  it("encodes a vertical 720x1280 H.264 slideshow with captions", async () => {
    const bytes = await renderMp4({
      slides: [
        { image: await photo("red"), seconds: 2 },
        { seconds: 2, label: "Generated clip" },
      ],
      captions: [{ text: "Urban Dreams", start: 0, end: 1.5, position: "top" }],
    });
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    const info = await probe(bytes);
    expect(info).toMatchObject({ width: 720, height: 1280, codec: "h264" });
    expect(info.seconds).toBeGreaterThan(3.5);
    expect(info.seconds).toBeLessThan(4.5);
  });

  it("plans slides from the draft's upload:// sources and captions from its text tracks", () => {
    const image = new Uint8Array([1, 2, 3]);
    const plan = planFromDraft(
      {
        m: { title: "Trip" },
        t: [
          {
            tt: 0,
            sg: [
              { st: 3000, d: 3000, m: { name: "b.jpg", src: "upload://bbbbbbbbbbbbbbbb/b.jpg" } },
              { st: 0, d: 3000, m: { name: "a.jpg", src: "upload://aaaaaaaaaaaaaaaa/a.jpg" } },
            ],
          },
          { tt: 1, sg: [{ st: 0, d: 6000, m: { name: "Lo-fi Beats" } }] },
          { tt: 7, m: { name: "Title" }, sg: [{ st: 0, d: 3000, m: { text: "Urban Dreams", size: 48 } }] },
        ],
      },
      (prefix) => (prefix === "aaaaaaaaaaaaaaaa" ? image : undefined),
    );
    expect(plan.slides).toEqual([
      { image, seconds: 3 },
      { seconds: 3, label: "b.jpg" },
    ]);
    expect(plan.captions).toEqual([
      expect.objectContaining({ text: "Urban Dreams", start: 0, end: 3, position: "top" }),
    ]);
  });

  it("reads the draft's text style and music under every spelling the simulator emits", () => {
    const plan = planFromDraft(
      {
        t: [
          { tt: 0, sg: [{ st: 0, d: 4000, m: { name: "Generated clip" } }] },
          { tt: "1", sg: [{ st: "0", d: "4000", m: { name: "Lo-fi Beats", volume: "35%" } }] },
          {
            tt: 7,
            m: { name: "Title" },
            sg: [
              { st: 0, d: 2000, m: { text: { content: "Harbor Lights" }, colour: "#ff3b30", font_size: "72px" } },
              { st: 2000, d: 1000, m: { text: "Caption", fontColor: "yellow", fontSize: 30, position: "top" } },
              { st: 3000, d: 1000, m: { text: "Middle", color: "#0A84FF", size: 40, position: "center" } },
            ],
          },
        ],
      } as never,
      () => undefined,
    );
    expect(plan.music).toEqual([{ start: 0, end: 4, volume: 0.35 }]);
    expect(plan.captions).toEqual([
      { text: "Harbor Lights", start: 0, end: 2, position: "top", size: 72, color: "#FF3B30" },
      { text: "Caption", start: 2, end: 3, position: "top", size: 30, color: "#FFD60A" },
      { text: "Middle", start: 3, end: 4, position: "middle", size: 40, color: "#0A84FF" },
    ]);
  });

  it("plays the draft's BGM as a real audio stream at its volume; a draft without music stays silent", async () => {
    const draft = (volume: unknown, withMusic = true) =>
      planFromDraft(
        {
          t: [
            { tt: 0, sg: [{ st: 0, d: 3000, m: { name: "Generated clip" } }] },
            ...(withMusic
              ? [{ tt: 1, m: { name: "BGM" }, sg: [{ st: 0, d: 3000, m: { name: "Lo-fi Beats", volume } }] }]
              : []),
          ],
        } as never,
        () => undefined,
      );
    const quiet = await audioOf(await renderMp4(draft(0.35)));
    const loud = await audioOf(await renderMp4(draft("70%")));
    const silent = await audioOf(await renderMp4(draft(0, false)));
    expect(quiet.stream).toMatch(/^aac/);
    expect(loud.stream).toMatch(/^aac/);
    // Twice the volume is +6 dB.
    expect((loud.meanDb ?? 0) - (quiet.meanDb ?? 0)).toBeGreaterThan(5);
    expect((loud.meanDb ?? 0) - (quiet.meanDb ?? 0)).toBeLessThan(7);
    expect(quiet.meanDb).toBeGreaterThan(-40);
    expect(silent.stream).toBeUndefined();
  });

  it.skipIf(!findFont())("draws each text track with its text, colour, position and timing", async () => {
    const base = { slides: [{ seconds: 4, color: "#000000" }] };
    const red = { text: "HARBOR LIGHTS", start: 0, end: 2, position: "top" as const, size: 90, color: "#FF3B30" };
    const plain = await renderMp4(base);
    const titled = await renderMp4({ ...base, captions: [red] });
    // The top band (where "top" sits) turns red while the title shows, and only then.
    const band = "720:200:0:90";
    const [r, g] = await regionColour(titled, 1, band);
    expect(r).toBeGreaterThan((g ?? 0) + 15);
    // Alike up to the encoder's noise of a unit or two.
    const alike = (a: number[], b: number[]) => a.every((value, i) => Math.abs(value - (b[i] ?? 0)) <= 4);
    expect(alike(await regionColour(titled, 3, band), await regionColour(plain, 3, band))).toBe(true);
    // Nothing is drawn at the bottom: the position is honoured.
    const bottom = "720:200:0:900";
    expect(alike(await regionColour(titled, 1, bottom), await regionColour(plain, 1, bottom))).toBe(true);
  });

  it("fronts the simulator: streams turns through, and serves a slideshow of the uploaded photos as the render", async () => {
    const { token } = await acquireToken(front.url, randomUUID());
    const { sessionId } = await createSession(front.url, token);
    const form = new FormData();
    for (const color of ["red", "green", "blue"]) {
      const bytes = await photo(color);
      photos.set(createHash("sha256").update(bytes).digest("hex"), bytes);
      form.append("files", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), `${color}.jpg`);
    }
    const uploaded = await fetch(`${front.url}/api/upload-video/nemo_agent/me/${sessionId}`, {
      method: "POST",
      headers: authHeaders(token, false),
      body: form,
    });
    expect(uploaded.status).toBe(200);

    const turn = await runTurn(front.url, token, sessionId, "turn my photos into a 6-second TikTok");
    expect(turn.status).toBe(200);
    expect(turn.contentType).toContain("text/event-stream");
    expect(turn.cut).toBe(false);
    expect(turn.events.length).toBeGreaterThan(2);

    const state = await readState(front.url, token, sessionId);
    const draft = state.data.state.draft;
    // The generation's raw clip is named by the front's address, in the stream and the state, and is a real
    // video of the photos alone: no music yet (post-production comes after it).
    expect(JSON.stringify(turn.events)).not.toContain(sim.url);
    const clipUrl = String(state.data.state.generated_media.at(-1)?.url);
    expect(clipUrl).toMatch(new RegExp(`^${front.url}/generated/[0-9a-f]+\\.mp4$`));
    const clip = new Uint8Array(await (await fetch(clipUrl)).arrayBuffer());
    expect(await probe(clip)).toMatchObject({ width: 720, height: 1280, codec: "h264" });
    expect((await audioOf(clip)).stream).toBeUndefined();
    const renderId = `render_${randomUUID()}`;
    const submitted = await fetch(`${front.url}/api/render/proxy/lambda`, {
      method: "POST",
      headers: authHeaders(token),
      body: JSON.stringify({ id: renderId, sessionId, draft, output: { format: "mp4" } }),
    });
    expect(submitted.status).toBe(200);

    let outputUrl: string | undefined;
    for (let i = 0; i < 100 && !outputUrl; i++) {
      const status = (await (
        await fetch(`${front.url}/api/render/proxy/lambda/${renderId}`, { headers: authHeaders(token, false) })
      ).json()) as { data: { status: string; outputUrl?: string } };
      outputUrl = status.data.outputUrl;
      if (!outputUrl) await new Promise((r) => setTimeout(r, 50));
    }
    expect(outputUrl).toBe(`${front.url}/render-result/${renderId}.mp4`);

    const head = await fetch(outputUrl as string, { method: "HEAD" });
    const response = await fetch(outputUrl as string);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Number(head.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(Number(response.headers.get("content-length"))).toBe(bytes.byteLength);
    const info = await probe(bytes);
    expect(info).toMatchObject({ width: 720, height: 1280, codec: "h264" });
    expect(info.seconds).toBeGreaterThan(5);
    expect(info.seconds).toBeLessThan(7);
    // One slide per photo, in upload order: red, then green, then blue (2 s each).
    const [r1, g1, b1] = await frameColour(bytes, 1);
    const [r2, g2, b2] = await frameColour(bytes, 3);
    const [r3, g3, b3] = await frameColour(bytes, 5);
    expect(r1).toBeGreaterThan(Math.max(g1 ?? 0, b1 ?? 0));
    expect(g2).toBeGreaterThan(Math.max(r2 ?? 0, b2 ?? 0));
    expect(b3).toBeGreaterThan(Math.max(r3 ?? 0, g3 ?? 0));
    // The authenticated download route serves the same file; the web chat finds it by Telegram's sha256.
    const download = await fetch(`${front.url}/api/render/proxy/${renderId}/download`, {
      headers: authHeaders(token, false),
    });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(front.videoBySha256(sha)?.byteLength).toBe(bytes.byteLength);
    // The simulator still decides who may download.
    expect((await fetch(`${front.url}/api/render/proxy/${renderId}/download`)).status).toBe(401);
  });

  it("passes the simulator's faults through: a reset stays a reset", async () => {
    sim.fault("credits", { reset: true });
    const { token } = await acquireToken(front.url, randomUUID());
    await expect(
      fetch(`${front.url}/api/credits/balance/simple`, { headers: authHeaders(token, false) }),
    ).rejects.toThrow();
  });
});
