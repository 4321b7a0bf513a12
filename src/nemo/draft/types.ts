/** The draft reader's shared types: what a draft is expected to look like, and what people are shown of it. */

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

import type { FieldValue, KnownField } from "./fields";

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

/** A next step offered after an edit; src/i18n words it. */
export type Suggestion =
  | "start"
  | "describe"
  | "titleStyle"
  | "titleMotion"
  | "addTitle"
  | "addMusic"
  | "quieterMusic"
  | "otherMusic"
  | "pace"
  | "export";

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
  | { kind: "duration"; beforeMs: number; afterMs: number }
  /** Style or other fields of a segment's (or `count` segments') or a track's `m`, any key. */
  | { kind: "fields"; trackKind: TrackKind; label: string; count: number; fields: FieldChange[] }
  /** The draft differs, but in nothing the reader can name (still a change: never sent to recovery). */
  | { kind: "updated" };

/** One changed field of a segment's or track's `m`; a side is missing when the field was added or removed. */
export interface FieldChange {
  /** The key as the newer draft spells it (the older one when it was removed). */
  key: string;
  /** The known style the key spells (colour, font size, …), for its friendly name. */
  field?: KnownField;
  before?: FieldValue;
  after?: FieldValue;
}
