import { describe, expect, it } from "vitest";
import {
  estimateRenderMs,
  firstPollFromPrior,
  nextPollDelay,
  type PollScheduleInput,
} from "../../src/chat/renders/schedule";

const MAX = 30_000;
const base: PollScheduleInput = { submittedAt: 1_000_000, now: 1_000_000, pollsSoFar: 0, maxIntervalMs: MAX };
const at = (seconds: number, rest: Partial<PollScheduleInput>): PollScheduleInput => ({
  ...base,
  now: base.submittedAt + seconds * 1000,
  ...rest,
});

describe("nextPollDelay", () => {
  it.each<[string, PollScheduleInput, number]>([
    ["first poll one interval after submission", base, MAX],
    ["first poll at a configured earlier time", { ...base, firstPollMs: 15_000 }, 15_000],
    ["first poll never later than the interval", { ...base, firstPollMs: 90_000 }, MAX],
    ["first poll due already after a late wake-up", at(40, {}), 0],
    ["the submit response's progress alone (no rate yet)", at(0, { progress: 5 }), MAX],
    ["no progress reported by the render at all", at(30, { pollsSoFar: 1 }), MAX],
    [
      // 5 → 80 in 30 s: 2.5 points a second, 20 points (8 s) to go: polled 20% + 1 s after that.
      "a render predicted to finish in 8 s: just after it",
      at(30, { pollsSoFar: 1, progress: 80 }),
      10_600,
    ],
    ["the line starts at the submit's own reading", at(30, { pollsSoFar: 1, progress: 80, startProgress: 20 }), 13_000],
    ["a render predicted far away: the interval caps the gap", at(30, { pollsSoFar: 1, progress: 20 }), MAX],
    ["nearly done: the margin after the predicted finish", at(30, { pollsSoFar: 1, progress: 99.9 }), 1_038],
    ["progress 100 without completion: soon", at(30, { pollsSoFar: 1, progress: 100 }), 1_000],
    ["progress that has not moved since submit (pending): the interval", at(30, { pollsSoFar: 1, progress: 5 }), MAX],
    ["a second reading refines the line (5 → 65 in 60 s: 35 s left)", at(60, { pollsSoFar: 2, progress: 65 }), MAX],
    ["a second reading close to the end (8 points at 87 a minute)", at(60, { pollsSoFar: 2, progress: 92 }), 7_621],
    [
      "a poll budget already spent: wait until fixed polling is no more than one poll behind",
      at(61, { pollsSoFar: 3, progress: 99 }),
      29_000,
    ],
    ["a custom interval scales the floor", at(6, { pollsSoFar: 1, progress: 100, maxIntervalMs: 6000 }), 200],
    ["an invalid interval falls back to 30 s", { ...base, maxIntervalMs: Number.NaN }, MAX],
    ["a negative progress is treated as 0", at(30, { pollsSoFar: 1, progress: -5 }), MAX],
  ])("schedules %s", (_label, input, expected) => {
    expect(nextPollDelay(input)).toBe(expected);
  });

  it.each([1, 2, 5, 10])("never waits longer than the interval (poll %i)", (pollsSoFar) => {
    for (const progress of [undefined, 0, 1, 10, 50, 99, 100]) {
      const delay = nextPollDelay(at(pollsSoFar * 30, { pollsSoFar, progress }));
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(MAX);
    }
  });
});

/** A small deterministic PRNG (mulberry32), so the simulation is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Render {
  lengthMs: number;
  /** Progress at t: 5 at submission, rising to 100 at lengthMs along t^curve, with noise. */
  progressAt: (t: number) => number;
}

function makeRenders(count: number, seed: number): Render[] {
  const rand = random(seed);
  return Array.from({ length: count }, () => {
    const lengthMs = 30_000 + rand() * 60_000;
    const curve = 0.9 + rand() * 0.2;
    return {
      lengthMs,
      progressAt: (t) => Math.min(99, Math.max(5, 5 + 95 * (t / lengthMs) ** curve + (rand() - 0.5) * 3)),
    };
  });
}

interface Outcome {
  polls: number;
  detectionDelayMs: number;
  maxGapMs: number;
}

function pollFixed(render: Render): Outcome {
  const polls = Math.ceil(render.lengthMs / MAX);
  return { polls, detectionDelayMs: polls * MAX - render.lengthMs, maxGapMs: MAX };
}

function pollScheduled(render: Render): Outcome {
  let t = 0;
  let polls = 0;
  let maxGapMs = 0;
  let current: number | undefined;
  for (;;) {
    const delay = nextPollDelay({
      submittedAt: 0,
      now: t,
      progress: current,
      startProgress: 5, // the submit response
      maxIntervalMs: MAX,
      pollsSoFar: polls,
    });
    maxGapMs = Math.max(maxGapMs, delay);
    t += delay;
    polls += 1;
    if (t >= render.lengthMs) return { polls, detectionDelayMs: t - render.lengthMs, maxGapMs };
    current = render.progressAt(t);
    // The budget rule: never more than one poll ahead of fixed polling (which has made floor(t / MAX) by now).
    expect(polls).toBeLessThanOrEqual(Math.floor(t / MAX) + 1);
  }
}

const average = (outcomes: Outcome[], key: keyof Outcome) =>
  outcomes.reduce((sum, outcome) => sum + outcome[key], 0) / outcomes.length;

describe("compared with polling every 30 s (simulated 30-90 s renders)", () => {
  const renders = makeRenders(2000, 20260701);
  const fixed = renders.map(pollFixed);
  const scheduled = renders.map(pollScheduled);

  it("notices a finished render much sooner on average", () => {
    const fixedDelay = average(fixed, "detectionDelayMs");
    const scheduledDelay = average(scheduled, "detectionDelayMs");
    expect(fixedDelay).toBeGreaterThan(12_000);
    expect(scheduledDelay).toBeLessThan(fixedDelay / 2);
  });

  it("makes no more polls on average", () => {
    expect(average(scheduled, "polls")).toBeLessThanOrEqual(average(fixed, "polls"));
  });

  it("never leaves a gap longer than the interval", () => {
    expect(Math.max(...scheduled.map((outcome) => outcome.maxGapMs))).toBeLessThanOrEqual(MAX);
  });
});

/**
 * The simulator's renders (sim/nemo/render.ts): pending at 5 for the first tenth, then 5 + 90·t/length with
 * a fixed noise of -3…3 points per tenth of the render, never decreasing, completed (100) at the end.
 */
function makeSimulatorRenders(count: number, seed: number): Render[] {
  const rand = random(seed);
  return Array.from({ length: count }, () => {
    const lengthMs = 30_000 + rand() * 60_000;
    const noise = Array.from({ length: 10 }, () => Math.floor(rand() * 7) - 3);
    let maxSeen = 5;
    return {
      lengthMs,
      progressAt: (t) => {
        const fraction = t / lengthMs;
        if (fraction < 0.1) return maxSeen;
        const jitter = noise[Math.min(9, Math.floor(fraction * 10))] ?? 0;
        maxSeen = Math.max(maxSeen, Math.round(Math.min(99, Math.max(6, 5 + 90 * fraction + jitter))));
        return maxSeen;
      },
    };
  });
}

describe("compared with polling every 30 s (the simulator's renders)", () => {
  const renders = makeSimulatorRenders(2000, 20261206);
  const fixed = renders.map(pollFixed);
  const scheduled = renders.map(pollScheduled);

  it("notices a finished render within a few seconds on average, with no more polls", () => {
    expect(average(fixed, "detectionDelayMs")).toBeGreaterThan(12_000);
    expect(average(scheduled, "detectionDelayMs")).toBeLessThan(7_000);
    expect(average(scheduled, "polls")).toBeLessThanOrEqual(average(fixed, "polls"));
  });

  it("misses by little even at the 99th percentile", () => {
    const delays = scheduled.map((outcome) => outcome.detectionDelayMs).sort((a, b) => a - b);
    expect(delays[Math.floor(delays.length * 0.99)]).toBeLessThan(15_000);
  });
});

describe("the prior from the chat's previous render", () => {
  it("estimates how long a render took from the line through its last reading", () => {
    // 5 → 80 in 30 s reaches 100 at 38 s; seen done at 45 s.
    expect(estimateRenderMs({ submittedAt: 0, lastPolledAt: 30_000, lastProgress: 80, seenDoneAt: 45_000 })).toBe(
      38_000,
    );
    // Never before the reading that saw it running, never after the poll that saw it done.
    expect(estimateRenderMs({ submittedAt: 0, lastPolledAt: 30_000, lastProgress: 20, seenDoneAt: 40_000 })).toBe(
      40_000,
    );
    expect(estimateRenderMs({ submittedAt: 0, seenDoneAt: 30_000 })).toBe(30_000);
  });

  it("scales with the video's length and polls first just after the predicted finish", () => {
    // 40 s for a 20 s video: a 10 s video takes about 20 s → first poll at 20 s · 1.15 + 1 s.
    const first = firstPollFromPrior({ renderMs: 40_000, videoSeconds: 20 }, 10, MAX);
    expect(first).toBe(24_000);
    expect(nextPollDelay({ ...base, firstPollMs: first })).toBe(24_000);
    // A longer video than the interval covers: the interval still caps the first poll.
    const long = firstPollFromPrior({ renderMs: 40_000, videoSeconds: 20 }, 30, MAX);
    expect(nextPollDelay({ ...base, firstPollMs: long })).toBe(MAX);
  });

  it("has no prior without a finished render or a known length", () => {
    expect(firstPollFromPrior(undefined, 10, MAX)).toBeUndefined();
    expect(firstPollFromPrior({ renderMs: 40_000 }, 10, MAX)).toBeUndefined();
    expect(firstPollFromPrior({ renderMs: 40_000, videoSeconds: 20 }, undefined, MAX)).toBeUndefined();
    expect(firstPollFromPrior({ renderMs: 0, videoSeconds: 20 }, 10, MAX)).toBeUndefined();
  });

  it("makes edit-after-edit renders of one video arrive close to their finish with one poll", () => {
    // Renders of the same 15 s video take 24 s ± 2 s; the prior is the previous render.
    const rand = random(7);
    let prior: { renderMs: number; videoSeconds: number } | undefined;
    const delays: number[] = [];
    let polls = 0;
    for (let i = 0; i < 200; i++) {
      const lengthMs = 24_000 + (rand() - 0.5) * 4_000;
      const render: Render = { lengthMs, progressAt: (t) => 5 + (95 * t) / lengthMs };
      let t = 0;
      let made = 0;
      let current: number | undefined;
      for (;;) {
        t += nextPollDelay({
          submittedAt: 0,
          now: t,
          progress: current,
          startProgress: 5,
          maxIntervalMs: MAX,
          pollsSoFar: made,
          firstPollMs: firstPollFromPrior(prior, 15, MAX),
        });
        made += 1;
        if (t >= render.lengthMs) break;
        current = render.progressAt(t);
      }
      polls += made;
      delays.push(t - render.lengthMs);
      prior = { renderMs: lengthMs, videoSeconds: 15 };
    }
    // Fixed polling: one poll at 30 s, about 6 s after each finish.
    expect(polls / 200).toBeLessThanOrEqual(1);
    expect(delays.reduce((sum, delay) => sum + delay, 0) / 200).toBeLessThan(5_000);
  });
});
