import { mulberry32 } from "./random";
import type { Draft } from "./types";

/**
 * Drifted field types, as the real service is documented to send them (nemo-api.md §4.4, §21: "the client
 * must degrade gracefully when a field is missing or of another shape"): `tt: "7"`, `d: "10000"`,
 * `volume: "35%"`, `text: {content: …}`, `size: "48px"`.
 *
 * The session keeps its draft in the tidy form (the simulator's own edits read it); drift is applied when
 * the draft is sent out. Whether a session drifts, and which of its fields, is decided by hashing the seed
 * with the session id and the field's place, never by drawing from the shared generator: the same draft
 * reads the same on every state call (a client diffing two reads sees no phantom change) and a run replays.
 */
export interface DriftOptions {
  /** Share of sessions whose drafts drift at all. */
  sessionRate: number;
  /** Within a drifting session, share of the driftable fields that drift. */
  fieldRate: number;
  seed: number;
}

/** The simulator's drift settings. */
export const driftOf = (sim: {
  config: { driftRate: number; driftFieldRate: number; seed: number };
}): DriftOptions => ({
  sessionRate: sim.config.driftRate,
  fieldRate: sim.config.driftFieldRate,
  seed: sim.config.seed,
});

/** A uniform number in [0, 1) from a string, stable across calls. */
function chanceOf(seed: number, key: string): number {
  let hash = seed >>> 0;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(hash)();
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Field → its drifted form, or undefined when this field has no drifted form for that value. */
const DRIFTS: Record<string, (value: unknown) => unknown> = {
  tt: (v) => (typeof v === "number" ? String(v) : undefined),
  st: (v) => (typeof v === "number" ? String(v) : undefined),
  d: (v) => (typeof v === "number" ? String(v) : undefined),
  volume: (v) => (typeof v === "number" ? `${Math.round(v * 100)}%` : undefined),
  text: (v) => (typeof v === "string" ? { content: v } : undefined),
  size: (v) => (typeof v === "number" ? `${v}px` : undefined),
  font_size: (v) => (typeof v === "number" ? `${v}px` : undefined),
  fontSize: (v) => (typeof v === "number" ? String(v) : undefined),
};

/** The draft as this session sends it: a copy with some fields drifted, or the draft itself. */
export function presentDraft(draft: Draft, sessionId: string, options: DriftOptions): Draft {
  if (options.sessionRate <= 0 || chanceOf(options.seed, `session:${sessionId}`) >= options.sessionRate) return draft;
  const out = structuredClone(draft) as Json;
  const drift = (object: Json, place: string) => {
    for (const [key, value] of Object.entries(object)) {
      const form = DRIFTS[key]?.(value);
      if (form !== undefined && chanceOf(options.seed, `${sessionId}:${place}:${key}`) < options.fieldRate) {
        object[key] = form;
      }
    }
  };
  drift(out, "draft");
  const tracks = Array.isArray(out.t) ? out.t : [];
  tracks.forEach((track, i) => {
    if (!isJson(track)) return;
    drift(track, `track${i}`);
    const segments = Array.isArray(track.sg) ? track.sg : [];
    segments.forEach((segment, j) => {
      if (!isJson(segment)) return;
      const place = typeof segment.id === "string" ? segment.id : `track${i}/${j}`;
      drift(segment, place);
      if (isJson(segment.m)) drift(segment.m, `${place}/m`);
    });
  });
  return out as Draft;
}

/** Drifted forms back to numbers: "10000" → 10000, "48px" → 48, "3s" → 3000 (for times). */
function tidyNumber(value: unknown, key: string): unknown {
  if (typeof value !== "string") return value;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(px|ms|s|%)?\s*$/i.exec(value);
  if (!match) return value;
  const n = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  if (unit === "%") return n / 100;
  if (unit === "s" && (key === "st" || key === "d")) return n * 1000;
  return n;
}

/** Every spelling of a style → the one key the simulator's own readers use. */
const TIDY_KEYS: Record<string, string> = {
  colour: "color",
  fontColor: "color",
  font_size: "size",
  fontSize: "size",
  fadeIn: "fade_in",
};

/**
 * A draft as the simulator's own readers expect it, whatever drift or spelling it arrived with: numbers as
 * numbers, text as strings, styles under `color`, `size`, `position`, `fade_in`. For consumers of submitted
 * drafts (the local renderer, sim/render-mp4), which must show what the draft says however it is spelled.
 */
export function tidyDraft(draft: unknown): Draft {
  if (!isJson(draft)) return {};
  const out = structuredClone(draft) as Json;
  const tidy = (object: Json) => {
    for (const [key, value] of Object.entries(object)) {
      if (key === "text" && isJson(value)) {
        const inner = value.content ?? value.text ?? value.value;
        if (typeof inner === "string") object.text = inner;
        continue;
      }
      const canonical = TIDY_KEYS[key] ?? key;
      const tidied = ["tt", "st", "d", "volume", "size", "fade_in", "width", "height"].includes(canonical)
        ? tidyNumber(value, canonical)
        : value;
      if (canonical !== key) delete object[key];
      object[canonical] = tidied;
    }
  };
  tidy(out);
  for (const track of Array.isArray(out.t) ? out.t : []) {
    if (!isJson(track)) continue;
    tidy(track);
    if (isJson(track.m)) tidy(track.m);
    for (const segment of Array.isArray(track.sg) ? track.sg : []) {
      if (!isJson(segment)) continue;
      tidy(segment);
      if (isJson(segment.m)) tidy(segment.m);
    }
  }
  return out as Draft;
}
