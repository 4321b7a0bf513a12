import { describe, expect, it } from "vitest";
import { commandList, type Lang, langFromCode, type Texts, t } from "../../src/i18n";
import { ACCEPTED_EXTENSIONS } from "../../src/nemo/formats";
import { toolStage } from "../../src/nemo/tool-stage";

const EVIL = `<i>x</i> & "q"`;
const ESCAPED = "&lt;i&gt;x&lt;/i&gt; &amp;";
const URL_EVIL = `https://nemovideo.com/register?bind=a&b="c"<`;

/** Arguments for every function-valued text; the test fails when a new function has no sample. */
const SAMPLES: Record<string, unknown[]> = {
  stageForTool: ["generate_video_with_seedance"],
  stillWorking: [240_000],
  queued: [2],
  credits: [{ available: 60, frozen: 40, total: 100 }, { registerUrl: URL_EVIL }],
  "draftFields.items": [3],
  "draftFields.settings": [2],
  "draftFields.clips": [3],
  // issue 18: the live draft is sent as plain text (no parse_mode); its sample holds no markup.
  "progress.draft": ["🎬 Generating the video…", 75_000, "Adding a title"],
  "progress.queuedMany": [3],
  timeline: [EVIL],
  // The changes come worded from the draft reader's structured results; a title's text is outside text.
  silentTurnReport: [[{ kind: "title_text", before: EVIL, after: "Urban Dreams" }], ["addMusic", "export"]],
  "draft.header": [3],
  "draft.quote": ["Urban Dreams"],
  "draft.from": ["3s"],
  "draft.clips": [2],
  "draft.added": ['Title: "Urban Dreams" (0-3s)'],
  "draft.removed": ["BGM: Lo-fi (0-10s, 35%)"],
  "draft.segmentsAdded": ["Video", 2, "beach.mp4, city.mp4"],
  "draft.segmentsRemoved": ["Video", 1, ""],
  "draft.aside": ["beach.mp4"],
  "draft.volumeOf": ["BGM (Lo-fi)"],
  "draft.retimed": [3],
  "draft.more": [4],
  "draft.changes": [[{ kind: "duration", beforeMs: 10_000, afterMs: 30_000 }]],
  "draft.timeline": [
    [{ index: 1, kind: "video", label: "city timelapse", segmentCount: 1, startMs: 0, endMs: 10_000 }],
  ],
  outOfCredits: [{ registerUrl: URL_EVIL }],
  exportBlocked: [{ registerUrl: URL_EVIL }],
  renderDone: [EVIL],
  renderFailed: [EVIL],
  videoTooLargeLink: [URL_EVIL],
  renderStatus: ["▓▓▓▓▓░░░░░", 52, 20_000, true],
  renderTimedOut: [40, 900_000],
  renderStalled: [40, 300_000],
  mediaAdded: [{ photos: 3, videos: 1, audio: 0, files: 0 }, false],
  uploading: [2, 5],
  uploadFailed: [EVIL],
  uploadFailedAll: [3],
  groupGreeting: [EVIL],
  rateLimitedUser: [5],
  agentText: [EVIL],
  openStartPrivately: [EVIL],
  tooManyLinks: [10],
  linkRefused: [EVIL],
  rateLimitedMedia: [12],
  rateLimitedQuick: [3],
  fileTooBigForTelegram: [EVIL],
  fileTooLargeForNemo: [EVIL],
  "operator.turnsLeft": [2, 5, 5 * 3_600_000 + 12 * 60_000],
  "operator.turnsUsedUp": [5, 30_000],
  "operator.rendersLeft": [0, 2, 3_600_000],
  "operator.rendersUsedUp": [2, 90 * 60_000],
  "operator.stats": [
    { chats: 1, turns: 2, renders: 3, failures: 0, credits: 40 },
    { chats: 1_200, turns: 2, renders: 3, failures: 1, credits: 40 },
  ],
  "accounts.tokenSaved": [1_234],
  "accounts.exportNeedsAccount": [{ registerUrl: URL_EVIL, linkBelow: true }],
  "accounts.statsLine": [{ state: "capped", lastRefusalAt: EVIL }],
  "operator.chatBlocked": [EVIL],
  "operator.chatUnblocked": [EVIL],
  // issue 14: two-stage generation
  "twoStage.rawClipLink": [URL_EVIL],
  "twoStage.extrasOffer": [
    [{ kind: "music", label: EVIL }, { kind: "title", label: "Harbor Lights" }, { kind: "text" }, { kind: "effect" }],
  ],
};

/** Every leaf as [path, value]. */
function leaves(value: unknown, path = ""): [string, unknown][] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
  }
  return [[path, value]];
}

function render(messages: Texts, path: string, value: unknown): string {
  if (typeof value === "function") {
    const args = SAMPLES[path];
    expect(args, `no sample arguments for ${path}`).toBeDefined();
    return value.apply(messages, args);
  }
  return String(value);
}

/** Only <b> and <a href="…"> tags, balanced, and no bare & or < outside them. */
function expectTelegramHtml(html: string) {
  const tags = [...html.matchAll(/<\/?([a-z]+)[^>]*>/g)];
  for (const tag of tags) expect(["b", "a"]).toContain(tag[1]);
  expect(tags.filter((tag) => tag[0] === "<b>").length).toBe(tags.filter((tag) => tag[0] === "</b>").length);
  expect(tags.filter((tag) => tag[0].startsWith("<a ")).length).toBe(tags.filter((tag) => tag[0] === "</a>").length);
  const outside = html.replace(/<\/?(b|a)( href="[^"<>]*")?>/g, "");
  expect(outside).not.toMatch(/<|>/);
  expect(outside).not.toMatch(/&(?!(amp|lt|gt|quot);)/);
}

describe("langFromCode", () => {
  it.each([
    ["zh", "zh"],
    ["zh-hans", "zh"],
    ["zh-TW", "zh"],
    ["ZH-HK", "zh"],
    ["en", "en"],
    ["en-US", "en"],
    ["ru", "en"],
    ["", "en"],
    [undefined, "en"],
  ] as const)("maps %s to %s", (code, lang) => {
    expect(langFromCode(code)).toBe(lang);
  });
});

describe("texts", () => {
  const enLeaves = leaves(t("en"));
  const zhLeaves = leaves(t("zh"));

  it("gives both languages exactly the same keys", () => {
    expect(zhLeaves.map(([path]) => path)).toEqual(enLeaves.map(([path]) => path));
  });

  it.each(enLeaves.map(([path, value]) => [path, value]))(
    "gives %s the same shape in both languages",
    (path, value) => {
      const other = zhLeaves.find(([p]) => p === path)?.[1];
      expect(typeof other).toBe(typeof value);
      if (typeof value === "function" && typeof other === "function") expect(other.length).toBe(value.length);
    },
  );

  it.each((["en", "zh"] as Lang[]).flatMap((lang) => leaves(t(lang)).map(([path, value]) => [lang, path, value])))(
    "renders %s %s as non-empty, Telegram-safe HTML",
    (lang, path, value) => {
      const html = render(t(lang as Lang), path as string, value);
      expect(html.trim().length).toBeGreaterThan(0);
      expectTelegramHtml(html);
      expect(html).not.toContain("<i>");
      if ((SAMPLES[path as string] ?? []).some((arg) => JSON.stringify(arg).includes("<i>"))) {
        expect(html).toContain(ESCAPED);
      }
      if ((SAMPLES[path as string] ?? []).includes(URL_EVIL) || path === "outOfCredits" || path === "exportBlocked") {
        expect(html).toContain('href="https://nemovideo.com/register?bind=a&amp;b=&quot;c&quot;&lt;"');
      }
    },
  );

  it("has a sample for every function so the escaping test covers it", () => {
    const functions = enLeaves.filter(([, value]) => typeof value === "function").map(([path]) => path);
    expect(Object.keys(SAMPLES).sort()).toEqual(functions.sort());
  });
});

describe("specific texts", () => {
  const en = t("en");
  const zh = t("zh");

  it.each([
    ["generate_video_with_seedance", "🎬 Generating the video…"],
    ["seedance_v2", "🎬 Generating the video…"],
    ["generate_music", "🎵 Adding music…"],
    ["suno_song", "🎵 Adding music…"],
    ["add_voiceover", "🎵 Adding music…"],
    ["edit_multitrack", "✂️ Editing the timeline…"],
    ["save_v3_draft", "✂️ Editing the timeline…"],
    ["understand_video", "🔍 Looking at your media…"],
    ["analyze_media", "🔍 Looking at your media…"],
    ["ask_question", "🤖 Working on it…"],
    ["", "🤖 Working on it…"],
  ])("labels tool %s as %s", (tool, label) => {
    expect(en.stageForTool(tool)).toBe(label);
    expect(zh.stageForTool(tool)).toBe(zh.stages[toolStage(tool)]);
  });

  it.each([
    [45_000, "⏳ Still working… (45 s)"],
    [240_000, "⏳ Still working… (4 min)"],
    [270_000, "⏳ Still working… (5 min)"],
  ])("reports still working after %i ms", (elapsed, text) => {
    expect(en.stillWorking(elapsed)).toBe(text);
  });

  it.each([
    [{ photos: 3, videos: 0, audio: 0, files: 0 }, "📥 3 photos added — tell me what to make"],
    [{ photos: 1, videos: 0, audio: 0, files: 0 }, "📥 1 photo added — tell me what to make"],
    [
      { photos: 2, videos: 1, audio: 1, files: 0 },
      "📥 2 photos, 1 video and 1 audio file added — tell me what to make",
    ],
  ])("counts added media %o", (counts, text) => {
    expect(en.mediaAdded(counts)).toBe(text);
  });

  it("leaves out the prompt when the media came with an instruction", () => {
    expect(en.mediaAdded({ photos: 0, videos: 0, audio: 0, files: 2 }, false)).toBe("📥 2 files added");
  });

  it.each([
    ["with a name", "clip.mov", "⚠️ I couldn't upload <b>clip.mov</b>. Please send it again."],
    ["without a name", undefined, "⚠️ I couldn't upload that file. Please send it again."],
  ])("reports a failed upload %s", (_label, name, expected) => {
    expect(en.uploadFailed(name)).toBe(expected);
  });

  it("says the queue position", () => {
    expect(en.queued(2)).toBe("🕒 Got it — queued (#2). I'll start as soon as the current job finishes.");
  });

  it("shows credits with thousands separators and the reserved part", () => {
    expect(en.credits({ available: 25_000, frozen: 40, total: 25_040 })).toContain("25,000 available");
    expect(en.credits({ available: 100, frozen: 0, total: 100 })).not.toContain("reserved");
  });

  it.each([
    ["anonymous user", { registerUrl: "https://nemovideo.com/register?bind=anon_1" }, "register?bind=anon_1"],
    ["registered user", {}, "Top up"],
  ])("explains running out of credits to an %s", (_label, options, expected) => {
    expect(en.outOfCredits(options)).toContain(expected);
  });

  it("calls a 402 a plan limit, not a credits problem", () => {
    expect(en.exportBlocked()).toMatch(/free plan.*not a credits problem/);
  });

  it("lists the accepted formats", () => {
    for (const ext of ACCEPTED_EXTENSIONS) {
      expect(en.unsupportedMedia).toContain(ext);
    }
  });

  it("greets with the three product examples", () => {
    expect(en.greeting).toContain("Try saying:");
    expect(en.greeting).toContain("turn my photos into a 30-second TikTok video with trending music and captions");
  });
});

describe("commandList", () => {
  it.each(["en", "zh"] as Lang[])("lists the same valid commands in %s", (lang) => {
    const commands = commandList(lang);
    expect(commands.map((c) => c.command)).toEqual([
      "start",
      "help",
      "credits",
      "status",
      "export",
      "new",
      "cancel",
      "open",
      "language",
      "token",
    ]);
    for (const { command, description } of commands) {
      expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(description.length).toBeGreaterThan(0);
      expect(description.length).toBeLessThanOrEqual(256);
    }
  });
});
