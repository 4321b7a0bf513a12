import { describe, expect, it } from "vitest";
import { removeInstruction } from "../../src/chat/turns/extras-offer";
import {
  clipUrlInResult,
  extrasAdded,
  latestGeneratedClip,
  mentionsTemporaryIssue,
  withoutTemporaryIssue,
} from "../../src/nemo/generation";

describe("the raw clip of a generation", () => {
  it.each<[string, unknown, string | undefined]>([
    [
      "video_url at the top",
      { status: "success", video_url: "https://cdn.example/a.mp4" },
      "https://cdn.example/a.mp4",
    ],
    [
      "a nested output url",
      { result: { output: { url: "https://cdn.example/b.mov?sig=1" } } },
      "https://cdn.example/b.mov?sig=1",
    ],
    ["any key holding a video path", { files: [{ clip: "https://cdn.example/c.webm" }] }, "https://cdn.example/c.webm"],
    ["a thumbnail only", { thumbnail_url: "https://cdn.example/t.jpg" }, undefined],
    ["no url at all", { status: "success", duration: 10 }, undefined],
    ["not a URL", { video_url: "javascript:alert(1)" }, undefined],
    ["not an object", "done", undefined],
  ])("%s", (_, result, expected) => {
    expect(clipUrlInResult(result)).toBe(expected);
  });

  it("takes the newest video of generated_media, in a list or wrapped in an object", () => {
    const list = [
      { type: "video", url: "https://cdn.example/old.mp4" },
      { type: "image", url: "https://cdn.example/still.png" },
      { type: "video", cdn_url: "https://cdn.example/new.mp4" },
      { type: "audio", url: "https://cdn.example/song.mp3" },
    ];
    expect(latestGeneratedClip(list)).toBe("https://cdn.example/new.mp4");
    expect(latestGeneratedClip({ items: list })).toBe("https://cdn.example/new.mp4");
    expect(latestGeneratedClip(undefined)).toBeUndefined();
    expect(latestGeneratedClip([{ type: "video", url: 42 }])).toBeUndefined();
  });
});

describe("extras added after the raw clip", () => {
  const raw = { t: [{ tt: 0, sg: [{ id: "v1", st: 0, d: 10000, m: { name: "Photo 1.jpg" } }] }] };
  it("names new music, title, text and effect segments, tolerating drifted fields", () => {
    const after = {
      t: [
        ...raw.t,
        { tt: "1", sg: [{ id: "b1", m: { name: "Lo-fi Beats", volume: "35%" } }] },
        { tt: 7, m: { name: "Title" }, sg: [{ id: "t1", m: { text: { content: "Harbor Lights" } } }] },
        { tt: 7, sg: [{ m: { text: "Swipe up" } }] },
        {
          tt: 2,
          m: { name: "Effects" },
          sg: [
            { id: "e1", m: { name: "Glow" } },
            { id: "e2", m: {} },
          ],
        },
        { tt: 9, sg: "not a list" },
      ],
    };
    expect(extrasAdded(raw, after)).toEqual([
      { kind: "music", label: "Lo-fi Beats" },
      { kind: "title", label: "Harbor Lights" },
      { kind: "text", label: "Swipe up" },
      { kind: "effect", label: "Glow" },
      { kind: "effect", label: "Effects" },
    ]);
  });
  it("names nothing when only the video changed or the drafts are unreadable", () => {
    expect(extrasAdded(raw, raw)).toEqual([]);
    expect(
      extrasAdded(
        { t: [...raw.t, { tt: 1, sg: [{ id: "b1", m: { name: "Song" } }] }] },
        {
          t: [...raw.t, { tt: 1, sg: [{ id: "b1", m: { name: "Song" } }] }],
        },
      ),
    ).toEqual([]);
    expect(extrasAdded(undefined, "nonsense")).toEqual([]);
  });
  it("asks the agent to remove each of them by name", () => {
    expect(
      removeInstruction([
        { kind: "music", label: "Lo-fi Beats" },
        { kind: "title", label: "Harbor Lights" },
        { kind: "effect", label: "Glow" },
      ]),
    ).toBe(
      'Remove the extras you added on your own after the raw clip: the background music "Lo-fi Beats", the title "Harbor Lights" and the "Glow" effect. Keep the raw clip itself as it is.',
    );
  });
});

describe("the trailing temporary-issue remark", () => {
  it.each<[string, string]>([
    ["I encountered a temporary issue, but your project has been saved.", ""],
    ["Sorry, I ran into a temporary issue while finishing up.", ""],
    ["Done! I made the title red. I encountered a temporary issue, but it was saved.", "Done! I made the title red."],
    ["处理时遇到了临时问题，但项目已保存。", ""],
    ["I made the title bigger.", "I made the title bigger."],
  ])("%s", (text, left) => {
    expect(withoutTemporaryIssue(text)).toBe(left);
    expect(mentionsTemporaryIssue(text)).toBe(left !== text);
  });
});
