import { isRecord } from "../../shared/is-record";

/**
 * Field-level reading of draft values. NemoVideo's segment keys are assumptions (nemo-api.md §5, §21) and
 * the real service is documented to drift: numbers as strings or with units ("35%", "10000", "48px"),
 * text as an object ({content|text|value}), the same style under several spellings (color / colour /
 * fontColor). Each reader here takes one field, returns undefined when it cannot read it, and never
 * throws, so one odd field is skipped instead of the whole draft.
 */

/** A number as given, or read from a string with an optional unit: 48, "48", "48px", "35%", " 1.5 s". */
export function readNumber(value: unknown): { value: number; unit?: string } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? { value } : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*([-+]?\d+(?:\.\d+)?|[-+]?\.\d+)\s*([a-z%]{0,4})\s*$/i.exec(value);
  if (!match?.[1]) return undefined;
  const number = Number(match[1]);
  if (!Number.isFinite(number)) return undefined;
  const unit = match[2]?.toLowerCase();
  return unit ? { value: number, unit } : { value: number };
}

/** A finite number, also from a numeric string ("10000", "48px"); units are dropped. */
export const finite = (value: unknown): number | undefined => readNumber(value)?.value;

/** A time in ms: a number, "10000", "10000ms" or "10s"; negative or other units are unreadable. */
export function readMs(value: unknown): number | undefined {
  const read = readNumber(value);
  if (!read || read.value < 0) return undefined;
  if (read.unit === undefined || read.unit === "ms") return read.value;
  if (read.unit === "s" || read.unit === "sec") return read.value * 1000;
  return undefined;
}

/** Text with its whitespace folded: a string, a number, or an object's `content`, `text` or `value`. */
export function readText(value: unknown, depth = 0): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (isRecord(value) && depth < 2) {
    for (const key of ["content", "text", "value"]) {
      const inner = readText(value[key], depth + 1);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (typeof value !== "string") return undefined;
  const folded = value.replace(/\s+/g, " ").trim();
  return folded === "" ? undefined : folded;
}

/** Volume 0..1 (as documented) → percent; "35%" is a percent; plain values above 2 are taken as percent. */
export function readVolumePct(value: unknown): number | undefined {
  const read = readNumber(value);
  if (!read || read.value < 0) return undefined;
  if (read.unit === "%") return Math.round(read.value);
  if (read.unit !== undefined) return undefined;
  return Math.round(read.value > 2 ? read.value : read.value * 100);
}

/** The style keys people have words for; every spelling the service may use maps to one of these. */
export type KnownField =
  | "colour"
  | "fontSize"
  | "position"
  | "fadeIn"
  | "fadeOut"
  | "font"
  | "opacity"
  | "speed"
  | "bold"
  | "italic"
  | "background"
  | "outline"
  | "shadow"
  | "animation"
  | "align"
  | "source"
  | "name"
  | "text"
  | "volume";

/** Spellings folded to lower case without `_`, `-` or spaces → the known field. */
const SPELLINGS: Record<string, KnownField> = {
  color: "colour",
  colour: "colour",
  fontcolor: "colour",
  fontcolour: "colour",
  textcolor: "colour",
  textcolour: "colour",
  fill: "colour",
  size: "fontSize",
  fontsize: "fontSize",
  textsize: "fontSize",
  position: "position",
  pos: "position",
  placement: "position",
  fadein: "fadeIn",
  fadeout: "fadeOut",
  font: "font",
  fontfamily: "font",
  opacity: "opacity",
  alpha: "opacity",
  speed: "speed",
  playbackrate: "speed",
  bold: "bold",
  fontweight: "bold",
  italic: "italic",
  background: "background",
  backgroundcolor: "background",
  bgcolor: "background",
  outline: "outline",
  stroke: "outline",
  strokecolor: "outline",
  shadow: "shadow",
  animation: "animation",
  effect: "animation",
  align: "align",
  alignment: "align",
  textalign: "align",
  src: "source",
  source: "source",
  url: "source",
  name: "name",
  text: "text",
  content: "text",
  volume: "volume",
};

/** The known field a key spells, if any: "fontColor", "font_color" and "colour" are all "colour". */
export function knownField(key: string): KnownField | undefined {
  return SPELLINGS[key.toLowerCase().replace(/[\s_-]+/g, "")];
}

/** A field's value as people read it; never JSON, never a raw object. */
export type FieldValue =
  | { kind: "number"; value: number; unit?: string }
  | { kind: "text"; value: string }
  | { kind: "flag"; value: boolean }
  | { kind: "list"; count: number }
  | { kind: "group"; count: number };

/** The readable form of any value, or undefined for null/undefined. */
export function fieldValue(value: unknown, field?: KnownField): FieldValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "boolean") return { kind: "flag", value };
  if (field === "volume") {
    const pct = readVolumePct(value);
    if (pct !== undefined) return { kind: "number", value: pct, unit: "%" };
  }
  const number = readNumber(value);
  if (number)
    return number.unit
      ? { kind: "number", value: number.value, unit: number.unit }
      : { kind: "number", value: number.value };
  if (field === "source") {
    const name = fileName(value);
    if (name) return { kind: "text", value: name };
  }
  const text = readText(value);
  // A string holding JSON is summarised like the object it encodes, never shown.
  if (text !== undefined && /^[[{]/.test(text)) return fieldValue(parseJson(text) ?? [], field);
  if (text !== undefined) return { kind: "text", value: /^#[0-9a-f]{3,8}$/i.test(text) ? text.toUpperCase() : text };
  if (Array.isArray(value)) return { kind: "list", count: value.length };
  if (isRecord(value)) return { kind: "group", count: Object.keys(value).length };
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Order-independent JSON, for telling whether two values are the same (never shown to people). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return "null";
  return JSON.stringify(value) ?? "null";
}

/** Units folded for comparing: 35% is 0.35, 3s is 3000 (ms, the draft's time unit). */
const UNIT_SCALE: Record<string, (n: number) => number> = {
  "%": (n) => n / 100,
  s: (n) => n * 1000,
  sec: (n) => n * 1000,
};

/**
 * Order-independent JSON of what a draft means: "10000" and 10000, "35%" and 0.35, {content: "Hi"} and
 * "Hi" are one value, so a re-read that only changed a field's type is no change.
 */
export function meaningJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(meaningJson).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === "content" || only === "text" || only === "value") return meaningJson(value[only]);
    return `{${keys.map((key) => `${JSON.stringify(key)}:${meaningJson(value[key])}`).join(",")}}`;
  }
  const number = readNumber(value);
  if (number) return `n:${UNIT_SCALE[number.unit ?? ""]?.(number.value) ?? number.value}`;
  return stableJson(value);
}

/** What a value means, for comparing: "48px" and 48 are the same size, "#ff3b30" and "#FF3B30" one colour. */
export function sameness(value: unknown, field?: KnownField): string {
  const read = fieldValue(value, field);
  if (read?.kind === "number") return `n:${read.value}`;
  if (read?.kind === "text") return `t:${read.value}`;
  return meaningJson(value);
}

/** The file name of a source URL or path, without query, e.g. "beach.mp4". */
export function fileName(src: unknown): string | undefined {
  const value = typeof src === "string" ? readText(src) : undefined;
  if (!value) return undefined;
  const path = value.split(/[?#]/)[0] ?? "";
  const name = path.split("/").filter(Boolean).at(-1);
  if (!name) return undefined;
  try {
    return readText(decodeURIComponent(name));
  } catch {
    return name;
  }
}
