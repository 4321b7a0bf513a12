import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type LocalStack, startLocalStack } from "../../scripts/local-stack";
import { ffmpegPath } from "../../sim/render-mp4/index";

/**
 * The web chat in a real browser (Debian's Chromium driven by playwright-core) against the stack `npm start`
 * runs: the Worker in wrangler dev, the NemoVideo simulator with real MP4 renders, the Telegram fake.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const inCi = Boolean(process.env.CI);
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !inCi) {
  console.warn(
    `Skipping the web chat browser test: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`, ` +
      "or run scripts/ci-install-chromium.sh). In CI this test never skips.",
  );
}

const CAPTION = "turn my photos into a 30-second TikTok with trending music and captions";
const SCREENSHOT = resolve("test-results/web-chat.png");
const PROGRESS_SCREENSHOT = resolve("test-results/web-chat-progress.png");
/** Waits shrunk so the whole conversation takes seconds, not minutes. */
const FAST_WAITS = {
  RENDER_POLL_INTERVAL_MS: "400",
  STILL_WORKING_INTERVAL_MS: "5000",
  RATE_LIMIT_WAIT_MS: "200",
  STATE_RECHECK_MS: "400",
  ALBUM_SETTLE_MS: "400",
  WATCHDOG_INTERVAL_MS: "1000",
  TELEGRAM_MAX_RETRY_AFTER_S: "2",
  LOG_LEVEL: "warn",
};

const run = promisify(execFile);

async function makePhotos(dir: string): Promise<string[]> {
  const colours = ["0xff6b6b", "0x4ecdc4", "0xffd93d"];
  const files: string[] = [];
  for (const [index, colour] of colours.entries()) {
    const file = join(dir, `photo-${index + 1}.jpg`);
    // A 3:4 phone-like photo: a colour field with a test pattern inset, so slides are told apart.
    await run(ffmpegPath(), [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      `color=c=${colour}:s=900x1200`,
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=540x540:rate=1",
      "-filter_complex",
      "[0:v][1:v]overlay=180:330",
      "-frames:v",
      "1",
      file,
    ]);
    files.push(file);
  }
  return files;
}

/**
 * A video message (it has controls); a generation's raw clip preview is an animation (autoplay, looping,
 * no controls), which is not the returned video.
 */
const ROW_VIDEO = ".row.in video[controls]";

describe.skipIf(!hasChromium && !inCi)("the local web chat in Chromium", () => {
  let stack: LocalStack | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let scratch: string;
  const output: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "web-chat-e2e-"));
    stack = await startLocalStack({
      webPort: 0,
      workerPort: await freePort(),
      simPort: 0,
      fakePort: 0,
      timeScale: 0.02,
      persistTo: join(scratch, "wrangler-state"),
      vars: FAST_WAITS,
      log: (line) => output.push(line),
      readyTimeoutMs: 60_000,
    });
    context = await chromium.launchPersistentContext(join(scratch, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 900, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => output.push(`[browser] ${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => output.push(`[browser] page error: ${error.message}`));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 30_000);

  it("sends three photos with a caption, shows progress, and plays the returned video", async () => {
    if (!stack) throw new Error("the stack did not start");
    const seen = new Set<string>();
    const remember = async () => {
      for (const text of await page.locator(".row.in .text").allInnerTexts()) seen.add(text);
    };
    try {
      await page.goto(stack.webUrl);
      await expect.poll(() => page.locator("#chat-title").innerText()).toBe("Nemo");

      await page.setInputFiles("#file-input", await makePhotos(scratch));
      await expect.poll(() => page.locator(".staging-item").count()).toBe(3);
      await page.fill("#text", CAPTION);
      await page.click("#send-button");

      // The album shows as one bubble of three photos with the caption, like in Telegram.
      await expect.poll(() => page.locator(".row.out .media-grid img").count(), { timeout: 10_000 }).toBe(3);
      await expect.poll(() => page.locator(".row.out .text").first().innerText()).toBe(CAPTION);

      // The bot answers; press Export if it asks for it; progress shows until the video arrives.
      let pressedExport = false;
      const deadline = Date.now() + 45_000;
      while ((await page.locator(ROW_VIDEO).count()) === 0) {
        if (Date.now() > deadline) throw new Error(`no video within 45 s; the bot said:\n${[...seen].join("\n---\n")}`);
        await remember();
        const exportButton = page.locator(".kb-button", { hasText: /export/i }).last();
        const rendering = [...seen].some((text) => /render/i.test(text));
        if (!pressedExport && !rendering && (await exportButton.count()) > 0) {
          await exportButton.click();
          pressedExport = true;
        }
        await page.waitForTimeout(150);
      }
      await remember();
      expect([...seen].some((text) => /\d+\s*%|⏳|render/i.test(text))).toBe(true);

      // The <video> plays: metadata loads, it has a duration and a frame size, and time advances.
      const video = page.locator(ROW_VIDEO).last();
      await video.scrollIntoViewIfNeeded();
      const played = await video.evaluate(
        (element: HTMLVideoElement) =>
          new Promise<{ duration: number; width: number; height: number; advanced: number; error?: string }>(
            (resolvePromise) => {
              const finish = async () => {
                element.muted = true;
                try {
                  await element.play();
                } catch (error) {
                  return resolvePromise({
                    duration: element.duration,
                    width: element.videoWidth,
                    height: element.videoHeight,
                    advanced: 0,
                    error: String(error),
                  });
                }
                setTimeout(() => {
                  element.pause();
                  element.currentTime = Math.min(1, element.duration / 2);
                  resolvePromise({
                    duration: element.duration,
                    width: element.videoWidth,
                    height: element.videoHeight,
                    advanced: element.currentTime,
                  });
                }, 800);
              };
              if (element.readyState >= 1) void finish();
              else element.addEventListener("loadedmetadata", () => void finish(), { once: true });
              element.addEventListener("error", () =>
                resolvePromise({
                  duration: 0,
                  width: 0,
                  height: 0,
                  advanced: 0,
                  error: String(element.error?.message),
                }),
              );
            },
          ),
      );
      expect(played.error).toBeUndefined();
      expect(played.duration).toBeGreaterThan(0);
      expect(played).toMatchObject({ width: 720, height: 1280 });
      expect(played.advanced).toBeGreaterThan(0);
      await page.waitForTimeout(300);
    } finally {
      await mkdir("test-results", { recursive: true });
      // Tall enough to show the whole conversation: album, progress, answers and the video.
      await page.setViewportSize({ width: 900, height: 1700 }).catch(() => undefined);
      await page.waitForTimeout(200);
      await page.screenshot({ path: SCREENSHOT, fullPage: false }).catch(() => undefined);
      await page.setViewportSize({ width: 900, height: 1000 }).catch(() => undefined);
      if (process.env.WEB_CHAT_DEBUG) console.log([...output, "--- the bot said:", ...seen].join("\n"));
    }
  }, 60_000);

  it("switches to the group chat, where a typed @mention reaches the bot as a mention", async () => {
    if (!stack) throw new Error("the stack did not start");
    await page.click("#tab-group");
    await expect.poll(() => page.locator("#chat-title").innerText()).toBe("Video Makers");
    await page.fill("#text", "@nemo_test_bot make it bigger");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".row.out .text .mention").count(), { timeout: 10_000 }).toBe(1);
    const group = stack.telegram.chat(-4_123_456_789);
    const sent = group.messages.find((m) => m.text === "@nemo_test_bot make it bigger");
    expect(sent?.entities).toEqual([{ type: "mention", offset: 0, length: 14 }]);
  }, 20_000);

  it("shows the bot's reaction, its live draft as a grey bubble and the Stop button while a turn runs", async () => {
    if (!stack) throw new Error("the stack did not start");
    await page.click("#tab-private");
    await expect.poll(() => page.locator("#chat-title").innerText()).toBe("Nemo");
    const adk = (text: string, partial = false) => ({
      author: "nemo_agent",
      ...(partial ? { partial: true } : {}),
      content: { role: "model", parts: [{ text }] },
    });
    // A slow answer written in three pieces (simulated ms, time-scaled 0.02): about 6 s in all. Scripted for
    // the private chat's project (the one the album made), not the group's.
    const sessionId = stack.nemo.sessions().find((id) => stack?.nemo.session(id)?.turns.includes(CAPTION));
    expect(sessionId).toBeDefined();
    stack.nemo.scriptTurn({
      sessionId,
      events: [
        { delayMs: 50_000, event: adk("Here is the plan: ", true) },
        { delayMs: 75_000, event: adk("a bright opening, three quick cuts, ", true) },
        { delayMs: 75_000, event: adk("and a calm ending.", true) },
        { delayMs: 100_000, event: adk("Here is the plan: a bright opening, three quick cuts, and a calm ending.") },
      ],
    });
    await page.fill("#text", "plan a video for me");
    await page.keyboard.press("Enter");
    try {
      await expect.poll(() => page.locator(".row.out .reaction").last().innerText(), { timeout: 10_000 }).toBe("👀");
      await expect
        .poll(() => page.locator(".row.draft .text").innerText(), { timeout: 10_000 })
        .toContain("a bright opening");
      await expect.poll(() => page.locator(".kb-button", { hasText: "Stop" }).count()).toBeGreaterThan(0);
      await mkdir("test-results", { recursive: true });
      await page.screenshot({ path: PROGRESS_SCREENSHOT, fullPage: false });
      // The real message replaces the draft, the reaction turns 👌 and the Stop button goes away.
      await expect.poll(() => page.locator(".row.draft").count(), { timeout: 15_000 }).toBe(0);
      await expect.poll(() => page.locator(".row.out .reaction").last().innerText(), { timeout: 10_000 }).toBe("👌");
      await expect.poll(() => page.locator(".kb-button", { hasText: "Stop" }).count()).toBe(0);
    } finally {
      if (process.env.WEB_CHAT_DEBUG) console.log(output.join("\n"));
    }
  }, 40_000);
});
