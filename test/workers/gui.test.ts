import { describe, expect, it } from "vitest";
import { type GuiAction, splitSentences, translateAgentText } from "../../src/nemo/gui";

describe("translateAgentText", () => {
  it.each<[string, string, string, GuiAction[]]>([
    // English
    [
      "an Export button sentence after content",
      'I\'ve added the title "Urban Dreams" at the top. Click the Export button to download your video.',
      'I\'ve added the title "Urban Dreams" at the top.',
      ["export"],
    ],
    [
      "a markdown-decorated Export button",
      "Your video is ready! You can export it by clicking the **Export** button in the top-right corner.",
      "Your video is ready!",
      ["export"],
    ],
    [
      "an open-the-timeline-panel instruction",
      "Done! Open the timeline panel to see the new BGM track.",
      "Done!",
      ["show_timeline"],
    ],
    [
      "a drag instruction, keeping the described change",
      "The music is now at 35% volume. You can drag the audio track to adjust where it starts.",
      "The music is now at 35% volume.",
      ["offer_edit"],
    ],
    [
      "a drag clause after a semicolon",
      "I added a fade-in to the title; you can drag the title to reposition it.",
      "I added a fade-in to the title.",
      ["offer_edit"],
    ],
    [
      "a dash before the instruction",
      "I've added the title \"Urban Dreams\" — click Export when you're happy.",
      'I\'ve added the title "Urban Dreams".',
      ["export"],
    ],
    [
      "'and you can' before the instruction",
      "The title has been added and you can drag it anywhere on the canvas.",
      "The title has been added.",
      ["offer_edit"],
    ],
    [
      "a preview-in-timeline sentence",
      "I've added crossfade transitions between the clips. Preview it in the timeline to check them.",
      "I've added crossfade transitions between the clips.",
      ["show_timeline"],
    ],
    [
      "a billing page instruction",
      "Insufficient credits. Please check your account billing page to top up.",
      "Insufficient credits.",
      ["show_credits"],
    ],
    [
      "a go-to-settings instruction",
      "Your plan doesn't include 4K. Go to Settings to change your subscription.",
      "Your plan doesn't include 4K.",
      ["show_credits"],
    ],
    ["the dashboard", "You can see your usage history if you head to the dashboard.", "", ["show_credits"]],
    [
      "a click on another button (the bot acts itself)",
      "Click Apply to confirm the changes. The title now fades out at 3s.",
      "The title now fades out at 3s.",
      [],
    ],
    [
      "a set-up clause with the instruction",
      "The captions are in. Once you're happy, click the Export button.",
      "The captions are in.",
      ["export"],
    ],
    [
      "two instructions in one sentence",
      "Drag and drop your clips onto the timeline, then hit Export.",
      "",
      ["offer_edit", "export"],
    ],
    [
      "preview and export together",
      "Everything is set. You can preview the result in the player, or export it right away with the Export button.",
      "Everything is set.",
      ["show_timeline", "export"],
    ],
    [
      "a list whose closing line is an instruction",
      "Here's what I changed:\n1. Added the title \"Hi\" (0-3s)\n2. Set music volume to 35%\n\nClick Export when you're ready.",
      'Here\'s what I changed:\n1. Added the title "Hi" (0-3s)\n2. Set music volume to 35%',
      ["export"],
    ],
    // Chinese
    [
      "a Chinese export button sentence",
      "我已经添加了标题“城市之梦”。点击右上角的导出按钮即可下载视频。",
      "我已经添加了标题“城市之梦”。",
      ["export"],
    ],
    [
      "a Chinese open-panel sentence",
      "背景音乐已添加，音量为35%。打开时间线面板可以查看详情。",
      "背景音乐已添加，音量为35%。",
      ["show_timeline"],
    ],
    ["a Chinese drag clause", "标题已移到顶部，你可以拖拽标题调整位置。", "标题已移到顶部。", ["offer_edit"]],
    ["a Chinese account instruction", "视频生成完成！请前往设置页面查看账户余额。", "视频生成完成！", ["show_credits"]],
    [
      "a Chinese click on another button",
      "点击应用按钮确认修改。字幕已经添加到视频底部。",
      "字幕已经添加到视频底部。",
      [],
    ],
    ["a Chinese set-up clause", "转场效果已添加，满意后，点击导出即可。", "转场效果已添加。", ["export"]],
    [
      "a Chinese timeline preview",
      "已为你添加三段字幕。您可以在时间线中预览效果。",
      "已为你添加三段字幕。",
      ["show_timeline"],
    ],
    // Content that only looks like an instruction
    [
      "a decimal and a domain",
      "The clip is 2.5s long. See nemovideo.com for more.",
      "The clip is 2.5s long. See nemovideo.com for more.",
      [],
    ],
    ["the beat drop", "The beat drop now lines up with the title.", "The beat drop now lines up with the title.", []],
    [
      "the word export in content",
      "Your video is ready to export in 1080p.",
      "Your video is ready to export in 1080p.",
      [],
    ],
  ])("translates %s", (_label, input, text, actions) => {
    expect(translateAgentText(input)).toEqual({ text, actions });
  });

  it.each([
    ["English", "The title was added. I encountered a temporary issue.", "The title was added."],
    ["Chinese", "标题已添加。我遇到了一个临时问题。", "标题已添加。"],
    [
      "after a GUI instruction",
      "Music added. Click Export. I encountered a temporary issue, but it's fine.",
      "Music added.",
    ],
  ])("drops the trailing temporary-issue sentence (%s)", (_label, input, text) => {
    expect(translateAgentText(input).text).toBe(text);
  });

  it("keeps the temporary-issue sentence when it is the only content", () => {
    expect(translateAgentText("I encountered a temporary issue, please try again.").text).toBe(
      "I encountered a temporary issue, please try again.",
    );
  });

  it("collapses whitespace and extra blank lines", () => {
    expect(translateAgentText("  Title   added.\t \n\n\n\nMusic  added.  ").text).toBe("Title added.\n\nMusic added.");
  });

  it.each([
    ["empty", ""],
    ["whitespace", " \n "],
  ])("returns empty text and no actions for %s input", (_label, input) => {
    expect(translateAgentText(input)).toEqual({ text: "", actions: [] });
  });

  it("never returns empty text when there was content besides instructions", () => {
    const inputs = [
      "Added a title. Click Export.",
      "Click Export. Added a title.",
      "拖拽标题。已添加标题。",
      "Open the timeline panel, drag the clip, and click Export. Your clip is 12 seconds long!",
    ];
    for (const input of inputs) expect(translateAgentText(input).text).not.toBe("");
  });
});

describe("splitSentences", () => {
  it.each([
    ["English", "One. Two! Three?", ["One.", "Two!", "Three?"]],
    ["Chinese", "第一。第二！第三？", ["第一。", "第二！", "第三？"]],
    ["closing quotes", 'He said "hi." Then left.', ['He said "hi."', "Then left."]],
    ["abbreviations and numbers", "Use e.g. 2.5s clips. Done.", ["Use e.g. 2.5s clips.", "Done."]],
    ["a list marker", "1. Added the title", ["1. Added the title"]],
    ["no terminator", "no end", ["no end"]],
  ])("splits %s", (_label, line, expected) => {
    expect(splitSentences(line)).toEqual(expected);
  });
});
