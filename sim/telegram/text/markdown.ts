import {
  byteOffset,
  EntityBuilder,
  EntityParseError,
  type EntityWithoutRange,
  type FormattedText,
} from "./formatted.js";

/** Characters MarkdownV2 reserves; each must be escaped with `\` unless it forms an entity. */
const RESERVED = new Set("_*[]()~`>#+-=|{}.!");

type Kind = "bold" | "italic" | "underline" | "strikethrough" | "spoiler" | "text_link" | "custom_emoji";
const MARKERS: Array<[string, Kind]> = [
  ["||", "spoiler"],
  ["__", "underline"],
  ["*", "bold"],
  ["_", "italic"],
  ["~", "strikethrough"],
];
/** Names Telegram uses in "Can't find end of X entity" errors. */
const ERROR_NAMES: Record<Kind | "code" | "pre", string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  text_link: "TextUrl",
  custom_emoji: "CustomEmoji",
  code: "Code",
  pre: "Pre",
};

interface Open {
  kind: Kind;
  start: number;
  at: number;
}

/** Parses parse_mode "MarkdownV2" with Telegram's rule that stray reserved characters are errors. */
export function parseMarkdownV2(source: string): FormattedText {
  const out = new EntityBuilder();
  const stack: Open[] = [];
  let quoteStart = -1;
  let i = 0;
  const fail = (message: string, at: number): never => {
    throw new EntityParseError(message.replace("{at}", String(byteOffset(source, at))));
  };
  while (i < source.length) {
    const ch = source[i] as string;
    const lineStart = i === 0 || source[i - 1] === "\n";
    if (lineStart && quoteStart !== -1 && ch !== ">") {
      out.close({ type: "blockquote" }, quoteStart);
      quoteStart = -1;
    }
    if (ch === "\\") {
      const next = source[i + 1];
      if (next === undefined) fail("Character '\\' is reserved and must be escaped with the preceding '\\'", i);
      out.text += next;
      i += 2;
      continue;
    }
    if (ch === ">" && lineStart) {
      // The trailing newline belongs to the quote in Telegram's output, but the entity ends before it.
      if (quoteStart === -1) quoteStart = out.text.length;
      i++;
      continue;
    }
    if (ch === "`") {
      const fence = source.startsWith("```", i);
      const delimiter = fence ? "```" : "`";
      const close = findUnescaped(source, delimiter, i + delimiter.length);
      if (close === -1) fail(`Can't find end of ${fence ? "Pre" : "Code"} entity at byte offset {at}`, i);
      let body = unescapeCode(source.slice(i + delimiter.length, close));
      let language: string | undefined;
      if (fence) {
        const newline = body.indexOf("\n");
        if (newline > 0 && /^[\w+#-]+$/.test(body.slice(0, newline))) language = body.slice(0, newline);
        if (newline >= 0) body = body.slice(newline + 1);
      }
      const start = out.text.length;
      out.text += body;
      out.close(fence ? (language ? { type: "pre", language } : { type: "pre" }) : { type: "code" }, start);
      i = close + delimiter.length;
      continue;
    }
    if (ch === "[" || (ch === "!" && source[i + 1] === "[")) {
      stack.push({ kind: ch === "!" ? "custom_emoji" : "text_link", start: out.text.length, at: i });
      i += ch === "!" ? 2 : 1;
      continue;
    }
    if (ch === "]") {
      const open = stack.pop();
      if (!open || (open.kind !== "text_link" && open.kind !== "custom_emoji")) {
        fail("Character ']' is reserved and must be escaped with the preceding '\\'", i);
        return out.result();
      }
      if (source[i + 1] !== "(") {
        fail(`Can't find end of ${ERROR_NAMES[open.kind]} entity at byte offset {at}`, open.at);
      }
      const close = findUnescaped(source, ")", i + 2);
      if (close === -1) fail("Can't find end of a URL at byte offset {at}", i + 1);
      const url = source.slice(i + 2, close).replace(/\\([)\\])/g, "$1");
      const userId = /^tg:\/\/user\?id=(\d+)$/.exec(url)?.[1];
      const emojiId = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
      const entity: EntityWithoutRange =
        open.kind === "custom_emoji"
          ? { type: "custom_emoji", custom_emoji_id: emojiId ?? url }
          : userId
            ? { type: "text_mention", user: { id: Number(userId), is_bot: false, first_name: "" } }
            : { type: "text_link", url };
      out.close(entity, open.start);
      i = close + 1;
      continue;
    }
    const marker = MARKERS.find(([m]) => source.startsWith(m, i));
    if (marker) {
      const [text, kind] = marker;
      const top = stack.at(-1);
      if (top?.kind === kind) {
        stack.pop();
        out.close({ type: kind } as EntityWithoutRange, top.start);
      } else if (stack.some((open) => open.kind === kind)) {
        fail(`Can't find end of ${ERROR_NAMES[top?.kind ?? kind]} entity at byte offset {at}`, top?.at ?? i);
      } else {
        stack.push({ kind, start: out.text.length, at: i });
      }
      i += text.length;
      continue;
    }
    if (RESERVED.has(ch)) fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`, i);
    out.text += ch;
    i++;
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end of ${ERROR_NAMES[unclosed.kind]} entity at byte offset {at}`, unclosed.at);
  if (quoteStart !== -1) out.close({ type: "blockquote" }, quoteStart);
  return out.result();
}

/** Legacy parse_mode "Markdown": only * _ ` ``` and [text](url); everything else is literal. */
export function parseMarkdownLegacy(source: string): FormattedText {
  const out = new EntityBuilder();
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === "\\" && i + 1 < source.length && "*_`[".includes(source[i + 1] as string)) {
      out.text += source[i + 1];
      i += 2;
      continue;
    }
    const delimiter = source.startsWith("```", i) ? "```" : "*_`".includes(ch) ? ch : ch === "[" ? "]" : undefined;
    if (!delimiter) {
      out.text += ch;
      i++;
      continue;
    }
    const from = i + (delimiter === "]" ? 1 : delimiter.length);
    const close = source.indexOf(delimiter, from);
    if (close === -1) {
      throw new EntityParseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, i)}`);
    }
    const start = out.text.length;
    out.text += source.slice(from, close);
    if (delimiter === "]") {
      const url = /^\(([^)]*)\)/.exec(source.slice(close + 1));
      if (url) out.close({ type: "text_link", url: url[1] as string }, start);
      i = close + 1 + (url ? url[0].length : 0);
      continue;
    }
    const type = delimiter === "*" ? "bold" : delimiter === "_" ? "italic" : delimiter === "`" ? "code" : "pre";
    out.close({ type }, start);
    i = close + delimiter.length;
  }
  return out.result();
}

function findUnescaped(source: string, needle: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === "\\") {
      i++;
      continue;
    }
    if (source.startsWith(needle, i)) return i;
  }
  return -1;
}

/** Inside code, only ` and \ are escaped. */
const unescapeCode = (body: string): string => body.replace(/\\([`\\])/g, "$1");
