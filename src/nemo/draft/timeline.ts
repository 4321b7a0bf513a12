/** The timeline summary people see: one line per track, in the vendor's wording (nemo-api.md §17.4). */

import { lineOf, MAX_LABELS, readTracks } from "./read";
import type { Lang, Span, TrackLine } from "./types";

/** One line per track that has segments, in draft order. */
export function describeTimeline(draft: unknown): TrackLine[] {
  return readTracks(draft)
    .filter((track) => track.segments.length > 0)
    .map((track, i) => lineOf(track, i + 1));
}

/** The summary's words and punctuation per language; the change lines reuse them. */
export const WORDS = {
  en: {
    kinds: { video: "Video", bgm: "BGM", title: "Title", track: "Track" },
    header: (n: number) => `Timeline (${n} ${n === 1 ? "track" : "tracks"}):`,
    colon: ": ",
    open: " (",
    close: ")",
    sep: ", ",
    quote: (s: string) => `"${s}"`,
    from: (s: string) => `from ${s}`,
    clips: (n: number) => `${n} ${n === 1 ? "clip" : "clips"}`,
    listSep: ", ",
  },
  zh: {
    kinds: { video: "视频", bgm: "背景音乐", title: "标题", track: "轨道" },
    header: (n: number) => `时间线（${n} 条轨道）：`,
    colon: "：",
    open: "（",
    close: "）",
    sep: "，",
    quote: (s: string) => `“${s}”`,
    from: (s: string) => `从 ${s}`,
    clips: (n: number) => `${n} 个片段`,
    listSep: "、",
  },
} as const;

/** Milliseconds as seconds without a trailing ".0": 10000 → "10", 2500 → "2.5". */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** "0-10s", "from 3s", or undefined when the start is unknown. */
export function spanText(span: Span, lang: Lang): string | undefined {
  const { startMs, endMs } = span;
  if (startMs !== undefined && endMs !== undefined) return `${seconds(startMs)}-${seconds(endMs)}s`;
  if (startMs !== undefined) return WORDS[lang].from(`${seconds(startMs)}s`);
  return undefined;
}

function labelText(line: TrackLine, lang: Lang): string {
  const w = WORDS[lang];
  if (line.texts && line.texts.length > 0) {
    const quoted = line.texts.slice(0, MAX_LABELS).map(w.quote).join(w.listSep);
    return line.texts.length > MAX_LABELS ? `${quoted} +${line.texts.length - MAX_LABELS}` : quoted;
  }
  return line.label || w.clips(line.segmentCount);
}

/** "Video: city timelapse (0-10s)", "BGM: Lo-fi (0-10s, 35%)", "Title: "Urban Dreams" (0-3s)". */
export function formatTrackLine(line: TrackLine, lang: Lang): string {
  const w = WORDS[lang];
  const details = [
    spanText(line, lang),
    line.volumePct !== undefined && (line.kind === "bgm" || line.volumePct !== 100) ? `${line.volumePct}%` : undefined,
  ].filter((part) => part !== undefined);
  const suffix = details.length > 0 ? `${w.open}${details.join(w.sep)}${w.close}` : "";
  return `${w.kinds[line.kind]}${w.colon}${labelText(line, lang)}${suffix}`;
}

/**
 * The summary in the vendor's format (nemo-api.md §17.4), one numbered track per line after the header;
 * undefined when there is nothing on the timeline. Plain text: escape before sending as HTML.
 */
export function formatTimeline(lines: readonly TrackLine[], lang: Lang): string | undefined {
  if (lines.length === 0) return undefined;
  const body = lines.map((line, i) => `${i + 1}. ${formatTrackLine(line, lang)}`);
  return [WORDS[lang].header(lines.length), ...body].join("\n");
}
