import { t } from "../../i18n";
import type { RenderJob } from "../storage";
import { remainingMs } from "./schedule";

/** Telegram allows about 20 messages a minute in a group: one render message is edited at most this often there. */
export const GROUP_EDIT_GAP_MS = 3_000;
const BAR_CELLS = 10;

/** `▓▓▓▓▓░░░░░` for 52%: one cell per full tenth, so the bar never shows more than is done. */
export function progressBar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_CELLS, Math.floor(percent / (100 / BAR_CELLS))));
  return "▓".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

/**
 * Time left from the progress rate since submit: renders move roughly linearly from the submit's reading
 * (nemo-api.md §9), so the longest baseline gives the steadiest estimate. Shown rounded (5 s steps under a
 * minute, whole minutes above) so a small wobble does not cost an edit; undefined until progress moved.
 */
export function estimateLeftMs(
  job: Pick<RenderJob, "submittedAt" | "lastProgress">,
  startProgress: number,
  now: number,
) {
  const progress = job.lastProgress;
  if (progress === undefined || progress >= 100) return undefined;
  const left = remainingMs(progress, startProgress, now - job.submittedAt);
  if (left === undefined) return undefined;
  const step = left < 60_000 ? 5_000 : 60_000;
  return Math.max(step, Math.round(left / step) * step);
}

/** The render message's text for a job as it stands. */
export function progressText(job: RenderJob, startProgress: number, now: number): string {
  const percent = Math.round(Math.min(100, Math.max(0, job.lastProgress ?? 0)));
  const texts = t(job.origin.lang);
  return texts.renderStatus(progressBar(percent), percent, estimateLeftMs(job, startProgress, now), job.auto === true);
}

/** Whether the message should be edited to `text`: only when it changes, and not too often in a group. */
export function shouldEdit(job: RenderJob, text: string, now: number): boolean {
  if (job.statusMessageId === undefined || text === job.shownProgress) return false;
  const group = job.origin.chatId < 0;
  return !group || job.shownAt === undefined || now - job.shownAt >= GROUP_EDIT_GAP_MS;
}
