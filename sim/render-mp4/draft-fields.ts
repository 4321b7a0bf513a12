/**
 * Tolerant readers for the draft fields the local renderer draws. Segment keys are assumptions
 * (nemo-api.md §5, §21) and the simulator emits several spellings (`color`/`colour`/`fontColor`,
 * `font_size`/`fontSize`, numbers as strings with units), so each field is read on its own and a field
 * that cannot be read is left out, never the segment.
 */

type Meta = Record<string, unknown>;

const isObject = (value: unknown): value is Meta =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The segment's `m` together with a nested `style` object, own keys first. */
export function metaOf(segment: unknown): Meta {
  const m = isObject(segment) && isObject(segment.m) ? segment.m : {};
  return isObject(m.style) ? { ...m.style, ...m } : m;
}

/** A number given as a number or a string with a unit ("48", "48px", "35%"); undefined otherwise. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*[a-z%]*\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

const first = (meta: Meta, keys: string[]) => keys.map((key) => meta[key]).find((value) => value !== undefined);

/** Text given as a string or as an object `{content|text|value}`. */
export function textOf(meta: Meta): string | undefined {
  const raw = first(meta, ["text", "content", "caption"]);
  const value = isObject(raw) ? first(raw, ["content", "text", "value"]) : raw;
  return typeof value === "string" && value.trim() ? value : undefined;
}

/** `#rgb`/`#rrggbb` (with or without `#`) or a few colour names, as `#RRGGBB`. */
export function colourOf(meta: Meta): string | undefined {
  const raw = first(meta, ["color", "colour", "fontColor", "font_color", "fontColour", "textColor", "text_color"]);
  if (typeof raw !== "string") return undefined;
  const named: Record<string, string> = {
    white: "#FFFFFF",
    black: "#000000",
    red: "#FF3B30",
    yellow: "#FFD60A",
    blue: "#0A84FF",
    green: "#30D158",
    pink: "#FF2D55",
    orange: "#FF9F0A",
    purple: "#BF5AF2",
  };
  const value = raw.trim().toLowerCase();
  if (named[value]) return named[value];
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(value)?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  return `#${full.toUpperCase()}`;
}

export function fontSizeOf(meta: Meta): number | undefined {
  const size = numberOf(first(meta, ["size", "font_size", "fontSize", "fontsize"]));
  return size !== undefined && size > 0 ? size : undefined;
}

/** `top`, `center`/`middle` or `bottom`, from words or a 0..1 vertical fraction. */
export function positionOf(meta: Meta): "top" | "middle" | "bottom" | undefined {
  const raw = first(meta, ["position", "pos", "align", "vertical_align", "verticalAlign"]);
  if (typeof raw === "string") {
    const value = raw.toLowerCase();
    if (/top|upper|head/.test(value)) return "top";
    if (/bottom|lower|foot/.test(value)) return "bottom";
    if (/cent|middle/.test(value)) return "middle";
  }
  const y = numberOf(isObject(raw) ? raw.y : first(meta, ["y"]));
  if (y !== undefined && y >= 0 && y <= 1) return y < 0.34 ? "top" : y > 0.66 ? "bottom" : "middle";
  return undefined;
}

/** Volume as a 0..1 fraction: 0.35, "35%", or 35 (a percentage). */
export function volumeOf(meta: Meta): number | undefined {
  const raw = first(meta, ["volume", "vol", "gain"]);
  const value = numberOf(raw);
  if (value === undefined || value < 0) return undefined;
  const fraction = (typeof raw === "string" && raw.includes("%")) || value > 1 ? value / 100 : value;
  return Math.min(1, fraction);
}

/** Start and duration of a segment in ms (numbers or numeric strings); undefined when unreadable. */
export function timingOf(segment: unknown): { st: number | undefined; d: number | undefined } {
  if (!isObject(segment)) return { st: undefined, d: undefined };
  return { st: numberOf(segment.st ?? segment.start), d: numberOf(segment.d ?? segment.duration) };
}

/** Track type as a number (`7` or `"7"`); undefined when unreadable. */
export function trackTypeOf(track: unknown): number | undefined {
  return isObject(track) ? numberOf(track.tt) : undefined;
}
