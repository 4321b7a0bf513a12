import {
  byteOffset,
  EntityBuilder,
  EntityParseError,
  type EntityWithoutRange,
  type FormattedText,
} from "./formatted.js";

/** Tags Telegram's HTML parse mode accepts, mapped to the entity they produce. */
const SIMPLE_TAGS: Record<string, "bold" | "italic" | "underline" | "strikethrough" | "spoiler"> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
};
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  start: number;
  attributes: Record<string, string>;
}

/** Parses parse_mode "HTML" as strictly as Telegram: unknown or unbalanced tags are errors. */
export function parseHtml(source: string): FormattedText {
  const out = new EntityBuilder();
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === "&") {
      const decoded = decodeEntity(source, i);
      out.text += decoded.text;
      i = decoded.end;
      continue;
    }
    if (ch !== "<") {
      out.text += ch;
      i++;
      continue;
    }
    const end = source.indexOf(">", i);
    if (end === -1) throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(source, i)}`);
    const raw = source.slice(i + 1, end);
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(source, i)}`);
      if (open.name !== name) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${byteOffset(source, i)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const entity = entityFor(open, stack);
      if (entity) out.close(entity, open.start);
    } else {
      stack.push(openTag(source, raw, i, out.text.length));
    }
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return out.result();
}

function openTag(source: string, raw: string, at: number, start: number): OpenTag {
  const match = /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*$/.exec(raw);
  const name = match?.[1]?.toLowerCase();
  const known = name !== undefined && (name in SIMPLE_TAGS || /^(a|code|pre|span|blockquote|tg-emoji)$/.test(name));
  if (!match || !known) {
    throw new EntityParseError(`Unsupported start tag "${name ?? raw}" at byte offset ${byteOffset(source, at)}`);
  }
  const attributes: Record<string, string> = {};
  for (const attr of (match[2] ?? "").matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attributes[(attr[1] as string).toLowerCase()] = decodeAll(attr[2] ?? attr[3] ?? attr[4] ?? "");
  }
  if (name === "span" && attributes.class !== "tg-spoiler") {
    throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, at)}`);
  }
  if (name === "tg-emoji" && !attributes["emoji-id"]) {
    throw new EntityParseError(
      `Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${byteOffset(source, at)}`,
    );
  }
  return { name, start, attributes };
}

/** The entity a closed tag produces; undefined when Telegram keeps only the text. */
function entityFor(open: OpenTag, stack: OpenTag[]): EntityWithoutRange | undefined {
  const simple = SIMPLE_TAGS[open.name];
  if (simple) return { type: simple };
  switch (open.name) {
    case "span":
      return { type: "spoiler" };
    case "a": {
      const href = open.attributes.href;
      if (!href) return undefined; // Telegram keeps the text and drops a link without href.
      const userId = /^tg:\/\/user\?id=(\d+)$/.exec(href)?.[1];
      if (userId) {
        return { type: "text_mention", user: { id: Number(userId), is_bot: false, first_name: "" } };
      }
      return { type: "text_link", url: href };
    }
    case "code": {
      // <pre><code class="language-x"> is one pre entity with a language, not two entities.
      const parent = stack.at(-1);
      const language = /^language-(.+)$/.exec(open.attributes.class ?? "")?.[1];
      if (parent?.name === "pre" && language) {
        parent.attributes.language = language;
        return undefined;
      }
      return { type: "code" };
    }
    case "pre": {
      const language = open.attributes.language;
      return language ? { type: "pre", language } : { type: "pre" };
    }
    case "blockquote":
      return { type: "expandable" in open.attributes ? "expandable_blockquote" : "blockquote" };
    case "tg-emoji":
      return { type: "custom_emoji", custom_emoji_id: open.attributes["emoji-id"] ?? "" };
  }
}

/** Decodes one `&…;` reference; unknown names stay literal as Telegram leaves them. */
function decodeEntity(source: string, at: number): { text: string; end: number } {
  const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(source.slice(at, at + 12));
  if (!match) return { text: "&", end: at + 1 };
  const body = match[1] as string;
  const end = at + match[0].length;
  if (body.startsWith("#")) {
    const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    if (code > 0 && code <= 0x10ffff) return { text: String.fromCodePoint(code), end };
    return { text: match[0], end };
  }
  const named = NAMED_ENTITIES[body.toLowerCase()];
  return named === undefined ? { text: match[0], end } : { text: named, end };
}

function decodeAll(value: string): string {
  let result = "";
  for (let i = 0; i < value.length; ) {
    if (value[i] === "&") {
      const decoded = decodeEntity(value, i);
      result += decoded.text;
      i = decoded.end;
    } else {
      result += value[i];
      i++;
    }
  }
  return result;
}
