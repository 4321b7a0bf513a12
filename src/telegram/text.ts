/**
 * Plain-text helpers for Telegram's HTML parse mode and its length limits (4096 per message, 1024 per
 * caption, counted in UTF-16 code units, the same as JS string length).
 */

/** Escapes the three characters Telegram's HTML parse mode requires escaping in text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes a value placed inside a double-quoted HTML attribute (e.g. an `href`). */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

/** Telegram's limit for one message's text. */
export const MESSAGE_LIMIT = 4096;
/** Telegram's limit for a media caption. */
export const CAPTION_LIMIT = 1024;

// Split points, best first. Each finds the end of a chunk (exclusive) inside `window`; whitespace at the
// split point is dropped. A split is only taken if it keeps at least a quarter of the window, so one
// early paragraph break does not produce a tiny chunk followed by a hard cut.
const PARAGRAPH = /\n[ \t]*\n/g;
const LINE = /\n/g;
// After . ! ? … followed by whitespace (so "2.5s" and URLs stay whole), or after CJK sentence punctuation.
const SENTENCE = /[.!?…]+["'”’)\]]*(?=\s)|[。！？；]+["'”’）」』】]*/g;
const WORD = /\s/g;
const CLAUSE = /[，、,;；:：]/g;

type Finder = (window: string) => number;

const lastStart =
  (pattern: RegExp): Finder =>
  (window) => {
    let best = -1;
    for (const match of window.matchAll(pattern)) best = match.index;
    return best;
  };

const lastEnd =
  (pattern: RegExp): Finder =>
  (window) => {
    let best = -1;
    for (const match of window.matchAll(pattern)) best = match.index + match[0].length;
    return best;
  };

const FINDERS: Finder[] = [lastStart(PARAGRAPH), lastStart(LINE), lastEnd(SENTENCE), lastStart(WORD), lastEnd(CLAUSE)];

/**
 * Splits text into chunks Telegram accepts: each non-empty and at most `limit` UTF-16 units. Prefers
 * paragraph breaks, then line breaks, sentence ends (incl. 。！？), spaces, clause punctuation, and only
 * then cuts hard — never inside a surrogate pair or an HTML entity such as `&amp;`. Whitespace at split
 * points is dropped; nothing else is lost. Whitespace-only input gives no chunks.
 */
export function splitMessage(text: string, limit: number = MESSAGE_LIMIT): string[] {
  // A chunk must be able to hold one whole surrogate pair.
  const max = Math.max(2, Math.floor(limit));
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = findCut(rest, max);
    pushChunk(chunks, rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pushChunk(chunks, rest);
  return chunks;
}

function pushChunk(chunks: string[], chunk: string): void {
  if (chunk.trim() !== "") chunks.push(chunk);
}

function findCut(text: string, max: number): number {
  // The window includes the character just past the limit, so a space exactly there is a split point.
  const window = text.slice(0, max + 1);
  const minimum = Math.floor(max / 4);
  for (const find of FINDERS) {
    const at = find(window);
    if (at >= minimum && at <= max) return at;
  }
  return safeHardCut(text, max);
}

function safeHardCut(text: string, at: number): number {
  let cut = at;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  // Do not cut an escaped entity ("&amp;", "&#128512;") in two.
  const entity = /&[#a-zA-Z0-9]{0,10}$/.exec(text.slice(Math.max(0, cut - 11), cut));
  if (entity && /^[#a-zA-Z0-9]*;/.test(text.slice(cut)) && cut - entity[0].length > 0) cut -= entity[0].length;
  return cut;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Shortens text to at most `limit` UTF-16 units, ending with "…" when shortened; prefers a word break in
 * the last fifth. Works on plain text: truncate first, then escape.
 */
export function truncate(text: string, limit: number = CAPTION_LIMIT): string {
  if (text.length <= limit) return text;
  if (limit <= 1) return limit === 1 ? "…" : "";
  let cut = limit - 1;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const space = text.slice(0, cut + 1).search(/\s\S*$/);
  if (space >= Math.floor(cut * 0.8)) cut = space;
  return `${text.slice(0, cut).trimEnd()}…`;
}
