import { describe, expect, it } from "vitest";
import { type Lang, t } from "../../src/i18n";
import {
  type DraftChange,
  type DraftLike,
  describeTimeline,
  diffDrafts,
  isExportable,
  suggestNextSteps as nextSteps,
  type TrackLine,
  totalDurationMs,
} from "../../src/nemo/draft";

/** The draft folder returns structured results; the i18n layer words them, as the bot sends them. */
const formatChanges = (changes: readonly DraftChange[], lang: Lang) => t(lang).draft.changes(changes);
const formatTimeline = (lines: readonly TrackLine[], lang: Lang) => t(lang).draft.timeline(lines);
const suggestNextSteps = (after: unknown, changes: readonly DraftChange[], lang: Lang) =>
  nextSteps(after, changes).map((step) => t(lang).suggestions[step]);

/** The vendor's example timeline (seeds: "Timeline (3 tracks): 1. Video: city timelapse (0-10s) …"). */
const CITY: DraftLike = {
  t: [
    { tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, m: { name: "city timelapse", src: "https://cdn.test/city.mp4" } }] },
    { tt: 1, sg: [{ id: "a1", st: 0, d: 10_000, m: { name: "Lo-fi", volume: 0.35 } }] },
    { tt: 7, sg: [{ id: "t1", st: 0, d: 3000, m: { text: "Urban Dreams" } }] },
  ],
  d: 10_000,
  m: { title: "City", width: 1080, height: 1920 },
};

type EditableSegment = {
  id?: string;
  st?: number;
  d?: number;
  m: { name?: string; text?: string; volume?: number };
};
type EditableDraft = {
  t: { tt: number; sg: EditableSegment[] }[];
  d?: number;
  m?: Record<string, unknown>;
};
/** A segment of a cloned fixture, to edit in place. */
function seg(draft: EditableDraft, track: number, index = 0): EditableSegment {
  const segment = draft.t[track]?.sg[index];
  if (!segment) throw new Error(`fixture has no segment ${track}/${index}`);
  return segment;
}

const withTracks = (...t: unknown[]) => ({ t }) as DraftLike;
const clone = (draft: DraftLike): DraftLike => structuredClone(draft);

describe("isExportable", () => {
  it.each([
    ["the example draft", CITY, true],
    ["one track with one segment", withTracks({ tt: 0, sg: [{}] }), true],
    ["tracks without segments", withTracks({ tt: 0, sg: [] }, { tt: 1 }), false],
    ["no tracks", { t: [] }, false],
    ["t not an array", { t: { 0: { sg: [{}] } } }, false],
    ["sg not an array", withTracks({ sg: "x" }), false],
    ["a null track", withTracks(null), false],
    ["an empty object", {}, false],
    ["undefined", undefined, false],
    ["null", null, false],
    ["a string", "draft", false],
  ])("says %s is %s", (_label, draft, expected) => {
    expect(isExportable(draft)).toBe(expected);
  });
});

describe("describeTimeline and formatTimeline", () => {
  it("reproduces the vendor's example, one track per line", () => {
    expect(formatTimeline(describeTimeline(CITY), "en")).toBe(
      'Timeline (3 tracks):\n1. Video: city timelapse (0-10s)\n2. BGM: Lo-fi (0-10s, 35%)\n3. Title: "Urban Dreams" (0-3s)',
    );
  });

  it("renders the example in Chinese", () => {
    expect(formatTimeline(describeTimeline(CITY), "zh")).toBe(
      "时间线（3 条轨道）：\n1. 视频：city timelapse（0-10s）\n2. 背景音乐：Lo-fi（0-10s，35%）\n3. 标题：“Urban Dreams”（0-3s）",
    );
  });

  it("describes each track with kind, label, span and volume", () => {
    expect(describeTimeline(CITY)).toEqual([
      { index: 1, kind: "video", label: "city timelapse", segmentCount: 1, startMs: 0, endMs: 10_000 },
      { index: 2, kind: "bgm", label: "Lo-fi", segmentCount: 1, startMs: 0, endMs: 10_000, volumePct: 35 },
      {
        index: 3,
        kind: "title",
        label: "Urban Dreams",
        texts: ["Urban Dreams"],
        segmentCount: 1,
        startMs: 0,
        endMs: 3000,
      },
    ]);
  });

  it.each([
    ["no draft", undefined],
    ["an empty draft", {}],
    ["only empty tracks", withTracks({ tt: 0, sg: [] })],
    ["garbage", 42],
  ])("gives undefined for %s", (_label, draft) => {
    expect(formatTimeline(describeTimeline(draft), "en")).toBeUndefined();
  });

  it.each([
    [
      "singular header",
      withTracks({ tt: 0, sg: [{ st: 0, d: 5000, m: { name: "beach" } }] }),
      "Timeline (1 track):\n1. Video: beach (0-5s)",
    ],
    [
      "half seconds",
      withTracks({ tt: 7, sg: [{ st: 500, d: 2000, m: { text: "Hi" } }] }),
      'Timeline (1 track):\n1. Title: "Hi" (0.5-2.5s)',
    ],
    [
      "times omitted when absent",
      withTracks({ tt: 1, sg: [{ m: { name: "Lo-fi" } }] }),
      "Timeline (1 track):\n1. BGM: Lo-fi",
    ],
    [
      "volume without times",
      withTracks({ tt: 1, sg: [{ m: { name: "Lo-fi", volume: 0.5 } }] }),
      "Timeline (1 track):\n1. BGM: Lo-fi (50%)",
    ],
    [
      "only a start",
      withTracks({ tt: 0, sg: [{ st: 2000, m: { name: "clip" } }] }),
      "Timeline (1 track):\n1. Video: clip (from 2s)",
    ],
    [
      "sequential clips without start offsets",
      withTracks({
        tt: 0,
        sg: [
          { d: 3000, m: { name: "a" } },
          { d: 4000, m: { name: "b" } },
        ],
      }),
      "Timeline (1 track):\n1. Video: a, b (0-7s)",
    ],
    [
      "several segments, span min start to max end",
      withTracks({
        tt: 0,
        sg: [
          { st: 5000, d: 5000, m: { name: "b" } },
          { st: 0, d: 5000, m: { name: "a" } },
        ],
      }),
      "Timeline (1 track):\n1. Video: b, a (0-10s)",
    ],
    [
      "many segments, named up to three",
      withTracks({
        tt: 0,
        sg: ["p1", "p2", "p3", "p4", "p5"].map((name, i) => ({ st: i * 2000, d: 2000, m: { name } })),
      }),
      "Timeline (1 track):\n1. Video: p1, p2, p3 +2 (0-10s)",
    ],
    [
      "duplicate names once",
      withTracks({ tt: 0, sg: [{ m: { name: "photo" } }, { m: { name: "photo" } }] }),
      "Timeline (1 track):\n1. Video: photo",
    ],
    [
      "two titles quoted",
      withTracks({
        tt: 7,
        sg: [
          { st: 0, d: 3000, m: { text: "Hi" } },
          { st: 7000, d: 3000, m: { text: "Bye" } },
        ],
      }),
      'Timeline (1 track):\n1. Title: "Hi", "Bye" (0-10s)',
    ],
    [
      "the file name when there is no name",
      withTracks({ tt: 0, sg: [{ st: 0, d: 1000, m: { src: "https://cdn.test/u/beach%20day.mp4?sig=1" } }] }),
      "Timeline (1 track):\n1. Video: beach day.mp4 (0-1s)",
    ],
    [
      "the track name when segments have none",
      withTracks({ tt: 1, m: { name: "Music" }, sg: [{ st: 0, d: 1000 }] }),
      "Timeline (1 track):\n1. BGM: Music (0-1s)",
    ],
    [
      "a clip count when nothing names it",
      withTracks({
        tt: 0,
        sg: [
          { st: 0, d: 1000 },
          { st: 1000, d: 1000 },
        ],
      }),
      "Timeline (1 track):\n1. Video: 2 clips (0-2s)",
    ],
    ["an unknown track type", withTracks({ tt: 3, sg: [{ m: { name: "fx" } }] }), "Timeline (1 track):\n1. Track: fx"],
    [
      "a numeric-string track type",
      withTracks({ tt: "7", sg: [{ m: { text: "Hey" } }] }),
      'Timeline (1 track):\n1. Title: "Hey"',
    ],
    [
      "a muted video clip",
      withTracks({ tt: 0, sg: [{ m: { name: "a", volume: 0 } }] }),
      "Timeline (1 track):\n1. Video: a (0%)",
    ],
    [
      "full video volume left out",
      withTracks({ tt: 0, sg: [{ m: { name: "a", volume: 1 } }] }),
      "Timeline (1 track):\n1. Video: a",
    ],
    [
      "volume given as a percentage",
      withTracks({ tt: 1, sg: [{ m: { name: "x", volume: 35 } }] }),
      "Timeline (1 track):\n1. BGM: x (35%)",
    ],
    [
      "a long title shortened",
      withTracks({ tt: 7, sg: [{ m: { text: "A".repeat(60) } }] }),
      `Timeline (1 track):\n1. Title: "${"A".repeat(39)}…"`,
    ],
  ])("formats %s", (_label, draft, expected) => {
    expect(formatTimeline(describeTimeline(draft), "en")).toBe(expected);
  });

  it.each([
    ["segments that are not objects", withTracks({ tt: 0, sg: [null, 3, "x", { m: { name: "ok" } }] })],
    [
      "fields of the wrong type",
      withTracks({
        tt: {},
        m: 5,
        sg: [{ id: {}, st: "0", d: Number.NaN, m: { name: 5, text: [], volume: "1", src: 9 } }],
      }),
    ],
    ["tracks that are not objects", { t: [1, "a", null, [], { tt: 0, sg: [{}] }] }],
    ["infinite numbers", withTracks({ tt: 0, sg: [{ st: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY }] })],
  ])("never throws on %s", (_label, draft) => {
    expect(() => formatTimeline(describeTimeline(draft), "en")).not.toThrow();
    expect(() => formatTimeline(describeTimeline(draft), "zh")).not.toThrow();
    expect(() => diffDrafts(draft, CITY)).not.toThrow();
    expect(() => diffDrafts(CITY, draft)).not.toThrow();
    expect(() => suggestNextSteps(draft, [], "en")).not.toThrow();
    expect(formatTimeline(describeTimeline(draft), "en")).not.toMatch(/undefined|NaN|\[object/);
  });
});

describe("totalDurationMs", () => {
  it.each([
    ["draft.d", CITY, 10_000],
    ["the latest segment end without draft.d", withTracks({ tt: 7, sg: [{ st: 1000, d: 29_000 }] }), 30_000],
    ["nothing", {}, undefined],
  ])("uses %s", (_label, draft, expected) => {
    expect(totalDurationMs(draft)).toBe(expected);
  });
});

describe("diffDrafts and formatChanges", () => {
  const edit = (change: (draft: EditableDraft) => void): DraftLike => {
    const draft = clone(CITY) as EditableDraft;
    change(draft);
    return draft;
  };

  it.each<[string, DraftLike | undefined, DraftLike, string]>([
    ["no change", CITY, clone(CITY), ""],
    ["a title track added", { t: CITY.t?.slice(0, 2), d: 10_000 }, CITY, '• Added Title: "Urban Dreams" (0-3s)'],
    ["a title track removed", CITY, { t: CITY.t?.slice(0, 2), d: 10_000 }, '• Removed Title: "Urban Dreams" (0-3s)'],
    [
      "the title text",
      CITY,
      edit((d) => {
        seg(d, 2).m.text = "City Nights";
      }),
      '• Title text: "Urban Dreams" → "City Nights"',
    ],
    [
      "title timing",
      CITY,
      edit((d) => {
        seg(d, 2).d = 5000;
      }),
      '• Title "Urban Dreams": 0-3s → 0-5s',
    ],
    [
      "music volume",
      CITY,
      edit((d) => {
        seg(d, 1).m.volume = 0.6;
      }),
      "• BGM (Lo-fi) volume: 35% → 60%",
    ],
    [
      "the total duration",
      CITY,
      edit((d) => {
        d.d = 30_000;
        seg(d, 0).d = 30_000;
        seg(d, 1).d = 30_000;
      }),
      "• Video (city timelapse): 0-10s → 0-30s\n• BGM (Lo-fi): 0-10s → 0-30s\n• Duration: 10s → 30s",
    ],
    [
      "clips added",
      CITY,
      edit((d) => {
        d.t[0]?.sg.push({ id: "v2", st: 10_000, d: 5000, m: { name: "beach" } });
        d.d = 15_000;
      }),
      "• Video: added 1 clip (beach)\n• Duration: 10s → 15s",
    ],
    [
      "clips removed",
      edit((d) => {
        d.t[0]?.sg.push({ id: "v2", st: 10_000, d: 5000, m: { name: "beach" } });
      }),
      CITY,
      "• Video: removed 1 clip (beach)",
    ],
    [
      "many clips retimed at once",
      withTracks({ tt: 0, sg: [0, 1, 2, 3].map((i) => ({ id: `p${i}`, st: i * 2000, d: 2000 })) }),
      withTracks({ tt: 0, sg: [0, 1, 2, 3].map((i) => ({ id: `p${i}`, st: i * 3000, d: 3000 })) }),
      "• Video: 4 clips retimed, 0-8s → 0-12s\n• Duration: 8s → 12s",
    ],
    [
      "the canvas",
      CITY,
      edit((d) => {
        d.m = { width: 1920, height: 1080 };
      }),
      "• Canvas: 1080×1920 → 1920×1080",
    ],
    [
      "everything new after an empty draft",
      undefined,
      { t: CITY.t?.slice(0, 1) },
      "• Added Video: city timelapse (0-10s)",
    ],
    [
      "segments matched by position without ids",
      withTracks({ tt: 7, sg: [{ st: 0, d: 3000, m: { text: "A" } }] }),
      withTracks({ tt: 7, sg: [{ st: 0, d: 3000, m: { text: "B" } }] }),
      '• Title text: "A" → "B"',
    ],
  ])("reports %s", (_label, before, after, expected) => {
    expect(formatChanges(diffDrafts(before, after), "en")).toBe(expected);
  });

  it("reports in Chinese", () => {
    const after = edit((d) => {
      seg(d, 2).m.text = "城市之夜";
      seg(d, 1).m.volume = 0.2;
    });
    expect(formatChanges(diffDrafts(CITY, after), "zh")).toBe(
      "• 背景音乐（Lo-fi）音量：35% → 20%\n• 标题文字：“Urban Dreams” → “城市之夜”",
    );
    expect(formatChanges(diffDrafts({ t: CITY.t?.slice(0, 2) }, CITY), "zh")).toBe(
      "• 新增 标题：“Urban Dreams”（0-3s）",
    );
  });

  it("caps a long list of changes", () => {
    const before = withTracks(...Array.from({ length: 12 }, (_, i) => ({ tt: 7, sg: [{ m: { text: `T${i}` } }] })));
    const text = formatChanges(diffDrafts({}, before), "en");
    expect(text.split("\n")).toHaveLength(9);
    expect(text.split("\n").at(-1)).toBe("…and 4 more changes");
  });
});

describe("suggestNextSteps", () => {
  it.each<[string, unknown, string[]]>([
    [
      "an empty project",
      {},
      ["Send photos or clips to start", expect.stringContaining("Describe") as unknown as string],
    ],
    [
      "a video without music or title",
      { t: CITY.t?.slice(0, 1) },
      ["Add background music", "Add a title or captions", "Export the video (/export)"],
    ],
    [
      "a freshly added title",
      CITY,
      ["Make the title bigger or change its colour", "Try a different music track", "Export the video (/export)"],
    ],
  ])("suggests next steps for %s", (_label, draft, expected) => {
    const changes = diffDrafts({ t: CITY.t?.slice(0, 2) }, draft);
    expect(suggestNextSteps(draft, changes, "en")).toEqual(expected);
  });

  it("suggests turning loud music down", () => {
    const loud = withTracks({ tt: 0, sg: [{}] }, { tt: 1, sg: [{ m: { volume: 0.9 } }] }, { tt: 7, sg: [{}] });
    expect(suggestNextSteps(loud, [], "en")).toContain("Turn the music down a little");
  });

  it.each([CITY, {}, { t: CITY.t?.slice(0, 1) }])("gives two or three suggestions in Chinese too", (draft) => {
    const steps = suggestNextSteps(draft, [], "zh");
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.length).toBeLessThanOrEqual(3);
    for (const step of steps) expect(step).toMatch(/[\u4e00-\u9fff]/);
  });
});
