/**
 * The whole bot on one machine with no accounts (`npm start`): the Worker in workerd (`wrangler dev`, local
 * KV and Durable Objects), the NemoVideo simulator behind a front that renders real MP4s, the Telegram Bot
 * API fake, all wired together (webhook secret and commands registered through `npm run setup`'s code), and
 * a local web chat that looks and behaves like a Telegram chat.
 *
 *   npm start [-- --port 3000 --worker-port 8787 --sim-port 9101 --fake-port 9102 --time-scale 0.1]
 *
 * Tests start the same stack through `startLocalStack()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type NemoSim, startNemoSim } from "../sim/nemo/index";
import { type RenderFront, startRenderFront } from "../sim/render-mp4/index";
import { startTelegramFake, type TelegramFake } from "../sim/telegram/index";
import { startWebChat, type WebChat } from "../web/server";
import { isRealBotToken, parseFlags, readDevVars, runSetup, stringFlag } from "./setup";

/** Anonymous tokens the local simulator gives 127.0.0.1 (the real cap is about 10 per address per 7 days). */
const LOCAL_TOKEN_IP_CAP = 1000;
/** Credits a new local (simulated) account starts with; said when the stack is ready. */
const LOCAL_CREDITS = 2_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Waits that keep the demo humane: a render is polled every 3 s, an album settles in 1.2 s. */
export const LOCAL_WAITS: Record<string, string> = {
  RENDER_POLL_INTERVAL_MS: "3000",
  STILL_WORKING_INTERVAL_MS: "20000",
  RATE_LIMIT_WAIT_MS: "3000",
  STATE_RECHECK_MS: "3000",
  ALBUM_SETTLE_MS: "1200",
  WATCHDOG_INTERVAL_MS: "5000",
  TELEGRAM_MAX_RETRY_AFTER_S: "10",
};

export const DEFAULT_PORTS = { web: 3000, worker: 8787, sim: 9101, fake: 9102 };

// ---------- wrangler dev ----------

export interface WranglerOptions {
  port: number;
  ip?: string;
  persistTo?: string;
  /** `--var NAME:value` bindings (they win over wrangler.toml). */
  vars?: Record<string, string>;
  /** Load these env files instead of `.dev.vars` (an empty file keeps .dev.vars' real secrets out). */
  envFiles?: string[];
  /** Every output line of wrangler, without trailing newline. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface Wrangler {
  url: string;
  child: ChildProcess;
  /** The last lines wrangler printed, for error messages. */
  output(): string;
  /** SIGINT to wrangler's process group (it takes ~1.5 s to shut workerd down), SIGKILL after 8 s. */
  stop(): Promise<void>;
}

/** Starts `wrangler dev` in its own process group and resolves once the Worker answers HTTP. */
export async function startWrangler(options: WranglerOptions): Promise<Wrangler> {
  const ip = options.ip ?? "127.0.0.1";
  const url = `http://${ip}:${options.port}`;
  const args = [
    join(root, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--port",
    String(options.port),
    "--ip",
    ip,
    "--persist-to",
    options.persistTo ?? ".wrangler/state",
    "--show-interactive-dev-session=false",
  ];
  for (const file of options.envFiles ?? []) args.push("--env-file", file);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true, // its own process group: Ctrl-C in the terminal reaches us, and we stop it in order
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_HIDE_BANNER: "true",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
    },
  });
  const lines: string[] = [];
  let buildFailed = false;
  const onData = (chunk: Buffer) => {
    for (const raw of chunk.toString("utf8").split(/\r?\n/)) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour codes
      const line = raw.replace(/\u001b\[[0-9;]*m/g, "").trimEnd();
      if (!line) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (/Build failed|Could not resolve|ERROR/.test(line)) buildFailed = true;
      options.log?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolvePromise) => child.once("exit", (code) => resolvePromise(code)));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const group = -child.pid;
      try {
        process.kill(group, "SIGINT");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(group, "SIGKILL");
        } catch {
          // already gone
        }
      }, 8000);
      await exited;
      clearTimeout(timer);
      // workerd may outlive wrangler by a moment; make sure nothing of the group is left.
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // the group is empty
      }
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  let warnedBuild = false;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with code ${child.exitCode}:\n${lines.slice(-25).join("\n")}`);
    }
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response) {
      await response.arrayBuffer().catch(() => undefined);
      break;
    }
    if (buildFailed && !warnedBuild) {
      warnedBuild = true;
      options.log?.("⚠ The Worker does not build yet; wrangler keeps watching src/ and retries on every change.");
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer on ${url} in time:\n${lines.slice(-25).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, child, output: () => lines.join("\n"), stop };
}

// ---------- the whole stack ----------

export interface LocalStackOptions {
  /** Web chat port (0: a free one). */
  webPort?: number;
  /** Web chat address; 0.0.0.0 to open it to the network. */
  webHost?: string;
  workerPort?: number;
  /** Where the Worker sees NemoVideo (the render front; the simulator itself takes a free port). */
  simPort?: number;
  fakePort?: number;
  /** Multiplies the simulator's delays (1 = as slow as NemoVideo; default 0.1). */
  timeScale?: number;
  /** Durable Object and KV storage of wrangler dev. */
  persistTo?: string;
  /** Keep storage from the previous run (default: start clean, since the simulator and fake start empty). */
  keepState?: boolean;
  /** Worker variables on top of LOCAL_WAITS (e.g. shrunk waits in tests). */
  vars?: Record<string, string>;
  log?: (line: string) => void;
  /** Worker output lines (default: `log` with a "[worker]" prefix). */
  workerLog?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface LocalStack {
  webUrl: string;
  workerUrl: string;
  nemo: NemoSim;
  front: RenderFront;
  telegram: TelegramFake;
  web: WebChat;
  worker: Wrangler;
  webhookSecret: string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (for wrangler dev, which cannot report the port it picked). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once("error", () => resolvePromise(true));
    server.listen(port, host, () => server.close(() => resolvePromise(false)));
  });
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const workerLog = options.workerLog ?? ((line: string) => log(`[worker] ${line}`));
  const workerPort = options.workerPort ?? DEFAULT_PORTS.worker;
  if (await portInUse(workerPort)) {
    throw new Error(`Port ${workerPort} (the Worker) is in use; pick another with --worker-port.`);
  }
  const persistTo = resolve(root, options.persistTo ?? ".wrangler/local-state");
  if (!options.keepState) rmSync(persistTo, { recursive: true, force: true });
  mkdirSync(persistTo, { recursive: true });

  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    // Every local chat calls from 127.0.0.1, so the service's 10-per-address cap would stop a long local
    // session after ten chats; the local stack raises it (and says so at start).
    const nemo = await startNemoSim({
      timeScale: options.timeScale ?? 0.1,
      renderBytes: 64 * 1024,
      tokenIpCap: LOCAL_TOKEN_IP_CAP,
      // The real service gives 100 (one generation); a local session of trying things needs more.
      initialCredits: LOCAL_CREDITS,
    });
    cleanups.push(() => nemo.close());
    let web: WebChat | undefined;
    const front = await startRenderFront({
      upstream: nemo.url,
      port: options.simPort ?? DEFAULT_PORTS.sim,
      lookupImage: (hash) => web?.uploadBySha256(hash),
      onError: (error) => log(`[render] ${error instanceof Error ? error.message : String(error)}`),
    });
    cleanups.push(() => front.close());
    const telegram = await startTelegramFake({ port: options.fakePort ?? DEFAULT_PORTS.fake });
    cleanups.push(() => telegram.close());
    web = await startWebChat({
      telegram,
      port: options.webPort ?? DEFAULT_PORTS.web,
      ...(options.webHost ? { host: options.webHost } : {}),
      videoBySha256: (sha) => front.videoBySha256(sha),
      log,
    });
    cleanups.push(() => (web as WebChat).close());

    // An empty env file instead of .dev.vars: real secrets there (a BOT_TOKEN, a NEMO_TOKEN) stay out.
    const envDir = mkdtempSync(join(tmpdir(), "local-stack-"));
    const envFile = join(envDir, "empty.env");
    writeFileSync(envFile, "# the local stack passes every setting with --var\n");
    cleanups.push(async () => rmSync(envDir, { recursive: true, force: true }));
    const webhookSecret = `local-${randomBytes(16).toString("hex")}`;
    const worker = await startWrangler({
      port: workerPort,
      persistTo,
      envFiles: [envFile],
      vars: {
        BOT_TOKEN: telegram.token,
        WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        NEMO_API_BASE: front.url,
        BOT_INFO: JSON.stringify(telegram.botInfo),
        ...LOCAL_WAITS,
        ...options.vars,
      },
      log: workerLog,
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
    cleanups.push(() => worker.stop());

    // The same code as `npm run setup`: webhook with secret and allowed_updates, commands in en and zh.
    await runSetup({
      apiRoot: telegram.apiRoot,
      token: telegram.token,
      url: worker.url,
      secret: webhookSecret,
      log: () => {},
    });

    let closing: Promise<void> | undefined;
    return {
      webUrl: web.url,
      workerUrl: worker.url,
      nemo,
      front,
      telegram,
      web,
      worker,
      webhookSecret,
      close: () => {
        closing ??= cleanup();
        return closing;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// ---------- npm start ----------

const USAGE = `Usage: npm start [-- options]

Runs the bot locally with no accounts and prints the URL of a web chat that behaves like Telegram.

  --port <n>         Web chat port (default 3000, env WEB_PORT)
  --host <addr>      Web chat address (default 127.0.0.1; 0.0.0.0 to reach it from other machines)
  --worker-port <n>  wrangler dev port (default 8787, env WORKER_PORT)
  --sim-port <n>     NemoVideo simulator port (default 9101, env NEMO_SIM_PORT)
  --fake-port <n>    Telegram Bot API fake port (default 9102, env TELEGRAM_FAKE_PORT)
  --time-scale <x>   Speed of the simulated NemoVideo (default 0.1: a generation takes ~10-30 s)
  --keep-state       Keep the Worker's storage from the last run
  --persist-to <dir> Where wrangler dev keeps it (default .wrangler/local-state)
  --local            Run locally even when .dev.vars holds a real BOT_TOKEN
  --verbose          Show wrangler's output`;

const numberOption = (flags: ReturnType<typeof parseFlags>, flag: string, env: string, fallback: number) => {
  const raw = stringFlag(flags, flag) ?? process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--${flag} must be a port number`);
  return value;
};

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const devVars = readDevVars(stringFlag(flags, "dev-vars") ?? join(root, ".dev.vars"));
  if (isRealBotToken(devVars.BOT_TOKEN) && !flags.local) {
    console.log(
      [
        ".dev.vars holds a real BOT_TOKEN, so you have a Telegram bot of your own.",
        "",
        "  • Talk to it in Telegram, with this machine's Worker answering (no public URL needed):",
        "      npm run dev:poll",
        "  • Or try everything locally in a web chat anyway (the token is not used):",
        "      npm start -- --local",
      ].join("\n"),
    );
    return 0;
  }
  const verbose = flags.verbose === true;
  const log = (line: string) => console.log(line);
  const controller = new AbortController();
  let stack: LocalStack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      console.log("Forced exit.");
      process.exit(1);
    }
    stopping = true;
    controller.abort();
    console.log("\nStopping the local stack…");
    await stack?.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  console.log("Starting the local stack (NemoVideo simulator, Telegram fake, Worker in wrangler dev)…");
  const started = Date.now();
  try {
    stack = await startLocalStack({
      webPort: numberOption(flags, "port", "WEB_PORT", DEFAULT_PORTS.web),
      ...(stringFlag(flags, "host") ? { webHost: stringFlag(flags, "host") as string } : {}),
      workerPort: numberOption(flags, "worker-port", "WORKER_PORT", DEFAULT_PORTS.worker),
      simPort: numberOption(flags, "sim-port", "NEMO_SIM_PORT", DEFAULT_PORTS.sim),
      fakePort: numberOption(flags, "fake-port", "TELEGRAM_FAKE_PORT", DEFAULT_PORTS.fake),
      timeScale: Number(stringFlag(flags, "time-scale") ?? 0.1),
      keepState: flags["keep-state"] === true,
      ...(stringFlag(flags, "persist-to") ? { persistTo: stringFlag(flags, "persist-to") as string } : {}),
      log,
      workerLog: (line) => {
        if (verbose || /error|exception|uncaught|✘|⚠/i.test(line)) console.log(`[worker] ${line}`);
      },
    });
  } catch (error) {
    if (stopping) return 0;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\n✗ The local stack could not start: ${message}`);
    if (/EADDRINUSE/.test(message))
      console.error("  A port is taken; choose others with --port, --worker-port, --sim-port, --fake-port.");
    return 1;
  }
  if (stopping) return 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      "",
      `Ready in ${seconds} s. Open the web chat:`,
      "",
      `    ${stack.webUrl}`,
      "",
      `  Worker (wrangler dev)       ${stack.workerUrl}   webhook ${stack.workerUrl}/telegram/webhook`,
      `  NemoVideo simulator         ${stack.front.url}   (real MP4 renders; control: ${stack.nemo.url}/__sim/…)`,
      `                              anonymous tokens: ${LOCAL_TOKEN_IP_CAP} per address (the real service allows about 10 per 7 days)`,
      `  Telegram Bot API fake       ${stack.telegram.apiRoot}   bot @${stack.telegram.botInfo.username}`,
      "",
      `Local accounts start with ${LOCAL_CREDITS.toLocaleString("en-US")} credits (the real service gives 100; a generation costs about 100, an edit about 50).`,
      "Send a few photos with “turn my photos into a 30-second TikTok with trending music and captions”.",
      "Press Ctrl-C to stop everything.",
    ].join("\n"),
  );
  // Keep running until Ctrl-C; a Worker that dies is reported.
  stack.worker.child.once("exit", (code) => {
    if (!stopping) {
      console.error(`✗ wrangler dev exited (code ${code}).`);
      void stop(1);
    }
  });
  await new Promise<void>((resolvePromise) => controller.signal.addEventListener("abort", () => resolvePromise()));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
