import { execFileSync } from "node:child_process";
import { setMaxListeners } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type AckResult, benchAck } from "./ack";
import { type BigFileResult, benchBigFiles } from "./big-file";
import { type BundleResult, benchBundle } from "./bundle";
import { benchFirstSign, type FirstSignResult, firstSignSection } from "./first-sign";
import { benchManyChats, type ManyChatsResult } from "./many-chats";
import { machine, round } from "./measure";
import { benchRelay, type RelayResult } from "./relay";
import { benchRenderDelay, type RenderDelayResult, SCALE } from "./render-delay";

/**
 * `npm run bench`: every benchmark, one after another on this machine, then BENCHMARKS.md rewritten with the
 * figures. Each benchmark starts its own Worker (workerd via Miniflare) wired to the simulators.
 */
setMaxListeners(1_000);

const started = Date.now();
/** `npm run bench -- --only first-sign` runs one section and replaces only it in BENCHMARKS.md. */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
  const at = Date.now();
  process.stdout.write(`bench: ${name}… `);
  const result = await run();
  console.log(`${((Date.now() - at) / 1000).toFixed(1)} s`);
  return result;
};

if (only === "first-sign") {
  const result = await step("first visible sign with NemoVideo stalled", () => benchFirstSign());
  const file = resolve(import.meta.dirname, "../BENCHMARKS.md");
  const current = readFileSync(file, "utf8");
  const section = firstSignSection(result);
  const at = current.indexOf("## 7. First visible sign");
  writeFileSync(file, at === -1 ? `${current.trimEnd()}\n\n${section}` : `${current.slice(0, at)}${section}`);
  console.log(section);
  process.exit(0);
}

if (only === "many-chats") {
  // Issue 16 asks for the burst three times in a row: each run prints its row, kept by hand in BENCHMARKS.md.
  const many = await step("200 chats at once", () => benchManyChats());
  console.log(JSON.stringify({ many }));
  process.exit(0);
}

const bundle = await step("bundle size", benchBundle);
const ack = await step("webhook acknowledgement with NemoVideo stalled", () => benchAck());
const relay = await step("SSE → sendMessage relay latency", () => benchRelay());
const render = await step("render completion → video in chat", () => benchRenderDelay());
const big = await step("large-file relay and workerd memory", () => benchBigFiles());
const many = await step("200 chats at once", () => benchManyChats());
const firstSign = await step("first visible sign with NemoVideo stalled", () => benchFirstSign());
const totalS = (Date.now() - started) / 1000;

const file = resolve(import.meta.dirname, "../BENCHMARKS.md");
writeFileSync(file, report({ bundle, ack, relay, render, big, many, firstSign, totalS }));
console.log(`bench: wrote ${file} (${totalS.toFixed(0)} s)`);
process.exit(0);

function report(r: {
  bundle: BundleResult;
  ack: AckResult;
  relay: RelayResult;
  render: RenderDelayResult;
  big: BigFileResult[];
  many: ManyChatsResult;
  firstSign: FirstSignResult;
  totalS: number;
}): string {
  const ms = (value: number) => `${round(value, value < 10 ? 2 : 0)} ms`;
  const kib = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
  const real = (scaledMs: number) => `${round((scaledMs * SCALE) / 1000, 1)} s`;
  const { ack, relay, render, big, many, bundle } = r;
  return `# Benchmarks

Produced by \`npm run bench\` (bench/run.ts) — every figure below comes from one run on one machine; rerun to
refresh. Each benchmark runs the real Worker bundle in workerd (Miniflare) against the NemoVideo simulator
and the Telegram fake on 127.0.0.1, so network time is loopback time and all chats share one workerd process.

- **Date**: ${new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC")}
- **Machine**: ${machine()}
- **Code**: ${revision()}
- **Run time**: ${round(r.totalS, 0)} s

## 1. Webhook acknowledgement while NemoVideo is stalled

Every simulator endpoint waits 60 s before answering (fault \`delayMs: 60000\` on \`*\`), and each of the
${ack.chats} chats' Durable Objects is already stuck in a NemoVideo call. ${ack.samples} updates routed to those
objects alternate with ${ack.samples} \`GET /healthz\` of the same Worker, one request at a time.

| | p50 | p99 |
|---|---|---|
| \`POST /telegram/webhook\` → Durable Object \`accept\` | ${ms(ack.webhook.p50)} | ${ms(ack.webhook.p99)} |
| \`POST /telegram/webhook\`, update without a chat (edge only: secret, parse, 200) | ${ms(ack.edgeOnly.p50)} | ${ms(ack.edgeOnly.p99)} |
| \`GET /healthz\` (same Worker, no Durable Object) | ${ms(ack.healthz.p50)} | ${ms(ack.healthz.p99)} |
| **ratio** (goal ≤ 1.5×) | **${round(ack.ratioP50, 2)}×** | **${round(ack.ratioP99, 2)}×** |

The acknowledgement does not wait for NemoVideo (it is milliseconds while every backend call hangs for 60 s),
but it costs ${round(ack.ratioP50, 1)}× a bare health check at p50. Two costs sit on the acknowledgement path by
design: the RPC to the chat's Durable Object (measured alone at about 1.45× /healthz on this machine) and one
durable write of the inbox and seen list (about 0.4-0.5 ms more in local workerd), so a redelivered update is
recognised and nothing is lost if the instance dies; handling the update starts only after the answer. With
that write, about 2× is the floor here. ${
    ack.ratioP50 <= 1.5 ? "The goal is met." : "**The 1.5× goal is not met** on this machine."
  }

## 2. Relay latency: SSE text event → sendMessage

${relay.turns} scripted agent turns of ${relay.events / relay.turns} text events 30 ms apart. Start = the moment
the simulator serialises the event onto the SSE stream; end = the moment the bot's \`sendMessage\` with that text
reaches the Telegram fake (same process clock, 1 ms resolution).

| events | p50 | p99 | max |
|---|---|---|---|
| ${relay.events} | ${ms(relay.p50)} | ${ms(relay.p99)} | ${ms(relay.max)} |

## 3. Render completion → video in the chat, and status requests per render

${render.renders} renders of random length 30–90 s, time-scaled 1/${SCALE} (\`RENDER_POLL_INTERVAL_MS=${30_000 / SCALE}\`,
renders ${30_000 / SCALE}–${90_000 / SCALE} ms; 4 chats at a time, full photo → video flow). Delay = render completion (simulator clock)
→ last byte of the \`sendVideo\` upload at the fake. **Fixed 30 s polling is simulated exactly** from the same
recorded renders (polls at submit + k·30 s until one sees the render complete) plus the delivery time measured
for that render; it is not a second run. Seed-time equivalents (×${SCALE}, delivery included, so conservative) in
brackets. Goal (issue 15): mean ≤ 3 s, p99 ≤ 8 s, status requests per render ≤ fixed polling's.

| schedule | delay p50 | delay p99 | delay mean | status requests per render |
|---|---|---|---|---|
| the bot (poll near the predicted finish, ≤ 30 s apart) | ${ms(render.adaptive.delayP50)} (${real(render.adaptive.delayP50)}) | ${ms(render.adaptive.delayP99)} (${real(render.adaptive.delayP99)}) | ${ms(render.adaptive.delayMean)} (${real(render.adaptive.delayMean)}) | ${round(render.adaptive.pollsMean, 2)} |
| fixed 30 s polling | ${ms(render.fixed.delayP50)} (${real(render.fixed.delayP50)}) | ${ms(render.fixed.delayP99)} (${real(render.fixed.delayP99)}) | ${ms(render.fixed.delayMean)} (${real(render.fixed.delayMean)}) | ${round(render.fixed.pollsMean, 2)} |
| **ratio** (bot / fixed) | **${round(render.adaptive.delayP50 / render.fixed.delayP50, 2)}×** | **${round(render.adaptive.delayP99 / render.fixed.delayP99, 2)}×** | **${round(render.adaptive.delayMean / render.fixed.delayMean, 2)}×** | **${round(render.adaptive.pollsMean / render.fixed.pollsMean, 2)}×** |

**Delay goal (mean ≤ 3 s, p99 ≤ 8 s seed time): ${(render.adaptive.delayMean * SCALE) / 1000 <= 3 && (render.adaptive.delayP99 * SCALE) / 1000 <= 8 ? "met" : "not met"}; request goal
(≤ fixed polling): ${render.adaptive.pollsMean <= render.fixed.pollsMean ? "met" : "not met"}.** Where the delay goes, per render in seed time: the delivery itself (download
from NemoVideo + upload to Telegram, measured per render, 0.5–5 s, median about 1.5 s on this machine) and the
poll landing after completion. The prediction extrapolates the progress line from the submit's reading to 100
and polls 20 % of the predicted remainder plus 1 s late, because an early poll costs a whole extra request and
the budget (no more requests than fixed polling, on average) leaves no room for one. On the 4,000 modelled
renders of test/workers/render-schedule.test.ts the margin trades two progress shapes against each other: with
the simulator's (linear, ±3 points of noise) no margin would give about 3.8 s mean, but on progress that bends by
±10 % the same setting makes 9 % more requests than fixed polling. Not measured here: each bench chat renders
once, so the prior from the chat's previous render (with AUTO_EXPORT a chat renders edit after edit of one video)
never applies; modelled in the same test (one 15 s video, 24 s ± 2 s): 4.5 s mean after the finish with one
request each, against 6 s for fixed polling with the same one request.

## 4. Large-file relay (Telegram → NemoVideo) and workerd memory

Self-hosted Bot API limits (\`TELEGRAM_DOWNLOAD_LIMIT_MB=2000\`, fake without the 20 MB cap). A clip is sent;
the bot streams it from the file endpoint into the multipart upload. "Lead" = how long before the **last** byte
was read from Telegram the **first** byte had already reached NemoVideo. Memory = VmRSS of the workerd process
(/proc, sampled every 10 ms) just before the relay and its peak during it.

| clip | relay time | first byte forwarded before last byte read | workerd RSS idle → peak | growth |
|---|---|---|---|---|
${big
  .map(
    (b) =>
      `| ${b.sizeMiB} MiB | ${ms(b.relayMs)} | ${b.firstByteLeadMs > 0 ? "yes" : "**no**"}, ${ms(b.firstByteLeadMs)} earlier | ${round(b.idleRssMiB, 1)} → ${round(b.peakRssMiB, 1)} MiB | ${round(b.peakRssMiB - b.idleRssMiB, 1)} MiB (${round(((b.peakRssMiB - b.idleRssMiB) / b.sizeMiB) * 100, 0)} % of the clip) |`,
  )
  .join("\n")}

An unreported 8 MiB relay runs first so one-off growth (code compiled, buffers pooled) is not charged to the
first measured clip. Memory that grew with the clip would show as growth proportional to its size.

## 5. ${many.chats} chats running the full photos → video flow at once (one local workerd)

Each of ${many.chats} people sends an album of 2 photos with the instruction at the same moment (album settle
${many.albumSettleMs} ms, the production default). Delivered = exactly one video, and no turn, upload or visible
text twice; lost = no video by the end; duplicated = anything done twice.

| delivered | lost | duplicated | wall time (first POST → last video) | per chat p50 / p99 | turns | uploads | albums split into 2 batches | webhook ack during the burst p50 / p99 | webhook answers not 2xx |
|---|---|---|---|---|---|---|---|---|---|
| **${many.delivered}** | **${many.lost}** | **${many.duplicated}** | ${round(many.wallMs / 1000, 1)} s | ${round(many.perChatP50 / 1000, 1)} s / ${round(many.perChatP99 / 1000, 1)} s | ${many.turns} | ${many.uploads} | ${many.splitAlbums} | ${ms(many.ackP50)} / ${ms(many.ackP99)} | **${many.webhookNot2xx}** (${many.redelivered} updates redelivered) |
${many.timedOut ? "\n**The run hit its time limit before every chat had a video.**\n" : ""}
All ${many.chats} chats' objects, uploads, SSE streams and renders run in one single-threaded workerd process on
this machine, so the acknowledgement during the burst waits for CPU behind that work; on Cloudflare each
Durable Object runs on its own isolate and the edge Worker is not queued behind them.

## 6. Bundle size

\`wrangler deploy --dry-run --outdir\`, then gzip (zlib level 9) of the emitted JavaScript. The baseline is
bench/minimal-worker: Hono + grammY's webhookCallback echoing text, built by the same wrangler in the same run.

| Worker | raw | gzip |
|---|---|---|
| the bot (src/index.ts) | ${kib(bundle.botRaw)} | ${kib(bundle.botGzip)} |
| minimal grammY + Hono | ${kib(bundle.minimalRaw)} | ${kib(bundle.minimalGzip)} |
| **ratio** | ${round(bundle.botRaw / bundle.minimalRaw, 2)}× | **${round(bundle.ratio, 2)}×** |

Cloudflare's limits are 3 MiB gzip (Free) and 10 MiB (Paid): the bot uses ${round((bundle.botGzip / (3 * 2 ** 20)) * 100, 1)} % of the Free limit.

${firstSignSection(r.firstSign)}`;
}

/** The commit measured, and whether src/ had uncommitted changes at the time. */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--", "src").length > 0;
    return `commit ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}
