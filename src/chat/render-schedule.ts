/**
 * When to poll a render next. The vendor polls every 30 s (nemo-api.md §9), so on average a finished
 * video waits 15 s before anyone notices. The render reports `progress` (0-100), so we predict when it
 * will finish and poll just after that, with three guarantees:
 *  - never a gap longer than `maxIntervalMs` (the user keeps seeing progress, a stall is noticed);
 *  - never more polls than fixed-interval polling would make by the same time, plus a small slack
 *    (N + 1 ≤ elapsed / maxIntervalMs + 1 + SLACK), so a bad prediction cannot turn into a burst;
 *  - never closer together than `maxIntervalMs / 6`.
 *
 * The first poll, before any progress is known, is at `maxIntervalMs` by default: with the gap cap, an
 * earlier first poll adds a poll to every render longer than one interval (renders take 30-90 s), while
 * a first poll at the interval makes exactly as many polls as fixed polling when predictions are right.
 */

export interface PollScheduleInput {
  /** When the render was submitted (epoch ms). */
  submittedAt: number;
  /** Now: the moment of the poll that just happened, or of the submission (epoch ms). */
  now: number;
  /** Progress 0-100 seen by the poll that just happened; undefined when unknown. */
  progress?: number;
  /** The previous observation's progress (an earlier poll, or the submit response's). */
  lastProgress?: number;
  /** When the previous observation was made; defaults to `submittedAt`. */
  lastPolledAt?: number;
  /** The longest allowed gap between polls (RENDER_POLL_INTERVAL_MS). */
  maxIntervalMs?: number;
  /** Polls made so far, including the one that just happened. */
  pollsSoFar: number;
  /** When to poll first if no progress is known, after submission; defaults to `maxIntervalMs`. */
  firstPollMs?: number;
}

export const DEFAULT_MAX_INTERVAL_MS = 30_000;
/** Polls allowed beyond fixed-interval polling at any moment. */
const SLACK = 0.25;
/** Poll this fraction of the predicted remaining time late, plus 1/30 of the interval: an early poll costs a poll. */
const MARGIN_FRACTION = 0.2;
const MARGIN_OF_INTERVAL = 1 / 30;

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** Milliseconds from `now` until the next poll (see the module comment for the rules). */
export function nextPollDelay(input: PollScheduleInput): number {
  const max = finite(input.maxIntervalMs) && input.maxIntervalMs > 0 ? input.maxIntervalMs : DEFAULT_MAX_INTERVAL_MS;
  const floor = max / 6;
  const now = input.now;
  const elapsed = Math.max(0, now - input.submittedAt);
  const polls = finite(input.pollsSoFar) ? Math.max(0, input.pollsSoFar) : 0;

  if (!finite(input.progress)) {
    if (polls === 0) {
      const first = finite(input.firstPollMs) && input.firstPollMs >= 0 ? Math.min(input.firstPollMs, max) : max;
      return Math.round(clamp(first - elapsed, 0, max));
    }
    return max;
  }

  const progress = clamp(input.progress, 0, 100);
  // Earliest moment the poll budget allows: fixed polling has made elapsed / max polls by then.
  const budget = input.submittedAt + (polls - SLACK) * max - now;
  const lowest = Math.min(max, Math.max(floor, budget));

  let target = max;
  if (progress >= 100) target = floor;
  else {
    const rate = progressRate(input, progress, elapsed);
    if (rate !== undefined) {
      const remaining = (100 - progress) / rate;
      target = remaining * (1 + MARGIN_FRACTION) + max * MARGIN_OF_INTERVAL;
    }
  }
  return Math.round(clamp(target, lowest, max));
}

/** Progress per ms: from the previous observation when it moved, else from the start (0 at submit). */
function progressRate(input: PollScheduleInput, progress: number, elapsed: number): number | undefined {
  const lastAt = finite(input.lastPolledAt) ? input.lastPolledAt : input.submittedAt;
  if (finite(input.lastProgress) && input.lastProgress < progress && input.now > lastAt) {
    return (progress - input.lastProgress) / (input.now - lastAt);
  }
  if (elapsed > 0 && progress > 0 && !finite(input.lastProgress)) return progress / elapsed;
  return undefined;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
