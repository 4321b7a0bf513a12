import { describe, expect, it } from "vitest";
import { type Lang, t } from "../../src/i18n";
import {
  type DraftChange,
  describeTimeline,
  diffDrafts,
  isExportable,
  suggestNextSteps as nextSteps,
  readNumber,
  readText,
  type TrackLine,
  titleOf,
  totalDurationMs,
} from "../../src/nemo/draft";

/** The draft folder returns structured results; the i18n layer words them, as the bot sends them. */
const formatChanges = (changes: readonly DraftChange[], lang: Lang) => t(lang).draft.changes(changes);
const formatTimeline = (lines: readonly TrackLine[], lang: Lang) => t(lang).draft.timeline(lines);
const suggestNextSteps = (after: unknown, changes: readonly DraftChange[], lang: Lang) =>
  nextSteps(after, changes).map((step) => t(lang).suggestions[step]);

/**
 * The reader and the diff against drafts as the real service may send them (nemo-api.md §4.4, §21): one
 * field of another type is read or skipped on its own, never the whole draft; style-only edits under any
 * key spelling are reported field by field.
 */

const TIDY = {
  t: [
    { tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, m: { name: "city timelapse" } }] },
    { tt: 1, sg: [{ id: "a1", st: 0, d: 10_000, m: { name: "Lo-fi", volume: 0.35 } }] },
    { tt: 7, m: { name: "Title" }, sg: [{ id: "t1", st: 0, d: 3000, m: { text: "Urban Dreams", size: 48 } }] },
  ],
  d: 10_000,
};

/** The same draft with drifted field types: what a drifting state read sends. */
const DRIFTED = {
  t: [
    { tt: "0", sg: [{ id: "v1", st: "0", d: "10000", m: { name: "city timelapse" } }] },
    { tt: "1", sg: [{ id: "a1", st: 0, d: "10000ms", m: { name: "Lo-fi", volume: "35%" } }] },
    {
      tt: "7",
      m: { name: "Title" },
      sg: [{ id: "t1", st: 0, d: "3s", m: { text: { content: "Urban Dreams" }, size: "48px" } }],
    },
  ],
  d: "10000",
};

const one = (track: Record<string, unknown>) => ({ t: [track] });

describe("the field reader", () => {
  it.each<[string, unknown, ReturnType<typeof readNumber>]>([
    ["a number", 48, { value: 48 }],
    ["a numeric string", "10000", { value: 10_000 }],
    ["pixels", "48px", { value: 48, unit: "px" }],
    ["a percentage", "35%", { value: 35, unit: "%" }],
    ["seconds with a space", " 1.5 s", { value: 1.5, unit: "s" }],
    ["words", "big", undefined],
    ["NaN", Number.NaN, undefined],
    ["an object", { value: 3 }, undefined],
  ])("reads %s as a number", (_label, value, expected) => {
    expect(readNumber(value)).toEqual(expected);
  });

  it.each<[string, unknown, string | undefined]>([
    ["a string", "  Harbor   Lights ", "Harbor Lights"],
    ["{content}", { content: "Hi" }, "Hi"],
    ["{text}", { text: "Hi" }, "Hi"],
    ["{value}", { value: "Hi" }, "Hi"],
    ["a number", 2024, "2024"],
    ["an empty string", "  ", undefined],
    ["an array", ["Hi"], undefined],
    ["an object without text", { font: "Arial" }, undefined],
  ])("reads %s as text", (_label, value, expected) => {
    expect(readText(value)).toBe(expected);
  });
});

describe("a drifted draft reads like the tidy one", () => {
  it("gives the same timeline summary, length, title and exportability", () => {
    const summary = formatTimeline(describeTimeline(DRIFTED), "en");
    expect(summary).toBe(formatTimeline(describeTimeline(TIDY), "en"));
    expect(summary).toBe(
      'Timeline (3 tracks):\n1. Video: city timelapse (0-10s)\n2. BGM: Lo-fi (0-10s, 35%)\n3. Title: "Urban Dreams" (0-3s)',
    );
    expect(totalDurationMs(DRIFTED)).toBe(10_000);
    expect(titleOf(DRIFTED)).toBe("Urban Dreams");
    expect(isExportable(DRIFTED)).toBe(true);
  });

  it("is no change against the tidy form, in either direction", () => {
    expect(diffDrafts(TIDY, DRIFTED)).toEqual([]);
    expect(diffDrafts(DRIFTED, TIDY)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["a numeric-string volume", one({ tt: 1, sg: [{ m: { name: "x", volume: "35%" } }] }), "BGM: x (35%)"],
    ["string times", one({ tt: 0, sg: [{ st: "2000", d: "3000", m: { name: "a" } }] }), "Video: a (2-5s)"],
    ["times in seconds", one({ tt: 0, sg: [{ st: "0s", d: "10s", m: { name: "a" } }] }), "Video: a (0-10s)"],
    ["a non-numeric duration, omitted", one({ tt: 0, sg: [{ d: "soon", m: { name: "a" } }] }), "Video: a"],
    ["a text object", one({ tt: 7, sg: [{ m: { text: { text: "Hey" } } }] }), 'Title: "Hey"'],
    ["a type word for audio", one({ tt: "audio", sg: [{ m: { name: "song" } }] }), "BGM: song"],
    ["a type word for text", one({ tt: "text", sg: [{ m: { text: "Hi" } }] }), 'Title: "Hi"'],
    ["an unknown type word", one({ tt: "sticker", sg: [{ m: { name: "star" } }] }), "Track: star"],
    ["a number as a name", one({ tt: 0, sg: [{ m: { name: 5 } }] }), "Video: 5"],
    ["an unreadable volume, skipped", one({ tt: 1, sg: [{ m: { name: "x", volume: "loud" } }] }), "BGM: x"],
  ])("lists %s", (_label, draft, line) => {
    expect(formatTimeline(describeTimeline(draft), "en")).toBe(`Timeline (1 track):\n1. ${line}`);
  });

  it("keeps the readable tracks when one track is unreadable", () => {
    const draft = { t: [{ tt: 0, sg: [{ d: 1000, m: { name: "a" } }] }, "garbage", { tt: 1, sg: "nope" }] };
    expect(formatTimeline(describeTimeline(draft), "en")).toBe("Timeline (1 track):\n1. Video: a (0-1s)");
    expect(isExportable(draft)).toBe(true);
  });
});

/** A draft with a video clip and the title "Harbor Lights" whose `m` has these extra fields. */
const titled = (m: Record<string, unknown>) => ({
  t: [
    { tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, m: { name: "city" } }] },
    { tt: 7, m: { name: "Title" }, sg: [{ id: "t1", st: 0, d: 3000, m: { text: "Harbor Lights", ...m } }] },
  ],
  d: 10_000,
});

describe("style-only and other field changes", () => {
  it.each<[string, unknown, unknown, string, string]>([
    [
      "colour, size and position (color / font_size)",
      titled({ color: "#FFFFFF", font_size: 48 }),
      titled({ color: "#FF3B30", font_size: 72, position: "top" }),
      '• Title "Harbor Lights": colour → #FF3B30, font size 48 → 72, position → top',
      "• 标题 “Harbor Lights”：颜色 → #FF3B30，字号 48 → 72，位置 → top",
    ],
    [
      "fontColor and fontSize with drifted types",
      titled({ fontColor: "#FFFFFF", fontSize: 48 }),
      titled({ fontColor: "#ff3b30", fontSize: "72px" }),
      '• Title "Harbor Lights": colour → #FF3B30, font size 48 → 72',
      "• 标题 “Harbor Lights”：颜色 → #FF3B30，字号 48 → 72",
    ],
    [
      "a fade added (colour spelled the British way)",
      titled({ colour: "#FFFFFF" }),
      titled({ colour: "#FFFFFF", fade_in: 0.5 }),
      '• Title "Harbor Lights": fade in → 0.5',
      "• 标题 “Harbor Lights”：淡入 → 0.5",
    ],
    [
      "an undocumented key, humanised",
      titled({ letterSpacing: 2 }),
      titled({ letterSpacing: 4 }),
      '• Title "Harbor Lights": letter spacing 2 → 4',
      "• 标题 “Harbor Lights”：letter spacing 2 → 4",
    ],
    [
      "a nested object, summarised",
      titled({ animation: { type: "pop" } }),
      titled({ animation: { type: "slide", ms: 300 } }),
      '• Title "Harbor Lights": animation changed',
      "• 标题 “Harbor Lights”：动画已更改",
    ],
    [
      "a nested object added",
      titled({}),
      titled({ shadowConfig: { blur: 2 } }),
      '• Title "Harbor Lights": shadow config → 1 setting',
      "• 标题 “Harbor Lights”：shadow config → 1 项设置",
    ],
    [
      "a style removed",
      titled({ size: 48 }),
      titled({}),
      '• Title "Harbor Lights": font size removed',
      "• 标题 “Harbor Lights”：字号已移除",
    ],
    [
      "a flag and a list",
      titled({ bold: false }),
      titled({ bold: true, effects: ["glow", "pop"] }),
      '• Title "Harbor Lights": bold → on, effects → 2 items',
      "• 标题 “Harbor Lights”：粗体 → 开，effects → 2 项",
    ],
    ["a re-typed value only", titled({ size: 48 }), titled({ size: "48px" }), "", ""],
  ])("reports %s", (_label, before, after, en, zh) => {
    expect(formatChanges(diffDrafts(before, after), "en")).toBe(en);
    expect(formatChanges(diffDrafts(before, after), "zh")).toBe(zh);
  });

  it("reports segments that changed the same way as one line", () => {
    const captions = (color: string) =>
      one({
        tt: 7,
        m: { name: "Captions" },
        sg: [1, 2, 3].map((i) => ({ id: `c${i}`, st: i * 1000, d: 1000, m: { text: `Line ${i}`, color } })),
      });
    expect(formatChanges(diffDrafts(captions("#FFFFFF"), captions("#FFD60A")), "en")).toBe(
      '• Title "Captions" (3 clips): colour → #FFD60A',
    );
  });

  it("reports a change of the track's own settings", () => {
    const music = (m: Record<string, unknown>) =>
      one({ tt: 1, m: { name: "Music", ...m }, sg: [{ id: "a", st: 0, d: 1000, m: { name: "Lo-fi" } }] });
    expect(formatChanges(diffDrafts(music({}), music({ ducking: true })), "en")).toBe("• BGM (Music): ducking → on");
  });

  it("matches tracks by id when they moved", () => {
    const a = { id: "trkA", tt: 7, sg: [{ id: "x", m: { text: "A", color: "#FFFFFF" } }] };
    const b = { id: "trkB", tt: 7, sg: [{ id: "y", m: { text: "B" } }] };
    const after = { ...a, sg: [{ id: "x", m: { text: "A", color: "#000000" } }] };
    expect(formatChanges(diffDrafts({ t: [a, b] }, { t: [b, after] }), "en")).toBe('• Title "A": colour → #000000');
  });

  it("never calls a draft unchanged when anything in it changed", () => {
    const clip = (extra: Record<string, unknown>) => one({ tt: 0, sg: [{ id: "a", st: 0, d: 1000, ...extra }] });
    const changes = diffDrafts(clip({ transition: "fade" }), clip({ transition: "cut" }));
    expect(changes).toEqual([{ kind: "updated" }]);
    expect(formatChanges(changes, "en")).toMatch(/updated/);
    expect(formatChanges(changes, "zh")).toMatch(/已更新/);
  });

  it.each([
    ["nested arrays", { deep: [[{ a: 1 }]] }],
    ["NaN and Infinity", { opacity: Number.NaN, speed: Number.POSITIVE_INFINITY }],
    ["null", { color: null }],
    ["a string holding JSON", { style: '{"color":"#FFF"}', extra: "[1,2" }],
    ["a long text", { subtitle: "x".repeat(300) }],
    ["an object in a known key", { color: { r: 255, g: 0, b: 0 } }],
  ])("never words a change with JSON, undefined or NaN (%s)", (_label, extra) => {
    for (const [before, after] of [
      [titled({}), titled(extra)],
      [titled(extra), titled({})],
    ]) {
      for (const lang of ["en", "zh"] as const) {
        const text = formatChanges(diffDrafts(before, after), lang);
        expect(text).not.toMatch(/undefined|NaN|\[object|[{}[\]]|Infinity/);
        expect(text.length).toBeLessThan(200);
        expect(suggestNextSteps(after, diffDrafts(before, after), lang).length).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe("next steps after a style-only edit", () => {
  it("proposes two or three steps and does not echo the restyle back", () => {
    const before = titled({ color: "#FFFFFF" });
    const after = titled({ color: "#FF3B30" });
    for (const lang of ["en", "zh"] as const) {
      const steps = suggestNextSteps(after, diffDrafts(before, after), lang);
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(steps.length).toBeLessThanOrEqual(3);
    }
    const en = suggestNextSteps(after, diffDrafts(before, after), "en");
    expect(en).toContain("Move the title or let it fade in");
    expect(en).not.toContain("Make the title bigger or change its colour");
  });
});
