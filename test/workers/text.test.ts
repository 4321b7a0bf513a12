import { describe, expect, it } from "vitest";
import { escapeAttribute, escapeHtml, splitMessage, truncate } from "../../src/telegram/text";

/** Content without whitespace, to compare input and output modulo whitespace at split points. */
const squeeze = (text: string) => text.replace(/\s+/g, "");

function expectValidChunks(text: string, chunks: string[], limit: number) {
  for (const chunk of chunks) {
    expect(chunk.length).toBeGreaterThan(0);
    expect(chunk.length).toBeLessThanOrEqual(limit);
    expect(chunk.trim()).not.toBe("");
    // No lone surrogate at either end.
    expect(chunk.charCodeAt(chunk.length - 1) >= 0xd800 && chunk.charCodeAt(chunk.length - 1) <= 0xdbff).toBe(false);
    expect(chunk.charCodeAt(0) >= 0xdc00 && chunk.charCodeAt(0) <= 0xdfff).toBe(false);
  }
  expect(squeeze(chunks.join(""))).toBe(squeeze(text));
}

describe("escapeHtml", () => {
  it.each([
    ["plain text", "hello", "hello"],
    ["ampersand first so entities are not double-escaped", "a & b <c>", "a &amp; b &lt;c&gt;"],
    ["an existing entity-looking string", "&lt;", "&amp;lt;"],
    ["a fake tag", "<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"],
    ["quotes left alone in text", `say "hi"`, `say "hi"`],
    ["Chinese and emoji untouched", "你好 🎬", "你好 🎬"],
  ])("escapes %s", (_label, input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it("escapes double quotes for attribute values", () => {
    expect(escapeAttribute(`https://x.test/?a=1&b="2"`)).toBe("https://x.test/?a=1&amp;b=&quot;2&quot;");
  });
});

describe("splitMessage", () => {
  it.each([
    ["short text", "hello world", 4096, ["hello world"]],
    ["text exactly at the limit", "abcde", 5, ["abcde"]],
    [
      "paragraphs",
      "First paragraph here.\n\nSecond paragraph here.",
      30,
      ["First paragraph here.", "Second paragraph here."],
    ],
    ["lines", "line one is here\nline two is here", 20, ["line one is here", "line two is here"]],
    ["sentences", "One sentence. Two sentence. Three.", 28, ["One sentence. Two sentence.", "Three."]],
    [
      "Chinese sentences",
      "第一句话在这里。第二句话在这里！第三句？",
      16,
      ["第一句话在这里。第二句话在这里！", "第三句？"],
    ],
    ["words", "alpha beta gamma delta epsilon", 12, ["alpha beta", "gamma delta", "epsilon"]],
    [
      "a decimal is not a sentence end",
      "Title 2.5s long then more words",
      14,
      ["Title 2.5s", "long then more", "words"],
    ],
  ])("splits %s at the best boundary", (_label, text, limit, expected) => {
    expect(splitMessage(text, limit)).toEqual(expected);
  });

  it.each([
    ["empty", ""],
    ["whitespace only", "  \n\n  "],
  ])("returns no chunks for %s text", (_label, text) => {
    expect(splitMessage(text)).toEqual([]);
  });

  it("cuts hard when there is no boundary, keeping every chunk within the limit", () => {
    const text = "x".repeat(10_000);
    const chunks = splitMessage(text);
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expectValidChunks(text, chunks, 4096);
  });

  it("never breaks a surrogate pair on a hard cut", () => {
    const text = `a${"😀".repeat(50)}`;
    const chunks = splitMessage(text, 10);
    expectValidChunks(text, chunks, 10);
    expect(chunks.join("")).toBe(text);
  });

  it("does not cut an escaped HTML entity in two", () => {
    const text = escapeHtml("&".repeat(30));
    const chunks = splitMessage(text, 12);
    for (const chunk of chunks) expect(chunk).toMatch(/^(&amp;)+$/);
    expect(chunks.join("")).toBe(text);
  });

  it("does not make a tiny first chunk from an early paragraph break", () => {
    const text = `Hi\n\n${"word ".repeat(40)}`;
    const [first] = splitMessage(text, 100);
    expect(first?.length).toBeGreaterThan(50);
  });

  it.each([50, 100, 333, 4096])("keeps content and limits for mixed long text at limit %i", (limit) => {
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(
        i % 7 === 0 ? "\n\n" : "",
        i % 3 === 0
          ? `第${i}句中文内容，带逗号。`
          : `Sentence ${i} has words 🎬 and a URL https://x.test/a.mp4?b=${i}. `,
      );
    }
    parts.push("z".repeat(limit * 2));
    const text = parts.join("");
    expectValidChunks(text, splitMessage(text, limit), limit);
  });
});

describe("truncate", () => {
  it.each([
    ["short text unchanged", "hello", 10, "hello"],
    ["at a word break near the end", "hello wonderful world", 18, "hello wonderful…"],
    ["hard when no word break is near", "abcdefghijklmnop", 8, "abcdefg…"],
    ["without splitting an emoji", "ab😀😀😀", 4, "ab…"],
  ])("shortens %s", (_label, text, limit, expected) => {
    const result = truncate(text, limit);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(limit);
  });

  it("fits a caption within 1024 by default", () => {
    expect(truncate("word ".repeat(500)).length).toBeLessThanOrEqual(1024);
  });
});
