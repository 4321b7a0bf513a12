/** The timeline as people see it: one line per track (worded by src/i18n, nemo-api.md §17.4). */

import { lineOf, readTracks } from "./read";
import type { TrackLine } from "./types";

/** One line per track that has segments, in draft order. */
export function describeTimeline(draft: unknown): TrackLine[] {
  return readTracks(draft)
    .filter((track) => track.segments.length > 0)
    .map((track, i) => lineOf(track, i + 1));
}

/** Milliseconds as seconds without a trailing ".0": 10000 → "10", 2500 → "2.5". */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
