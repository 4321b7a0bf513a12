/**
 * Reading NemoVideo drafts (the timeline, nemo-api.md §5 and §21) for people: a one-line-per-track
 * summary, the concrete changes between two snapshots (for turns that end without text, §4.4), and
 * next-step suggestions. Drafts come from outside and their segment keys are undocumented, so every
 * function accepts any value, checks each field's type, and never throws. Everything here is structured
 * data (TrackLine, DraftChange, Suggestion); src/i18n words it in each language.
 *
 * This index is the folder's one import path; the shared types live in types.ts and the work in fields.ts
 * (one field at a time), read.ts (tracks and segments: the one reader every other part uses),
 * timeline.ts (summary lines), diff.ts and diff-fields.ts (changes) and suggestions.ts (next steps).
 */

export { diffDrafts } from "./diff";
export type { FieldValue, KnownField } from "./fields";
export { readNumber, readText } from "./fields";
export { canvasOf, isExportable, joinLabels, MAX_LABELS, shorten, titleOf, totalDurationMs } from "./read";
export { suggestNextSteps } from "./suggestions";
export { describeTimeline, seconds } from "./timeline";
export type * from "./types";
