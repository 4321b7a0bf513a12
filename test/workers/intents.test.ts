import { describe, expect, it } from "vitest";
import { mediaLinks, routeText } from "../../src/telegram/intents";

describe("routeText", () => {
  it.each([
    // export
    ["export", "export"],
    ["Export", "export"],
    ["EXPORT!", "export"],
    ["please export", "export"],
    ["export it", "export"],
    ["export the video", "export"],
    ["Export the video please.", "export"],
    ["download", "export"],
    ["can I download it?", "export"],
    ["send me the video", "export"],
    ["Send me the video!", "export"],
    ["render it now", "export"],
    ["export for TikTok", "export"],
    ["I want to export", "export"],
    ["导出", "export"],
    ["导出视频", "export"],
    ["帮我导出一下", "export"],
    ["下载视频", "export"],
    // credits
    ["credits", "credits"],
    ["my credits?", "credits"],
    ["can I see my balance?", "credits"],
    ["what's my balance", "credits"],
    ["how many credits do I have left?", "credits"],
    ["积分", "credits"],
    ["查看积分", "credits"],
    ["余额", "credits"],
    ["积分还有多少？", "credits"],
    // status
    ["status", "status"],
    ["Status?", "status"],
    ["show tracks", "status"],
    ["show tracks please", "status"],
    ["show the timeline", "status"],
    ["what's the status of my video", "status"],
    ["状态", "status"],
    ["查看状态", "status"],
    ["显示轨道", "status"],
    // upload
    ["upload", "upload"],
    ["how do I upload photos?", "upload"],
    ["upload more clips", "upload"],
    ["上传", "upload"],
    ["我想上传照片", "upload"],
  ])("routes %j to %s", (text, kind) => {
    expect(routeText(text).kind).toBe(kind);
  });

  it.each([
    ["a creative instruction mentioning download", "make a video I can download later with music"],
    ["a status bar overlay", "add a status bar overlay"],
    ["an export-style title", "export-style title"],
    ["a negation", "don't export yet"],
    ["export with a setting the agent must handle", "export in 4k"],
    ["music credits as content", "add music credits at the end"],
    ["a long sentence with export", "please export the video after you add a fade at the end of it"],
    ["a Chinese instruction ending in export", "帮我生成一个视频然后导出"],
    ["a Chinese status bar", "加一个状态栏"],
    ["a plain creative request", "turn my photos into a 30-second TikTok video with trending music and captions"],
    ["a greeting", "hi"],
    ["two actions at once", "export status"],
    ["a link", "https://example.com/clip.mp4"],
    ["an empty message", "   "],
  ])("sends %s to the agent", (_label, text) => {
    expect(routeText(text)).toEqual({ kind: "agent", text: text.trim() });
  });
});

describe("mediaLinks", () => {
  it.each([
    ["a video link", "use https://cdn.example.com/a/clip.mp4 please", ["https://cdn.example.com/a/clip.mp4"]],
    [
      "query strings and upper-case extensions",
      "https://x.test/p/IMG_1.JPG?w=100&sig=abc and http://x.test/b.webm#t=3",
      ["https://x.test/p/IMG_1.JPG?w=100&sig=abc", "http://x.test/b.webm#t=3"],
    ],
    [
      "every accepted extension",
      "https://x.test/a.mov https://x.test/a.avi https://x.test/a.mkv https://x.test/a.jpeg https://x.test/a.png https://x.test/a.gif https://x.test/a.webp https://x.test/a.mp3 https://x.test/a.wav https://x.test/a.m4a https://x.test/a.aac",
      [
        "https://x.test/a.mov",
        "https://x.test/a.avi",
        "https://x.test/a.mkv",
        "https://x.test/a.jpeg",
        "https://x.test/a.png",
        "https://x.test/a.gif",
        "https://x.test/a.webp",
        "https://x.test/a.mp3",
        "https://x.test/a.wav",
        "https://x.test/a.m4a",
        "https://x.test/a.aac",
      ],
    ],
    [
      "trailing punctuation",
      "Here: (https://x.test/a.mp4), and https://x.test/b.png.",
      ["https://x.test/a.mp4", "https://x.test/b.png"],
    ],
    ["Chinese punctuation after a link", "用这个视频https://x.test/a.mp4。谢谢", ["https://x.test/a.mp4"]],
    ["duplicates once", "https://x.test/a.mp4 https://x.test/a.mp4", ["https://x.test/a.mp4"]],
    ["pages and other files skipped", "https://youtube.com/watch?v=1 https://x.test/doc.pdf https://x.test/mp4", []],
    ["an extension only in the query", "https://x.test/download?file=a.mp4", []],
    ["other schemes skipped", "ftp://x.test/a.mp4 file:///a.mp4", []],
    ["no links", "turn my photos into a video", []],
  ])("finds %s", (_label, text, expected) => {
    expect(mediaLinks(text)).toEqual(expected);
  });
});
