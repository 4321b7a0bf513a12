import { rmSync } from "node:fs";
import { Miniflare } from "miniflare";
import { type NemoSim, startNemoSim } from "../../sim/nemo/index";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";
import { buildWorker } from "./build-worker";

export const WEBHOOK_SECRET = "e2e-webhook-secret-0123456789abcdef";

/** Waits shrunk for tests: seed-length waits run in milliseconds. */
export const FAST_WAITS = {
  RENDER_POLL_INTERVAL_MS: "300",
  STILL_WORKING_INTERVAL_MS: "400",
  RATE_LIMIT_WAIT_MS: "50",
  SSE_MAX_DURATION_MS: "20000",
  HEARTBEAT_ONLY_TIMEOUT_MS: "8000",
  STATE_RECHECK_MS: "100",
  // Long enough that album items delivered one after another never straddle it on a loaded CI machine.
  ALBUM_SETTLE_MS: "500",
  WATCHDOG_INTERVAL_MS: "300",
  TELEGRAM_MAX_RETRY_AFTER_S: "2",
  // issue 16: retries of answers, transfers and reads after a transport failure, shrunk.
  ANSWER_RETRY_DELAYS_MS: "50,150,400",
  TRANSFER_RETRY_DELAYS_MS: "50,200",
  NEMO_READ_RETRY_DELAYS_MS: "25,100",
  OUTBOX_RETRY_MS: "500",
  // issue 18: a group's message "minute" shrunk to 6 s (the fake's limit below uses the same window).
  GROUP_RATE_WINDOW_MS: "6000",
  GROUP_STATUS_EDIT_MS: "300",
  DRAFT_REFRESH_MS: "1000",
  DRAFT_MIN_INTERVAL_MS: "200",
};

export type StackOptions = {
  nemo?: Parameters<typeof startNemoSim>[0];
  telegram?: Parameters<typeof startTelegramFake>[0];
  vars?: Record<string, string>;
  /** Receives workerd's stdout/stderr (the Worker's console lines), e.g. to scan logs for secrets. */
  onWorkerOutput?: (stream: "stdout" | "stderr", text: string) => void;
};

export type Stack = {
  mf: Miniflare;
  url: string;
  nemo: NemoSim;
  telegram: TelegramFake;
  /**
   * Restarts the Worker (as a deploy does): in-memory state is lost, storage is kept. `whileStopped` runs
   * between the stop and the start, with the folder the Durable Objects persist to (issue 13: a test
   * writes what the previous version stored there).
   */
  restartWorker(whileStopped?: (durableObjectsPersist: string) => Promise<void>): Promise<void>;
  close(): Promise<void>;
};

/**
 * The real Worker bundle in Miniflare (workerd, local KV and Durable Objects) wired to the NemoVideo
 * simulator and the Telegram Bot API fake, with the webhook registered on the fake.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const scriptPath = await buildWorker();
  // Enough credits for long conversations at the spec's costs (~100 a generation, ~50 an edit); tests
  // about running out set the balance themselves.
  const nemo = await startNemoSim({ timeScale: 0.01, initialCredits: 10_000, ...options.nemo });
  const telegram = await startTelegramFake({
    groupRate: { windowMs: Number(FAST_WAITS.GROUP_RATE_WINDOW_MS) },
    ...options.telegram,
  });
  const persistRoot = `${process.cwd()}/dist/e2e-state/${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const makeMiniflare = () =>
    new Miniflare({
      modules: true,
      scriptPath,
      compatibilityDate: "2026-04-01",
      compatibilityFlags: ["nodejs_compat"],
      kvNamespaces: ["CHATS_KV"],
      durableObjects: {
        CHAT: { className: "ChatDurableObject", useSQLite: true },
        STATS: { className: "StatsDurableObject", useSQLite: true },
      },
      kvPersist: `${persistRoot}/kv`,
      durableObjectsPersist: `${persistRoot}/do`,
      cf: false,
      ...(options.onWorkerOutput ? { handleRuntimeStdio: captureStdio(options.onWorkerOutput) } : {}),
      bindings: {
        BOT_TOKEN: telegram.token,
        WEBHOOK_SECRET,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        NEMO_API_BASE: nemo.url,
        SKILL_SOURCE: "tiktok-video-generator-ai",
        SKILL_PLATFORM: "unknown",
        LOG_LEVEL: "warn",
        ...FAST_WAITS,
        ...options.vars,
      },
    });
  let mf = makeMiniflare();
  let url = (await mf.ready).toString().replace(/\/$/, "");
  const registerWebhook = async () => {
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${url}/telegram/webhook`, secret_token: WEBHOOK_SECRET }),
    });
    if (!response.ok) throw new Error(`setWebhook on the fake failed: ${response.status}`);
  };
  await registerWebhook();
  const stack: Stack = {
    get mf() {
      return mf;
    },
    get url() {
      return url;
    },
    nemo,
    telegram,
    async restartWorker(whileStopped) {
      await mf.dispose();
      await whileStopped?.(`${persistRoot}/do`);
      mf = makeMiniflare();
      url = (await mf.ready).toString().replace(/\/$/, "");
      await registerWebhook();
    },
    async close() {
      await mf.dispose();
      await Promise.allSettled([nemo.close(), telegram.close()]);
      // Each stack persists to its own folder (so restartWorker keeps state); nothing needs it afterwards.
      rmSync(persistRoot, { recursive: true, force: true });
    },
  };
  return stack;
}

function captureStdio(onOutput: NonNullable<StackOptions["onWorkerOutput"]>) {
  return (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
    stdout.on("data", (chunk: Buffer) => onOutput("stdout", chunk.toString("utf8")));
    stderr.on("data", (chunk: Buffer) => onOutput("stderr", chunk.toString("utf8")));
  };
}
