import { type Stack, startStack } from "../test/support/stack";
import { BENCH_TOKEN_CAP, mib, rssBytes, sampleRss, until, workerdPids } from "./measure";

export type BigFileResult = {
  sizeMiB: number;
  relayMs: number;
  /** How long before the last byte was read from Telegram the first byte reached NemoVideo. */
  firstByteLeadMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
};

/**
 * A large clip relayed from Telegram's file endpoint into NemoVideo's upload, with the limits of a
 * self-hosted Bot API server (no 20 MB download cap). Streaming is proven by timestamps: the simulator
 * records when the first content byte arrived, the fake when the last byte left. workerd's resident memory
 * (VmRSS from /proc) is sampled every 10 ms during the relay and compared with the idle figure before it.
 */
export async function benchBigFiles(sizesMiB = [24, 96]): Promise<BigFileResult[]> {
  const stack: Stack = await startStack({
    nemo: { uploadMaxBytes: 2 * 1024 * 2 ** 20, tokenIpCap: BENCH_TOKEN_CAP },
    telegram: { downloadLimitBytes: Number.POSITIVE_INFINITY },
    vars: { TELEGRAM_DOWNLOAD_LIMIT_MB: "2000" },
  });
  try {
    const pids = workerdPids();
    if (pids.length === 0) throw new Error("bench: no workerd process found under this Node process");
    const { telegram, nemo } = stack;
    const userId = 6_800_000_001;
    await telegram.deliver(telegram.updates.command("start", { from: { id: userId } }));
    await until(
      () =>
        telegram.calls.some((call) => call.params.chat_id === userId && /Try saying/.test(String(call.params.text))),
      "the greeting",
      20_000,
    );
    const results: BigFileResult[] = [];
    // An unreported 8 MiB relay first, so the one-off growth of a first upload (code compiled, buffers
    // pooled) is not charged to the measured clips.
    for (const [index, sizeMiB] of [8, ...sizesMiB].entries()) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idle = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
      const sampler = sampleRss(pids);
      const size = sizeMiB * 2 ** 20;
      const uploadsBefore = nemo.requests.filter((request) => request.endpoint === "upload").length;
      const started = Date.now();
      await telegram.deliver(telegram.updates.video({ from: { id: userId }, size, fileName: `clip-${sizeMiB}.mp4` }));
      const upload = await until(
        () =>
          nemo
            .sessions()
            .flatMap((id) => nemo.session(id)?.uploads ?? [])
            .find((record) => record.size === size && record.lastByteAt !== undefined),
        `the ${sizeMiB} MiB upload`,
        120_000,
      );
      const { peak } = sampler.stop();
      const download = telegram.fileDownloads.find(
        (record) => record.lastByteAt !== undefined && record.bytesSent === size,
      );
      if (!download?.lastByteAt || upload.firstByteAt === undefined) throw new Error("bench: relay timestamps missing");
      if (nemo.requests.filter((request) => request.endpoint === "upload").length - uploadsBefore !== 1) {
        throw new Error("bench: the clip was not uploaded exactly once");
      }
      if (index === 0) continue;
      results.push({
        sizeMiB,
        relayMs: (upload.lastByteAt ?? Number.NaN) - started,
        firstByteLeadMs: download.lastByteAt - upload.firstByteAt,
        idleRssMiB: mib(idle),
        peakRssMiB: mib(peak),
      });
    }
    return results;
  } finally {
    await stack.close();
  }
}
