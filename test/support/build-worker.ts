import { mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let built: Promise<string> | undefined;

/**
 * Bundles the Worker the way wrangler does (workerd conditions, ESM, cloudflare:* external), once per
 * test process, so the end-to-end tests exercise the real bundle in Miniflare. The entry is the
 * production one with the chat object's test subclass in its place (worker/entry.ts). Each test process writes
 * its own file: several run at once, and one must never load a bundle another is halfway through writing.
 */
export function buildWorker(): Promise<string> {
  built ??= (async () => {
    const outfile = resolve(root, `dist/e2e/index-${process.pid}.js`);
    mkdirSync(dirname(outfile), { recursive: true });
    process.once("exit", () => rmSync(outfile, { force: true }));
    await build({
      entryPoints: [resolve(root, "test/support/worker/entry.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      external: ["cloudflare:*", "node:*"],
      logLevel: "warning",
    });
    return outfile;
  })();
  return built;
}
