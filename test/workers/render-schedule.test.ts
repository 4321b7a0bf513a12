import { describe, expect, it } from "vitest";
import { nextPollDelay, type PollScheduleInput } from "../../src/chat/render-schedule";

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
      "a render predicted to finish in 10 s: just after it",
      at(30, { pollsSoFar: 1, progress: 75, lastProgress: 0, lastPolledAt: base.submittedAt }),
      13_000,
    ],
    [
      "a render predicted far away: the interval caps the gap",
      at(30, { pollsSoFar: 1, progress: 20, lastProgress: 5 }),
      MAX,
    ],
    ["nearly done: not sooner than the floor", at(30, { pollsSoFar: 1, progress: 99, lastProgress: 5 }), 5_000],
    ["progress 100 without completion: soon", at(30, { pollsSoFar: 1, progress: 100, lastProgress: 5 }), 5_000],
    [
      "stalled progress: the interval",
      at(60, { pollsSoFar: 2, progress: 40, lastProgress: 40, lastPolledAt: base.submittedAt + 30_000 }),
      MAX,
    ],
    [
      "the rate from the last two polls, not from the start",
      at(60, { pollsSoFar: 2, progress: 85, lastProgress: 40, lastPolledAt: base.submittedAt + 30_000 }),
      13_000,
    ],
    [
      "no previous observation: the rate since submission",
      at(20, { pollsSoFar: 1, progress: 80 }),
      Math.round((20 / 80) * 20_000 * 1.2 + 1000),
    ],
    [
      "a poll budget already spent: wait for fixed polling to catch up",
      at(66, { pollsSoFar: 3, progress: 98, lastProgress: 90, lastPolledAt: base.submittedAt + 61_000 }),
      16_500,
    ],
    [
      "a custom interval scales the floor",
      at(6, { pollsSoFar: 1, progress: 99, lastProgress: 5, maxIntervalMs: 6000 }),
      1_000,
    ],
    ["an invalid interval falls back to 30 s", { ...base, maxIntervalMs: Number.NaN }, MAX],
    ["a negative progress is treated as 0", at(30, { pollsSoFar: 1, progress: -5, lastProgress: 0 }), MAX],
  ])("schedules %s", (_label, input, expected) => {
    expect(nextPollDelay(input)).toBe(expected);
  });

  it.each([1, 2, 5, 10])("never waits longer than the interval (poll %i)", (pollsSoFar) => {
    for (const progress of [undefined, 0, 1, 10, 50, 99, 100]) {
      const delay = nextPollDelay(at(pollsSoFar * 30, { pollsSoFar, progress, lastProgress: 0 }));
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
  let previous = { progress: 5, at: 0 }; // the submit response
  let current: number | undefined;
  for (;;) {
    const delay = nextPollDelay({
      submittedAt: 0,
      now: t,
      progress: current,
      lastProgress: current === undefined ? undefined : previous.progress,
      lastPolledAt: current === undefined ? undefined : previous.at,
      maxIntervalMs: MAX,
      pollsSoFar: polls,
    });
    maxGapMs = Math.max(maxGapMs, delay);
    if (current !== undefined) previous = { progress: current, at: t };
    t += delay;
    polls += 1;
    if (t >= render.lengthMs) return { polls, detectionDelayMs: t - render.lengthMs, maxGapMs };
    current = render.progressAt(t);
    // The budget rule: never more than fixed polling would have made by now, plus slack.
    expect(polls).toBeLessThanOrEqual(t / MAX + 1 + 0.25);
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
