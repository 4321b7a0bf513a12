/**
 * The draft reader's structured results as people read them: the timeline summary (one line per track,
 * in the vendor's wording, nemo-api.md §17.4) and the change lines after an edit, in the same words and
 * punctuation. Language-neutral: each language passes its own words (en/draft.ts, zh/draft.ts). Plain
 * text; escape before sending as HTML.
 */
import {
  type DraftChange,
  type FieldChange,
  type FieldValue,
  joinLabels,
  MAX_LABELS,
  type Span,
  seconds,
  shorten,
  type TrackKind,
  type TrackLine,
} from "../nemo/draft";
import type { DraftFieldWords, DraftTexts, DraftWords } from "./types";

const MAX_CHANGE_LINES = 8;

/** A key no language names, as words: "shadowBlur" → "shadow blur", "letter_spacing" → "letter spacing". */
function humanKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  return words === "" ? "setting" : words;
}

/** "0-10s", "from 3s", or undefined when the start is unknown. */
function spanText(span: Span, w: DraftWords): string | undefined {
  const { startMs, endMs } = span;
  if (startMs !== undefined && endMs !== undefined) return `${seconds(startMs)}-${seconds(endMs)}s`;
  if (startMs !== undefined) return w.from(`${seconds(startMs)}s`);
  return undefined;
}

function labelText(line: TrackLine, w: DraftWords): string {
  if (line.texts && line.texts.length > 0) {
    const quoted = line.texts.slice(0, MAX_LABELS).map(w.quote).join(w.listSep);
    return line.texts.length > MAX_LABELS ? `${quoted} +${line.texts.length - MAX_LABELS}` : quoted;
  }
  return line.label || w.clips(line.segmentCount);
}

/** "Video: city timelapse (0-10s)", "BGM: Lo-fi (0-10s, 35%)", "Title: "Urban Dreams" (0-3s)". */
function formatTrackLine(line: TrackLine, w: DraftWords): string {
  const details = [
    spanText(line, w),
    line.volumePct !== undefined && (line.kind === "bgm" || line.volumePct !== 100) ? `${line.volumePct}%` : undefined,
  ].filter((part) => part !== undefined);
  const suffix = details.length > 0 ? `${w.open}${details.join(w.sep)}${w.close}` : "";
  return `${w.kinds[line.kind]}${w.colon}${labelText(line, w)}${suffix}`;
}

/**
 * The summary in the vendor's format, one numbered track per line after the header; undefined when
 * there is nothing on the timeline.
 */
export function formatTimeline(lines: readonly TrackLine[], w: DraftWords): string | undefined {
  if (lines.length === 0) return undefined;
  const body = lines.map((line, i) => `${i + 1}. ${formatTrackLine(line, w)}`);
  return [w.header(lines.length), ...body].join("\n");
}

/** ` "Urban Dreams"` after "Title", ` (beach.mp4)` after other kinds; nothing without a label. */
function named(kind: TrackKind, label: string, w: DraftWords): string {
  if (!label) return "";
  if (kind === "title") return ` ${w.quote(shorten(label))}`;
  return w.aside(shorten(label));
}

function formatChange(change: DraftChange, w: DraftWords, f: DraftFieldWords): string {
  const span = (s: Span) => spanText(s, w) ?? "?";
  switch (change.kind) {
    case "track_added":
      return w.added(formatTrackLine(change.line, w));
    case "track_removed":
      return w.removed(formatTrackLine(change.line, w));
    case "segments_added":
      return w.segmentsAdded(w.kinds[change.trackKind], change.count, joinLabels(change.labels));
    case "segments_removed":
      return w.segmentsRemoved(w.kinds[change.trackKind], change.count, joinLabels(change.labels));
    case "title_text":
      return `${w.titleText}${w.colon}${w.quote(shorten(change.before))} → ${w.quote(shorten(change.after))}`;
    case "timing": {
      const kind = w.kinds[change.trackKind];
      const change_ = `${span(change.before)} → ${span(change.after)}`;
      if (change.count > 1) return `${kind}${w.colon}${w.retimed(change.count)}${w.sep}${change_}`;
      return `${kind}${named(change.trackKind, change.label, w)}${w.colon}${change_}`;
    }
    case "volume": {
      const pct = (v?: number) => (v === undefined ? "?" : `${v}%`);
      const kind = `${w.kinds[change.trackKind]}${named(change.trackKind, change.label, w)}`;
      return `${w.volumeOf(kind)}${w.colon}${pct(change.beforePct)} → ${pct(change.afterPct)}`;
    }
    case "canvas":
      return `${w.canvas}${w.colon}${change.before} → ${change.after}`;
    case "duration":
      return `${w.duration}${w.colon}${seconds(change.beforeMs)}s → ${seconds(change.afterMs)}s`;
    case "fields": {
      const count = change.count > 1 ? w.aside(f.clips(change.count)) : "";
      const fields = change.fields.map((field) => fieldText(field, f)).join(w.sep);
      return `${w.kinds[change.trackKind]}${named(change.trackKind, change.label, w)}${count}${w.colon}${fields}`;
    }
    case "updated":
      return f.updated;
  }
}

/** A value in a few words: `48`, `35%`, `#FF3B30`, `top`, `on`, `3 items`; never JSON. */
function valueText(value: FieldValue, f: DraftFieldWords): string {
  switch (value.kind) {
    case "number": {
      const shown = Math.round(value.value * 100) / 100;
      return value.unit === "%" || value.unit === "s" || value.unit === "ms" ? `${shown}${value.unit}` : String(shown);
    }
    case "text":
      return shorten(value.value.length > 24 ? `${value.value.slice(0, 23).trimEnd()}…` : value.value);
    case "flag":
      return value.value ? f.on : f.off;
    case "list":
      return f.items(value.count);
    case "group":
      return f.settings(value.count);
  }
}

/** "colour → #FF3B30", "font size 48 → 72", "shadow blur removed", "animation changed". */
function fieldText(change: FieldChange, f: DraftFieldWords): string {
  const name = change.field ? f.names[change.field] : humanKey(change.key);
  const { before, after } = change;
  if (!after) return `${name}${f.removed}`;
  const scalar = (v?: FieldValue) => v !== undefined && v.kind !== "list" && v.kind !== "group";
  if (before && !scalar(before) && !scalar(after)) return `${name}${f.changed}`;
  if (before?.kind === "number" && after.kind === "number") {
    return `${name} ${valueText(before, f)} → ${valueText(after, f)}`;
  }
  return `${name} → ${valueText(after, f)}`;
}

/**
 * The changes as "• "-bulleted lines in the timeline-summary style ("Added Title: "Urban Dreams" (0-3s)",
 * "Title text: "A" → "B"", "Duration: 10s → 30s"); empty string when there are none.
 */
export function formatChanges(changes: readonly DraftChange[], w: DraftWords, f: DraftFieldWords): string {
  const lines = changes.slice(0, MAX_CHANGE_LINES).map((change) => `• ${formatChange(change, w, f)}`);
  if (changes.length > MAX_CHANGE_LINES) lines.push(w.more(changes.length - MAX_CHANGE_LINES));
  return lines.join("\n");
}

/** One language's draft texts from its words: the same wording functions for every language. */
export function draftTexts(words: DraftWords, fields: DraftFieldWords): Pick<DraftTexts, "draftFields" | "draft"> {
  return {
    draftFields: fields,
    draft: {
      ...words,
      changes: (changes) => formatChanges(changes, words, fields),
      timeline: (lines) => formatTimeline(lines, words),
    },
  };
}
