/**
 * Defensive reading of a draft into tracks and segments. Drafts come from outside and their segment keys
 * are undocumented (nemo-api.md §5, §21), so every reader accepts any value, checks each field's type and
 * never throws; the other draft modules only ever see the normalised `Track` and `Segment` below.
 */

import { isRecord } from "../../shared/is-record";
import { fileName, finite, readMs, readText, readVolumePct } from "./fields";
import type { Span, TrackKind, TrackLine } from "./types";

/** A segment as read: a label always, timing and volume only when the draft gave them readably. */
export interface Segment {
  id?: string;
  label: string;
  text?: string;
  startMs?: number;
  endMs?: number;
  volumePct?: number;
  /** The segment's own `m`, unread, for the field-by-field diff. */
  meta: Record<string, unknown>;
}

/** A track as read: its kind from `tt`, its segments in draft order. */
export interface Track {
  id?: string;
  kind: TrackKind;
  name?: string;
  segments: Segment[];
  /** The track's own `m`, unread, for the field-by-field diff. */
  meta: Record<string, unknown>;
}

const TYPE_WORDS: [RegExp, TrackKind][] = [
  [/^(video|main|clip|media)/i, "video"],
  [/^(audio|bgm|music|sound)/i, "bgm"],
  [/^(text|title|caption|subtitle)/i, "title"],
];

/** 0 video, 1 audio/BGM, 7 text/title (also as "7" or a type word); anything else is a plain "Track". */
function kindOf(tt: unknown): TrackKind {
  const type = finite(tt);
  if (type === 0) return "video";
  if (type === 1) return "bgm";
  if (type === 7) return "title";
  const word = typeof tt === "string" ? tt.trim() : "";
  return TYPE_WORDS.find(([pattern]) => pattern.test(word))?.[1] ?? "track";
}

const idOf = (value: unknown) =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;

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
  const placed = raw.some((segment) => readMs(segment.st) !== undefined);
  let cursor = 0;
  const segments = raw.map((segment): Segment => {
    const m = isRecord(segment.m) ? segment.m : {};
    const duration = readMs(segment.d);
    const start = placed ? readMs(segment.st) : duration !== undefined ? cursor : undefined;
    if (duration !== undefined) cursor += duration;
    const end = start !== undefined && duration !== undefined ? start + duration : undefined;
    const textValue = readText(m.text);
    const name = readText(m.name);
    return {
      id: idOf(segment.id),
      label: (kind === "title" ? (textValue ?? name) : (name ?? textValue)) ?? fileName(m.src) ?? "",
      text: textValue,
      startMs: start,
      endMs: end,
      volumePct: readVolumePct(m.volume),
      meta: m,
    };
  });
  return { id: idOf(track.id), kind, name: readText(meta.name), segments, meta };
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

/** Ready to export: at least one readable track has a segment (nemo-api.md §5). */
export function isExportable(draft: unknown): boolean {
  return readTracks(draft).some((track) => track.segments.length > 0);
}

/** Total length: `draft.d` when readable, else the latest segment end. */
export function totalDurationMs(draft: unknown): number | undefined {
  const declared = isRecord(draft) ? readMs(draft.d) : undefined;
  if (declared !== undefined && declared > 0) return declared;
  return spanOf(readTracks(draft).flatMap((track) => track.segments)).endMs;
}

/** The task name the client gives new projects: NemoVideo echoes it as `draft.m.title`, and it is no title. */
const GENERIC_TITLES = new Set(["project"]);

/**
 * The video's title, e.g. for its caption: the title track's text (what the viewer sees), else a real
 * project title from `draft.m.title`.
 */
export function titleOf(draft: unknown): string | undefined {
  const texts = readTracks(draft).filter((track) => track.kind === "title");
  const titled =
    texts.find((track) => /title|标题/i.test(track.name ?? "")) ??
    (texts.length === 1 && texts[0]?.segments.length === 1 ? texts[0] : undefined);
  const fromTrack = titled?.segments.map((segment) => segment.text).find((text) => text !== undefined);
  if (fromTrack) return fromTrack;
  const explicit = isRecord(draft) && isRecord(draft.m) ? readText(draft.m.title) : undefined;
  return explicit && !GENERIC_TITLES.has(explicit.toLowerCase()) ? explicit : undefined;
}

/** Canvas width and height the draft declares, when both are readable positive numbers. */
export function canvasOf(draft: unknown): { width: number; height: number } | undefined {
  const meta = isRecord(draft) && isRecord(draft.m) ? draft.m : undefined;
  const width = finite(meta?.width);
  const height = finite(meta?.height);
  return width !== undefined && height !== undefined && width > 0 && height > 0 ? { width, height } : undefined;
}
