import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export type BundleResult = { botRaw: number; botGzip: number; minimalRaw: number; minimalGzip: number; ratio: number };

const root = resolve(import.meta.dirname, "..");

/**
 * The Worker bundle as wrangler ships it (`wrangler deploy --dry-run --outdir`), gzipped (zlib level 9), next
 * to a minimal grammY + Hono Worker (bench/minimal-worker) built the same way in the same run.
 */
export function benchBundle(): BundleResult {
  const bot = build("bot", []);
  const minimal = build("minimal", ["--config", join(root, "bench/minimal-worker/wrangler.toml")]);
  return {
    botRaw: bot.raw,
    botGzip: bot.gzip,
    minimalRaw: minimal.raw,
    minimalGzip: minimal.gzip,
    ratio: bot.gzip / minimal.gzip,
  };
}

function build(name: string, extra: string[]): { raw: number; gzip: number } {
  const outdir = join(root, "dist/bench", name);
  rmSync(outdir, { recursive: true, force: true });
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir, ...extra], {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const scripts = readdirSync(outdir).filter((file) => file.endsWith(".js"));
  if (scripts.length === 0) throw new Error(`bench: wrangler wrote no JavaScript for ${name}`);
  const bytes = Buffer.concat(scripts.map((file) => readFileSync(join(outdir, file))));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
