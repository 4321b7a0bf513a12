import { draftTexts } from "../draft-text";
import { num } from "../format";
import type { DraftFieldWords, DraftTexts, DraftWords } from "../types";

/** Chinese: the timeline summary's and change lines' words (the vendor's wording, nemo-api.md §17.4). */
const words: DraftWords = {
  kinds: { video: "视频", bgm: "背景音乐", title: "标题", track: "轨道" },
  header: (n: number) => `时间线（${n} 条轨道）：`,
  colon: "：",
  open: "（",
  close: "）",
  sep: "，",
  aside: (s: string) => `（${s}）`,
  quote: (s: string) => `“${s}”`,
  from: (s: string) => `从 ${s}`,
  clips: (n: number) => `${n} 个片段`,
  listSep: "、",
  added: (s: string) => `新增 ${s}`,
  removed: (s: string) => `移除 ${s}`,
  segmentsAdded: (kind: string, n: number, labels: string) =>
    `${kind}：新增 ${n} 个片段${labels ? `（${labels}）` : ""}`,
  segmentsRemoved: (kind: string, n: number, labels: string) =>
    `${kind}：移除 ${n} 个片段${labels ? `（${labels}）` : ""}`,
  titleText: "标题文字",
  retimed: (n: number) => `${n} 个片段调整了时间`,
  volumeOf: (kind: string) => `${kind}音量`,
  canvas: "画布",
  duration: "时长",
  more: (n: number) => `…以及另外 ${n} 处改动`,
};

/** Chinese: words for changed fields of a segment or track. */
const fields: DraftFieldWords = {
  names: {
    colour: "颜色",
    fontSize: "字号",
    position: "位置",
    fadeIn: "淡入",
    fadeOut: "淡出",
    font: "字体",
    opacity: "不透明度",
    speed: "速度",
    bold: "粗体",
    italic: "斜体",
    background: "背景",
    outline: "描边",
    shadow: "阴影",
    animation: "动画",
    align: "对齐",
    source: "素材",
    name: "名称",
    text: "文字",
    volume: "音量",
  },
  on: "开",
  off: "关",
  removed: "已移除",
  changed: "已更改",
  items: (n: number) => `${num(n)} 项`,
  settings: (n: number) => `${num(n)} 项设置`,
  clips: (n: number) => `${num(n)} 个片段`,
  updated: "项目已更新，但具体改动无法在这里列出 — 发送 /status 查看时间线。",
};

/** Chinese: the draft reader's findings, worded (plain text; escaped where sent). */
export const draft: DraftTexts = {
  ...draftTexts(words, fields),
  suggestions: {
    start: "发送照片或片段开始制作",
    describe: "描述你想要的视频，比如“配热门音乐的 30 秒 TikTok 视频”",
    titleStyle: "把标题放大或换个颜色",
    titleMotion: "移动标题位置或加上淡入效果",
    addTitle: "添加标题或字幕",
    addMusic: "添加背景音乐",
    quieterMusic: "把音乐调小一点",
    otherMusic: "换一首背景音乐",
    pace: "调整节奏或添加转场",
    export: "导出视频（/export）",
  },
};
