/**
 * Field-by-field changes of a segment's or track's `m`, whatever its keys: a style-only edit (colour, font
 * size, position, fade) changes no text and no timing, yet the person asked for it and must hear it was
 * done (nemo-api.md §4.4: edits often end without any text). Spellings of one style are folded together,
 * so `color` → `colour` with the same value is no change.
 */

import { fieldValue, type KnownField, knownField, sameness, stableJson } from "./fields";
import type { Segment } from "./read";
import type { DraftChange, FieldChange, TrackKind } from "./types";

type Slot = { key: string; field?: KnownField; before?: unknown; after?: unknown };

/** The changed fields between two `m` objects, leaving out the fields in `skip` (reported elsewhere). */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  skip: ReadonlySet<KnownField> = new Set(),
): FieldChange[] {
  const slots = new Map<string, Slot>();
  const slotFor = (key: string) => {
    const field = knownField(key);
    if (field && skip.has(field)) return undefined;
    const id = field ?? `:${key}`;
    const slot = slots.get(id) ?? { key, ...(field ? { field } : {}) };
    slots.set(id, slot);
    return slot;
  };
  for (const [key, value] of Object.entries(before)) {
    const slot = slotFor(key);
    if (slot && slot.before === undefined) slot.before = value;
  }
  for (const [key, value] of Object.entries(after)) {
    const slot = slotFor(key);
    if (slot && slot.after === undefined) {
      slot.after = value;
      slot.key = key;
    }
  }
  const changes: FieldChange[] = [];
  for (const slot of slots.values()) {
    const absent = (value: unknown) => value === undefined || value === null;
    if (absent(slot.before) && absent(slot.after)) continue;
    if (sameness(slot.before, slot.field) === sameness(slot.after, slot.field)) continue;
    const before = fieldValue(slot.before, slot.field);
    const after = fieldValue(slot.after, slot.field);
    changes.push({
      key: slot.key,
      ...(slot.field ? { field: slot.field } : {}),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    });
  }
  return changes;
}

/**
 * One change per group of segments that changed the same way (three captions turned yellow read as one
 * line), labelled by the segment when it is one, by the track when several.
 */
export function segmentFieldChanges(
  trackKind: TrackKind,
  trackLabel: string,
  pairs: readonly [Segment, Segment][],
): DraftChange[] {
  // Title texts and volumes have their own change kinds.
  const skip = new Set<KnownField>(trackKind === "title" ? ["text", "volume"] : ["volume"]);
  const groups = new Map<string, { fields: FieldChange[]; labels: string[] }>();
  for (const [before, after] of pairs) {
    const fields = diffFields(before.meta, after.meta, skip);
    if (fields.length === 0) continue;
    const id = stableJson(fields);
    const group = groups.get(id) ?? { fields, labels: [] };
    group.labels.push(after.label);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ fields, labels }) => ({
    kind: "fields",
    trackKind,
    label: labels.length === 1 ? (labels[0] ?? "") : trackLabel,
    count: labels.length,
    fields,
  }));
}
