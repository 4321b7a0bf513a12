/** Draft changes as people read them, in the same words and punctuation as the timeline summary. */
import { t } from "../../i18n";
import { humanKey } from "./fields";
import { joinLabels, shorten } from "./read";
import { formatTrackLine, seconds, spanText, WORDS } from "./timeline";
import type { DraftChange, FieldChange, FieldValue, Lang, Span, TrackKind } from "./types";

const CHANGE_WORDS = {
  en: {
    added: (s: string) => `Added ${s}`,
    removed: (s: string) => `Removed ${s}`,
    segmentsAdded: (kind: string, n: number, labels: string) =>
      `${kind}: added ${n} ${n === 1 ? "clip" : "clips"}${labels ? ` (${labels})` : ""}`,
    segmentsRemoved: (kind: string, n: number, labels: string) =>
      `${kind}: removed ${n} ${n === 1 ? "clip" : "clips"}${labels ? ` (${labels})` : ""}`,
    titleText: "Title text",
    retimed: (n: number) => `${n} clips retimed`,
    volume: "volume",
    canvas: "Canvas",
    duration: "Duration",
    none: "none",
    more: (n: number) => `…and ${n} more ${n === 1 ? "change" : "changes"}`,
  },
  zh: {
    added: (s: string) => `新增 ${s}`,
    removed: (s: string) => `移除 ${s}`,
    segmentsAdded: (kind: string, n: number, labels: string) =>
      `${kind}：新增 ${n} 个片段${labels ? `（${labels}）` : ""}`,
    segmentsRemoved: (kind: string, n: number, labels: string) =>
      `${kind}：移除 ${n} 个片段${labels ? `（${labels}）` : ""}`,
    titleText: "标题文字",
    retimed: (n: number) => `${n} 个片段调整了时间`,
    volume: "音量",
    canvas: "画布",
    duration: "时长",
    none: "无",
    more: (n: number) => `…以及另外 ${n} 处改动`,
  },
} as const;

const MAX_CHANGE_LINES = 8;

/** ` "Urban Dreams"` after "Title", ` (beach.mp4)` after other kinds; nothing without a label. */
function named(kind: TrackKind, label: string, lang: Lang): string {
  const w = WORDS[lang];
  if (!label) return "";
  if (kind === "title") return ` ${w.quote(shorten(label))}`;
  return `${lang === "en" ? " " : ""}${w.open.trim()}${shorten(label)}${w.close}`;
}

function formatChange(change: DraftChange, lang: Lang): string {
  const w = WORDS[lang];
  const c = CHANGE_WORDS[lang];
  const span = (s: Span) => spanText(s, lang) ?? "?";
  switch (change.kind) {
    case "track_added":
      return c.added(formatTrackLine(change.line, lang));
    case "track_removed":
      return c.removed(formatTrackLine(change.line, lang));
    case "segments_added":
      return c.segmentsAdded(w.kinds[change.trackKind], change.count, joinLabels(change.labels));
    case "segments_removed":
      return c.segmentsRemoved(w.kinds[change.trackKind], change.count, joinLabels(change.labels));
    case "title_text":
      return `${c.titleText}${w.colon}${w.quote(shorten(change.before))} → ${w.quote(shorten(change.after))}`;
    case "timing": {
      const kind = w.kinds[change.trackKind];
      const change_ = `${span(change.before)} → ${span(change.after)}`;
      if (change.count > 1) return `${kind}${w.colon}${c.retimed(change.count)}${w.sep}${change_}`;
      return `${kind}${named(change.trackKind, change.label, lang)}${w.colon}${change_}`;
    }
    case "volume": {
      const pct = (v?: number) => (v === undefined ? "?" : `${v}%`);
      const kind = `${w.kinds[change.trackKind]}${named(change.trackKind, change.label, lang)}`;
      return `${kind}${lang === "en" ? " " : ""}${c.volume}${w.colon}${pct(change.beforePct)} → ${pct(change.afterPct)}`;
    }
    case "canvas":
      return `${c.canvas}${w.colon}${change.before} → ${change.after}`;
    case "duration":
      return `${c.duration}${w.colon}${seconds(change.beforeMs)}s → ${seconds(change.afterMs)}s`;
    case "fields": {
      const f = t(lang).draftFields;
      const count =
        change.count > 1 ? `${lang === "en" ? " " : ""}${w.open.trim()}${f.clips(change.count)}${w.close}` : "";
      const fields = change.fields.map((field) => fieldText(field, lang)).join(w.sep);
      return `${w.kinds[change.trackKind]}${named(change.trackKind, change.label, lang)}${count}${w.colon}${fields}`;
    }
    case "updated":
      return t(lang).draftFields.updated;
  }
}

/** A value in a few words: `48`, `35%`, `#FF3B30`, `top`, `on`, `3 items`; never JSON. */
function valueText(value: FieldValue, lang: Lang): string {
  const f = t(lang).draftFields;
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
function fieldText(change: FieldChange, lang: Lang): string {
  const f = t(lang).draftFields;
  const name = change.field ? f.names[change.field] : humanKey(change.key);
  const { before, after } = change;
  if (!after) return `${name}${f.removed}`;
  const scalar = (v?: FieldValue) => v !== undefined && v.kind !== "list" && v.kind !== "group";
  if (before && !scalar(before) && !scalar(after)) return `${name}${f.changed}`;
  if (before?.kind === "number" && after.kind === "number") {
    return `${name} ${valueText(before, lang)} → ${valueText(after, lang)}`;
  }
  return `${name} → ${valueText(after, lang)}`;
}

/**
 * The changes as "• "-bulleted lines in the timeline-summary style ("Added Title: "Urban Dreams" (0-3s)",
 * "Title text: "A" → "B"", "Duration: 10s → 30s"); empty string when there are none. Plain text.
 */
export function formatChanges(changes: readonly DraftChange[], lang: Lang): string {
  const lines = changes.slice(0, MAX_CHANGE_LINES).map((change) => `• ${formatChange(change, lang)}`);
  if (changes.length > MAX_CHANGE_LINES) lines.push(CHANGE_WORDS[lang].more(changes.length - MAX_CHANGE_LINES));
  return lines.join("\n");
}
