import { readdirSync, readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";

/** Helpers shared by the benchmarks: percentiles, workerd's memory, the machine's description. */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

export const round = (value: number, digits = 1) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)).toLocaleString("en-US") : "n/a";

export function machine(): string {
  const cpu = cpus();
  return [
    `${type()} ${release()}`,
    `${cpu[0]?.model.trim() ?? "unknown CPU"} × ${cpu.length} cores`,
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    `Node ${process.version}`,
  ].join(" · ");
}

/** The workerd processes this Node process started (Miniflare spawns workerd as a direct child). */
export function workerdPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so split after the closing parenthesis.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.includes("workerd")) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** Resident set size of a process in bytes (VmRSS), or 0 once it has gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of the given processes every `everyMs` until stopped; returns the peak of their sum. */
export function sampleRss(pids: number[], everyMs = 10): { stop(): { peak: number; samples: number } } {
  let peak = 0;
  let samples = 0;
  const take = () => {
    const total = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    peak = Math.max(peak, total);
    samples++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, samples };
    },
  };
}

export const mib = (bytes: number) => bytes / 2 ** 20;

export async function until<T>(
  probe: () => T | undefined | false,
  label: string,
  timeoutMs: number,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A seeded PRNG (mulberry32), so the random render lengths are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The simulator's per-address anonymous-token cap for benchmarks: every bench chat calls from 127.0.0.1,
 * and the real cap (about 10 per address per 7 days) would turn a load test into a test of the cap.
 */
export const BENCH_TOKEN_CAP = 100_000;
