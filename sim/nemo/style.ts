import type { Rng } from "./random";
import type { SegmentMeta } from "./types";

/**
 * Text styles under the several spellings the real service is seen to use (nemo-api.md §5, §21: segment
 * keys are assumptions). A segment keeps the spelling it was created with; a new segment picks one at
 * random, so clients meet `color`, `colour` and `fontColor` in one run.
 */
export const STYLE_SPELLINGS = {
  color: ["color", "colour", "fontColor"],
  size: ["font_size", "fontSize", "size"],
  position: ["position"],
  fadeIn: ["fade_in", "fadeIn"],
} as const;

export type Style = keyof typeof STYLE_SPELLINGS;

/** The key this segment uses for a style: the one it already has, else a random spelling. */
export function styleKey(m: SegmentMeta | undefined, style: Style, rng: Rng): string {
  const spellings: readonly string[] = STYLE_SPELLINGS[style];
  return spellings.find((key) => m?.[key] !== undefined) ?? rng.pick(spellings);
}

/** The style's value under whichever spelling the segment uses. */
export function styleOf(m: SegmentMeta | undefined, style: Style): unknown {
  const key = STYLE_SPELLINGS[style].find((k) => m?.[k] !== undefined);
  return key === undefined ? undefined : m?.[key];
}

/** A text segment's meta with colour and size under randomly chosen spellings. */
export function textMeta(
  rng: Rng,
  base: { name: string; text: string },
  style: { color: string; size: number },
): SegmentMeta {
  return {
    ...base,
    [rng.pick(STYLE_SPELLINGS.size)]: style.size,
    [rng.pick(STYLE_SPELLINGS.color)]: style.color,
  };
}

/** Where people ask to put a title: "move the title to the top" → "top". */
export function requestedPosition(lower: string): string | undefined {
  if (/\b(top|upper)\b/.test(lower)) return "top";
  if (/\b(bottom|lower)\b/.test(lower)) return "bottom";
  if (/\b(cent(?:er|re)|middle)\b/.test(lower)) return "center";
  return undefined;
}
