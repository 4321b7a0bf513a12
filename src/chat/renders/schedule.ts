/**
 * When to poll a render next. The vendor polls every 30 s (nemo-api.md §9), so on average a finished
 * video waits 15 s before anyone notices. A render's `progress` (0-100) moves roughly linearly from the
 * submit's reading (5) to 100 at completion, so the line through the submit reading and the latest one
 * predicts the finish, and the next poll goes just after it. Three guarantees:
 *  - never a gap longer than `maxIntervalMs` (the person keeps seeing progress, a stall is noticed);
 *  - never more than one poll ahead of fixed-interval polling at any moment (poll N+1 not before
 *    N · maxIntervalMs after submit), so per render the bot makes as many requests as fixed polling
 *    when the prediction holds, and a bad prediction cannot turn into a burst;
 *  - never closer together than `maxIntervalMs / 30` (1 s at the default).
 *
 * The line is anchored at the submit: its reading is exact (the submit's own answer), and the longest
 * baseline averages the progress noise best (measured against the last-two-readings rate, the anchored
 * line halves the late-poll error on the simulator's renders). The first poll, before any progress moved,
 * is at `maxIntervalMs`: an earlier one adds a poll to every render longer than one interval.
 */

export interface PollScheduleInput {
  /** When the render was submitted (epoch ms). */
  submittedAt: number;
  /** Now: the moment of the poll that just happened, or of the submission (epoch ms). */
  now: number;
  /** Progress 0-100 seen by the poll that just happened; undefined when unknown. */
  progress?: number;
  /** The progress the submit answered (the line's start); 5 by the docs when absent. */
  startProgress?: number;
  /** The longest allowed gap between polls (RENDER_POLL_INTERVAL_MS). */
  maxIntervalMs?: number;
  /** Polls made so far, including the one that just happened. */
  pollsSoFar: number;
  /** When to poll first if no progress is known, after submission; defaults to `maxIntervalMs`. */
  firstPollMs?: number;
}

export const DEFAULT_MAX_INTERVAL_MS = 30_000;
const DEFAULT_START_PROGRESS = 5;
/**
 * Poll this fraction of the predicted remaining time late, plus 1/30 of the interval (1 s at 30 s): an early
 * poll costs a whole poll. Chosen on 4,000 modelled renders of two kinds (the simulator's linear progress with
 * noise per tenth, and the unit test's curved progress): smaller margins save delay on the first kind but
 * spend more polls than fixed polling on the second.
 */
const MARGIN_FRACTION = 0.2;
const MARGIN_OF_INTERVAL = 1 / 30;
/** A render of the same chat's video varies less than a line through one noisy reading: a smaller margin. */
const PRIOR_MARGIN_FRACTION = 0.15;
/** The shortest gap, as a share of the interval. */
const FLOOR_OF_INTERVAL = 1 / 30;

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** Milliseconds from `now` until the next poll (see the module comment for the rules). */
export function nextPollDelay(input: PollScheduleInput): number {
  const max = finite(input.maxIntervalMs) && input.maxIntervalMs > 0 ? input.maxIntervalMs : DEFAULT_MAX_INTERVAL_MS;
  const floor = max * FLOOR_OF_INTERVAL;
  const now = input.now;
  const elapsed = Math.max(0, now - input.submittedAt);
  const polls = finite(input.pollsSoFar) ? Math.max(0, input.pollsSoFar) : 0;

  if (!finite(input.progress) || polls === 0) {
    if (polls === 0) {
      const first = finite(input.firstPollMs) && input.firstPollMs >= 0 ? Math.min(input.firstPollMs, max) : max;
      return Math.round(clamp(first - elapsed, 0, max));
    }
    return max;
  }

  const progress = clamp(input.progress, 0, 100);
  // Earliest moment the poll budget allows: at most one poll ahead of fixed polling.
  const budget = input.submittedAt + polls * max - now;
  const lowest = Math.min(max, Math.max(floor, budget));

  let target = max;
  if (progress >= 100) target = floor;
  else {
    const remaining = remainingMs(progress, input.startProgress, elapsed);
    if (remaining !== undefined) target = remaining * (1 + MARGIN_FRACTION) + max * MARGIN_OF_INTERVAL;
  }
  return Math.round(clamp(target, lowest, max));
}

/** Predicted time to 100 along the line from the submit's reading to this one; undefined until it moved. */
export function remainingMs(progress: number, startProgress: number | undefined, elapsedMs: number) {
  const start = finite(startProgress) ? clamp(startProgress, 0, 99) : DEFAULT_START_PROGRESS;
  if (progress <= start || elapsedMs <= 0) return undefined;
  return ((100 - progress) * elapsedMs) / (progress - start);
}

/**
 * How long a render took, seen complete at `seenDoneAt`: where the line through its last reading reached
 * 100, kept between that reading and the poll that saw it done (the poll itself may have come late).
 */
export function estimateRenderMs(input: {
  submittedAt: number;
  seenDoneAt: number;
  lastPolledAt?: number;
  lastProgress?: number;
  startProgress?: number;
}): number {
  const lastAt = finite(input.lastPolledAt) ? input.lastPolledAt : input.submittedAt;
  const low = Math.max(0, lastAt - input.submittedAt);
  const high = Math.max(low, input.seenDoneAt - input.submittedAt);
  const left = finite(input.lastProgress) ? remainingMs(input.lastProgress, input.startProgress, low) : undefined;
  return Math.round(left === undefined ? high : clamp(low + left, low, high));
}

/**
 * The first poll of a render from a prior: render time scales with the video's length, so a render of the
 * same chat (the usual case with AUTO_EXPORT: edit after edit of one video) predicts this one by the ratio
 * of their lengths. Undefined without a usable prior; never later than the interval (nextPollDelay caps it).
 */
export function firstPollFromPrior(
  prior: { renderMs?: number; videoSeconds?: number } | undefined,
  videoSeconds: number | undefined,
  maxIntervalMs: number,
): number | undefined {
  if (!prior || !finite(prior.renderMs) || !finite(prior.videoSeconds) || !finite(videoSeconds)) return undefined;
  if (prior.renderMs <= 0 || prior.videoSeconds <= 0 || videoSeconds <= 0) return undefined;
  const expected = (prior.renderMs * videoSeconds) / prior.videoSeconds;
  return Math.round(expected * (1 + PRIOR_MARGIN_FRACTION) + maxIntervalMs * MARGIN_OF_INTERVAL);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
