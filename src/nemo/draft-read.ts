/**
 * Defensive reading of a draft into tracks and segments. Drafts come from outside and their segment keys
 * are undocumented (nemo-api.md §5, §21), so every reader accepts any value, checks each field's type and
 * never throws; the other draft modules only ever see the normalised `Track` and `Segment` below.
 */
import type { Span, TrackKind, TrackLine } from "./draft";

/** A segment as read: a label always, timing and volume only when the draft gave them. */
export interface Segment {
  id?: string;
  label: string;
  text?: string;
  startMs?: number;
  endMs?: number;
  volumePct?: number;
}

/** A track as read: its kind from `tt`, its segments in draft order. */
export interface Track {
  kind: TrackKind;
  name?: string;
  segments: Segment[];
}

/** A plain object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value when it is a finite number. */
export const finite = (value: unknown): number | undefined =>
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

/** The tracks of any value; [] when it is not a draft with a `t` array. */
export function readTracks(draft: unknown): Track[] {
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

/** Earliest start and latest end among the segments that have them. */
export function spanOf(segments: readonly Segment[]): Span {
  const starts = segments.map((s) => s.startMs).filter((v) => v !== undefined);
  const ends = segments.map((s) => s.endMs).filter((v) => v !== undefined);
  return {
    startMs: starts.length > 0 ? Math.min(...starts) : undefined,
    endMs: ends.length > 0 ? Math.max(...ends) : undefined,
  };
}

/** Names shown per track or change before the rest become "+N". */
export const MAX_LABELS = 3;
const MAX_LABEL_LENGTH = 40;

/** Cuts a label to 40 characters with an ellipsis, so one long name cannot flood a line. */
export function shorten(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? `${value.slice(0, MAX_LABEL_LENGTH - 1).trimEnd()}…` : value;
}

/** Distinct labels in order, at most three, "+N" for the rest. */
export function joinLabels(labels: readonly string[]): string {
  const distinct = [...new Set(labels.filter(Boolean).map(shorten))];
  const shown = distinct.slice(0, MAX_LABELS).join(", ");
  return distinct.length > MAX_LABELS ? `${shown} +${distinct.length - MAX_LABELS}` : shown;
}

/** The shown form of a track; `index` is its number in the summary (0 inside a change). */
export function lineOf(track: Track, index: number): TrackLine {
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

/** Ready to export: `draft.t` exists and at least one track has a non-empty `sg` (nemo-api.md §5). */
export function isExportable(draft: unknown): boolean {
  return (
    isRecord(draft) &&
    Array.isArray(draft.t) &&
    draft.t.some((track) => isRecord(track) && Array.isArray(track.sg) && track.sg.length > 0)
  );
}

/** Total length: `draft.d` when present, else the latest segment end. */
export function totalDurationMs(draft: unknown): number | undefined {
  const declared = isRecord(draft) ? finite(draft.d) : undefined;
  if (declared !== undefined && declared > 0) return declared;
  return spanOf(readTracks(draft).flatMap((track) => track.segments)).endMs;
}
