import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-stack";
import { DEFAULT_TOKEN } from "../../sim/telegram/index";

/** `npm start` as a person runs it: node scripts/start.mjs, then Ctrl-C. */
function start(args: string[]) {
  const child = spawn(process.execPath, ["scripts/start.mjs", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "" },
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What `npm start` printed by the time it was ready ("Press Ctrl-C"); undefined when it exited or hung first. */
async function ready(run: ReturnType<typeof start>, timeoutMs: number): Promise<string | undefined> {
  let exited = false;
  void run.exited.then(() => {
    exited = true;
  });
  await until(() => exited || run.output().includes("Press Ctrl-C"), timeoutMs).catch(() => {});
  return run.output().includes("Press Ctrl-C") ? run.output() : undefined;
}

/** A port the test picked was free when picked, but another test's server may take it before the stack binds it. */
const portTaken = (output: string) => /EADDRINUSE|is in use/.test(output);

describe("npm start", () => {
  it("starts the whole stack on the chosen ports, prints the web chat's URL, and Ctrl-C stops every process", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "npm-start-"));
    const launch = async () => {
      const ports = { web: await freePort(), worker: await freePort(), sim: await freePort(), fake: await freePort() };
      const run = start([
        "--port",
        String(ports.web),
        "--worker-port",
        String(ports.worker),
        "--sim-port",
        String(ports.sim),
        "--fake-port",
        String(ports.fake),
        "--dev-vars",
        join(scratch, "none"),
        "--persist-to",
        join(scratch, "state"),
      ]);
      return { ports, run, output: await ready(run, 60_000) };
    };
    let launched = await launch();
    for (let attempt = 1; attempt < 3 && launched.output === undefined && portTaken(launched.run.output()); attempt++) {
      launched = await launch();
    }
    const { ports, run } = launched;
    try {
      // Exited or hung before it was ready: the test fails here, with what it printed.
      expect(launched.output, run.output()).toBeDefined();
      expect(run.output()).toContain(`http://127.0.0.1:${ports.web}`);
      const page = await fetch(`http://127.0.0.1:${ports.web}/`);
      expect(await page.text()).toContain("<title>Nemo");
      const health = await fetch(`http://127.0.0.1:${ports.worker}/healthz`);
      expect(health.status).toBeLessThan(500);
      // The webhook is registered on the fake with a secret, the commands too.
      const info = (await (
        await fetch(`http://127.0.0.1:${ports.fake}/bot${DEFAULT_TOKEN}/getWebhookInfo`)
      ).json()) as {
        result: { url: string };
      };
      expect(info.result.url).toBe(`http://127.0.0.1:${ports.worker}/telegram/webhook`);

      const stoppedAt = Date.now();
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGKILL");
      await rm(scratch, { recursive: true, force: true });
    }
  }, 90_000);

  it("with a real BOT_TOKEN in .dev.vars (and no --local), points to npm run dev:poll instead", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "npm-start-"));
    const devVars = join(scratch, ".dev.vars");
    await writeFile(devVars, "BOT_TOKEN=7712345678:AAHk3jx0abcdefghijklmnopqrstuvwx\nWEBHOOK_SECRET=abc\n");
    try {
      const run = start(["--dev-vars", devVars]);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain("real BOT_TOKEN");
      expect(run.output()).toContain("npm run dev:poll");
      expect(run.output()).toContain("npm start -- --local");
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 30_000);
});
