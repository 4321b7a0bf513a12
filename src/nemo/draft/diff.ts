/**
 * The concrete changes between two draft snapshots, for turns that end without text (nemo-api.md §4.4):
 * tracks and segments are paired by id (else by kind and position), so a retimed clip reads as a timing
 * change rather than a removal plus an addition; every field of their `m` is compared, whatever its key.
 * Everything is read through nemo/draft/read.ts, so a drifted field type is no change and no crash.
 */

import { isRecord } from "../../shared/is-record";
import { diffFields, segmentFieldChanges } from "./diff-fields";
import { meaningJson } from "./fields";
import { canvasOf, lineOf, readTracks, type Segment, spanOf, type Track, totalDurationMs } from "./read";
import { seconds } from "./timeline";
import type { DraftChange, Span } from "./types";

const canvasText = (draft: unknown) => {
  const canvas = canvasOf(draft);
  return canvas ? `${canvas.width}×${canvas.height}` : undefined;
};

/** Pairs tracks by id first, then the i-th remaining track of a kind before with the i-th of that kind after. */
function pairTracks(before: Track[], after: Track[]) {
  const pairs: [Track, Track][] = [];
  const removed: Track[] = [];
  const added: Track[] = [];
  const matched = new Set<Track>();
  for (const track of before) {
    const match = track.id === undefined ? undefined : after.find((a) => a.id === track.id && !matched.has(a));
    if (match) {
      pairs.push([track, match]);
      matched.add(track).add(match);
    }
  }
  for (const kind of ["video", "bgm", "title", "track"] as const) {
    const b = before.filter((track) => track.kind === kind && !matched.has(track));
    const a = after.filter((track) => track.kind === kind && !matched.has(track));
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
  const trackFields = diffFields(before.meta, after.meta);
  if (trackFields.length > 0) {
    changes.push({ kind: "fields", trackKind: kind, label: after.name ?? "", count: 0, fields: trackFields });
  }
  changes.push(...segmentFieldChanges(kind, after.name ?? "", pairs));
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

  const canvasBefore = canvasText(before);
  const canvasAfter = canvasText(after);
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
  // Only a draft with no difference at all may be taken for "nothing happened" (and sent to recovery).
  if (changes.length === 0 && meaningJson(orEmpty(before)) !== meaningJson(orEmpty(after))) {
    changes.push({ kind: "updated" });
  }
  return changes;
}

const orEmpty = (draft: unknown) => (isRecord(draft) ? draft : {});
