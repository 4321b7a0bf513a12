/**
 * Reading NemoVideo drafts (the timeline, nemo-api.md §5 and §21) for people: a one-line-per-track
 * summary, the concrete changes between two snapshots (for turns that end without text, §4.4), and
 * next-step suggestions. Drafts come from outside and their segment keys are undocumented, so every
 * function accepts any value, checks each field's type, and never throws.
 */

/** The expected shape of a segment; every field may be missing or of another type at runtime. */
export interface SegmentLike {
  id?: string;
  st?: number;
  d?: number;
  m?: { name?: string; text?: string; volume?: number; src?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The expected shape of a track. */
export interface TrackLike {
  tt?: number;
  sg?: SegmentLike[];
  m?: { name?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The expected shape of a draft. */
export interface DraftLike {
  t?: TrackLike[];
  d?: number;
  m?: { title?: string; width?: number; height?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export type Lang = "en" | "zh";
export type TrackKind = "video" | "bgm" | "title" | "track";

/** One track of the timeline, as shown to people. */
export interface TrackLine {
  /** 1-based number in the summary (tracks without segments are left out). */
  index: number;
  kind: TrackKind;
  /** Segment names, title texts (unquoted) or the track name; empty when nothing names it. */
  label: string;
  /** The title texts, for title tracks. */
  texts?: string[];
  segmentCount: number;
  startMs?: number;
  endMs?: number;
  volumePct?: number;
}

/** Start and end of a segment or track, when known. */
export interface Span {
  startMs?: number;
  endMs?: number;
}

/** One concrete difference between two drafts. */
export type DraftChange =
  | { kind: "track_added"; line: TrackLine }
  | { kind: "track_removed"; line: TrackLine }
  | { kind: "segments_added"; trackKind: TrackKind; labels: string[]; count: number }
  | { kind: "segments_removed"; trackKind: TrackKind; labels: string[]; count: number }
  | { kind: "title_text"; before: string; after: string }
  | { kind: "timing"; trackKind: TrackKind; label: string; count: number; before: Span; after: Span }
  | { kind: "volume"; trackKind: TrackKind; label: string; beforePct?: number; afterPct?: number }
  | { kind: "canvas"; before: string; after: string }
  | { kind: "duration"; beforeMs: number; afterMs: number };

// ---- defensive reading ----------------------------------------------------------------------------

interface Segment {
  id?: string;
  label: string;
  text?: string;
  startMs?: number;
  endMs?: number;
  volumePct?: number;
}

interface Track {
  kind: TrackKind;
  name?: string;
  segments: Segment[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const finite = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

const text = (value: unknown): string | undefined => {
  if (typeof value !== "string") return undefined;
  const trimmed = value.replace(/\s+/g, " ").trim();
  return trimmed === "" ? undefined : trimmed;
};

function kindOf(tt: unknown): TrackKind {
  const type = typeof tt === "string" && /^\d+$/.test(tt.trim()) ? Number(tt) : tt;
  if (type === 0) return "video";
  if (type === 1) return "bgm";
  if (type === 7) return "title";
  return "track";
}

/** Volume 0..1 (as documented) → percent; values above 2 are taken as already being percentages. */
function volumePct(value: unknown): number | undefined {
  const volume = finite(value);
  if (volume === undefined || volume < 0) return undefined;
  return Math.round(volume > 2 ? volume : volume * 100);
}

/** The file name of a source URL or path, without query, e.g. "beach.mp4". */
function fileName(src: unknown): string | undefined {
  const value = text(src);
  if (!value) return undefined;
  const path = value.split(/[?#]/)[0] ?? "";
  const name = path.split("/").filter(Boolean).at(-1);
  if (!name) return undefined;
  try {
    return text(decodeURIComponent(name));
  } catch {
    return name;
  }
}

function readTracks(draft: unknown): Track[] {
  if (!isRecord(draft) || !Array.isArray(draft.t)) return [];
  return draft.t.filter(isRecord).map(readTrack);
}

function readTrack(track: Record<string, unknown>): Track {
  const kind = kindOf(track.tt);
  const meta = isRecord(track.m) ? track.m : {};
  const raw = Array.isArray(track.sg) ? track.sg.filter(isRecord) : [];
  // Without any start offsets, segments are taken to play one after another from 0.
  const placed = raw.some((segment) => finite(segment.st) !== undefined);
  let cursor = 0;
  const segments = raw.map((segment): Segment => {
    const m = isRecord(segment.m) ? segment.m : {};
    const duration = finite(segment.d);
    const start = placed ? finite(segment.st) : duration !== undefined ? cursor : undefined;
    if (duration !== undefined) cursor += Math.max(0, duration);
    const end = start !== undefined && duration !== undefined ? start + Math.max(0, duration) : undefined;
    const textValue = text(m.text);
    return {
      id: typeof segment.id === "string" || typeof segment.id === "number" ? String(segment.id) : undefined,
      label: (kind === "title" ? (textValue ?? text(m.name)) : (text(m.name) ?? textValue)) ?? fileName(m.src) ?? "",
      text: textValue,
      startMs: start,
      endMs: end,
      volumePct: volumePct(m.volume),
    };
  });
  return { kind, name: text(meta.name), segments };
}

function spanOf(segments: readonly Segment[]): Span {
  const starts = segments.map((s) => s.startMs).filter((v) => v !== undefined);
  const ends = segments.map((s) => s.endMs).filter((v) => v !== undefined);
  return {
    startMs: starts.length > 0 ? Math.min(...starts) : undefined,
    endMs: ends.length > 0 ? Math.max(...ends) : undefined,
  };
}

const MAX_LABELS = 3;
const MAX_LABEL_LENGTH = 40;

function shorten(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? `${value.slice(0, MAX_LABEL_LENGTH - 1).trimEnd()}…` : value;
}

/** Distinct labels in order, at most three, "+N" for the rest. */
function joinLabels(labels: readonly string[]): string {
  const distinct = [...new Set(labels.filter(Boolean).map(shorten))];
  const shown = distinct.slice(0, MAX_LABELS).join(", ");
  return distinct.length > MAX_LABELS ? `${shown} +${distinct.length - MAX_LABELS}` : shown;
}

function lineOf(track: Track, index: number): TrackLine {
  const { startMs, endMs } = spanOf(track.segments);
  const volume = track.segments.map((s) => s.volumePct).find((v) => v !== undefined);
  const texts =
    track.kind === "title" ? [...new Set(track.segments.map((s) => s.text).filter((v) => v !== undefined))] : [];
  return {
    index,
    kind: track.kind,
    label: joinLabels(track.segments.map((s) => s.label)) || (track.name ?? ""),
    ...(texts.length > 0 ? { texts: texts.map(shorten) } : {}),
    segmentCount: track.segments.length,
    ...(startMs !== undefined ? { startMs } : {}),
    ...(endMs !== undefined ? { endMs } : {}),
    ...(volume !== undefined ? { volumePct: volume } : {}),
  };
}

// ---- public API -------------------------------------------------------------------------------------

/** Ready to export: `draft.t` exists and at least one track has a non-empty `sg` (nemo-api.md §5). */
export function isExportable(draft: unknown): boolean {
  return (
    isRecord(draft) &&
    Array.isArray(draft.t) &&
    draft.t.some((track) => isRecord(track) && Array.isArray(track.sg) && track.sg.length > 0)
  );
}

/** One line per track that has segments, in draft order. */
export function describeTimeline(draft: unknown): TrackLine[] {
  return readTracks(draft)
    .filter((track) => track.segments.length > 0)
    .map((track, i) => lineOf(track, i + 1));
}

const WORDS = {
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

function spanText(span: Span, lang: Lang): string | undefined {
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

/** Total length: `draft.d` when present, else the latest segment end. */
export function totalDurationMs(draft: unknown): number | undefined {
  const declared = isRecord(draft) ? finite(draft.d) : undefined;
  if (declared !== undefined && declared > 0) return declared;
  return spanOf(readTracks(draft).flatMap((track) => track.segments)).endMs;
}

function canvasOf(draft: unknown): string | undefined {
  const meta = isRecord(draft) && isRecord(draft.m) ? draft.m : undefined;
  const width = finite(meta?.width);
  const height = finite(meta?.height);
  return width !== undefined && height !== undefined ? `${width}×${height}` : undefined;
}

/** Pairs the i-th track of a kind before with the i-th of that kind after. */
function pairTracks(before: Track[], after: Track[]) {
  const pairs: [Track, Track][] = [];
  const removed: Track[] = [];
  const added: Track[] = [];
  for (const kind of ["video", "bgm", "title", "track"] as const) {
    const b = before.filter((track) => track.kind === kind);
    const a = after.filter((track) => track.kind === kind);
    for (let i = 0; i < Math.max(b.length, a.length); i++) {
      const x = b[i];
      const y = a[i];
      if (x && y) pairs.push([x, y]);
      else if (x) removed.push(x);
      else if (y) added.push(y);
    }
  }
  return { pairs, removed, added };
}

/** Pairs segments by id; segments without ids are paired by position among themselves. */
function pairSegments(before: Segment[], after: Segment[]) {
  const pairs: [Segment, Segment][] = [];
  const used = new Set<Segment>();
  const removed: Segment[] = [];
  for (const segment of before.filter((s) => s.id !== undefined)) {
    const match = after.find((s) => s.id === segment.id && !used.has(s));
    if (match) {
      pairs.push([segment, match]);
      used.add(match);
    } else removed.push(segment);
  }
  const afterWithoutId = after.filter((s) => s.id === undefined);
  before
    .filter((s) => s.id === undefined)
    .forEach((segment, i) => {
      const match = afterWithoutId[i];
      if (match) {
        pairs.push([segment, match]);
        used.add(match);
      } else removed.push(segment);
    });
  const added = after.filter((s) => !used.has(s));
  return { pairs, removed, added };
}

const sameSpan = (a: Span, b: Span) => a.startMs === b.startMs && a.endMs === b.endMs;

function diffTrack(before: Track, after: Track, changes: DraftChange[]): void {
  const kind = after.kind;
  const { pairs, removed, added } = pairSegments(before.segments, after.segments);
  if (added.length > 0) {
    changes.push({ kind: "segments_added", trackKind: kind, labels: added.map((s) => s.label), count: added.length });
  }
  if (removed.length > 0) {
    changes.push({
      kind: "segments_removed",
      trackKind: kind,
      labels: removed.map((s) => s.label),
      count: removed.length,
    });
  }
  for (const [b, a] of pairs) {
    if (kind === "title" && (b.text ?? "") !== (a.text ?? "") && (b.text || a.text)) {
      changes.push({ kind: "title_text", before: b.text ?? "", after: a.text ?? "" });
    }
  }
  const retimed = pairs.filter(([b, a]) => !sameSpan(b, a));
  if (retimed.length > 0 && retimed.length <= 2) {
    for (const [b, a] of retimed) {
      changes.push({
        kind: "timing",
        trackKind: kind,
        label: a.label,
        count: 1,
        before: { startMs: b.startMs, endMs: b.endMs },
        after: { startMs: a.startMs, endMs: a.endMs },
      });
    }
  } else if (retimed.length > 2) {
    changes.push({
      kind: "timing",
      trackKind: kind,
      label: after.name ?? "",
      count: retimed.length,
      before: spanOf(before.segments),
      after: spanOf(after.segments),
    });
  }
  const revolumed = pairs.find(([b, a]) => b.volumePct !== a.volumePct);
  if (revolumed) {
    const [b, a] = revolumed;
    changes.push({ kind: "volume", trackKind: kind, label: a.label, beforePct: b.volumePct, afterPct: a.volumePct });
  }
}

/** The concrete changes from one draft snapshot to the next (empty when none are visible). */
export function diffDrafts(before: unknown, after: unknown): DraftChange[] {
  const beforeTracks = readTracks(before).filter((track) => track.segments.length > 0);
  const afterTracks = readTracks(after).filter((track) => track.segments.length > 0);
  const { pairs, removed, added } = pairTracks(beforeTracks, afterTracks);
  const changes: DraftChange[] = [];
  for (const track of removed) changes.push({ kind: "track_removed", line: lineOf(track, 0) });
  for (const track of added) changes.push({ kind: "track_added", line: lineOf(track, 0) });
  for (const [b, a] of pairs) diffTrack(b, a, changes);

  const canvasBefore = canvasOf(before);
  const canvasAfter = canvasOf(after);
  if (canvasBefore && canvasAfter && canvasBefore !== canvasAfter) {
    changes.push({ kind: "canvas", before: canvasBefore, after: canvasAfter });
  }
  const durationBefore = totalDurationMs(before);
  const durationAfter = totalDurationMs(after);
  if (
    durationBefore !== undefined &&
    durationAfter !== undefined &&
    seconds(durationBefore) !== seconds(durationAfter)
  ) {
    changes.push({ kind: "duration", beforeMs: durationBefore, afterMs: durationAfter });
  }
  return changes;
}

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
  }
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

const SUGGESTIONS = {
  en: {
    start: "Send photos or clips to start",
    describe: "Describe the video you want, e.g. “a 30-second TikTok with trending music”",
    titleStyle: "Make the title bigger or change its colour",
    addTitle: "Add a title or captions",
    addMusic: "Add background music",
    quieterMusic: "Turn the music down a little",
    otherMusic: "Try a different music track",
    pace: "Change the pace or add transitions",
    export: "Export the video (/export)",
  },
  zh: {
    start: "发送照片或片段开始制作",
    describe: "描述你想要的视频，比如“配热门音乐的 30 秒 TikTok 视频”",
    titleStyle: "把标题放大或换个颜色",
    addTitle: "添加标题或字幕",
    addMusic: "添加背景音乐",
    quieterMusic: "把音乐调小一点",
    otherMusic: "换一首背景音乐",
    pace: "调整节奏或添加转场",
    export: "导出视频（/export）",
  },
} as const;

/** Two or three short next steps that fit the timeline after an edit. Plain text. */
export function suggestNextSteps(after: unknown, changes: readonly DraftChange[], lang: Lang): string[] {
  const s = SUGGESTIONS[lang];
  if (!isExportable(after)) return [s.start, s.describe];
  const lines = describeTimeline(after);
  const has = (kind: TrackKind) => lines.some((line) => line.kind === kind);
  const touchedTitle = changes.some(
    (c) =>
      c.kind === "title_text" ||
      ((c.kind === "track_added" || c.kind === "track_removed") && c.line.kind === "title") ||
      (c.kind === "timing" && c.trackKind === "title"),
  );
  const bgmVolume = lines.find((line) => line.kind === "bgm")?.volumePct;

  const picks: string[] = [];
  if (touchedTitle && has("title")) picks.push(s.titleStyle);
  if (!has("bgm")) picks.push(s.addMusic);
  if (!has("title")) picks.push(s.addTitle);
  if (has("title") && !picks.includes(s.titleStyle)) picks.push(s.titleStyle);
  if (has("bgm")) picks.push(bgmVolume !== undefined && bgmVolume > 60 ? s.quieterMusic : s.otherMusic);
  picks.push(s.pace);
  return [...picks.slice(0, 2), s.export];
}
