import { num } from "../format";
import type { DraftTexts } from "../types";

/** Chinese: words for draft changes found by comparing the timeline (plain text; escaped where sent). */
export const draft: DraftTexts = {
  draftFields: {
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
  },
};
