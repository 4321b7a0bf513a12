import type { Extra } from "../../nemo/generation";
import { escapeHtml } from "../../telegram/text";
import { bold, link, minutes, num } from "../format";
import type { RenderTexts } from "../types";

// issue 14: the extras a generation's post-production added, named for people.
const extraText = (e: Extra) => {
  const word = { music: "音乐", title: "标题", text: "文字", effect: "特效" }[e.kind];
  return e.label ? `${word}「${escapeHtml(e.label)}」` : word;
};

/** Chinese: exports, and the raw clip of a two-stage generation. */
export const renders: RenderTexts = {
  notExportable: "还没有可以导出的内容 — 先发送照片或片段，并告诉我想做什么。",
  exportQueued: "🕒 当前任务完成后我会马上导出。",
  renderAlreadyRunning: "⏳ 这个版本已经在渲染了，完成后视频会发到这里。",
  renderDone: (title?: string) => (title ? `✅ 视频已完成：${bold(title)}` : "✅ 视频已完成！"),
  renderFailed: (reason?: string) =>
    `❌ 导出失败${reason ? `：${escapeHtml(reason)}` : "。"}点“重试”或再发送 /export。`,
  videoTooLargeLink: (url: string) =>
    `📦 视频超过了 Telegram 机器人可发送的大小（50 MB），请用这个链接下载：${link(url, "下载 MP4")}`,
  // --- issue 15: renders (progress, limits, unchanged drafts) ---
  renderStatus: (bar: string, percent: number, leftMs: number | undefined, updated: boolean) => {
    const left = leftMs === undefined ? undefined : minutes(leftMs);
    return [
      updated ? "🎬 更新后的视频正在路上。\n" : "",
      `⏳ 正在渲染… ${bar} ${num(percent)}%`,
      left ? ` · 约剩 ${left.value} ${left.unit === "s" ? "秒" : "分钟"}` : "",
    ].join("");
  },
  renderTimedOut: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ 渲染在 ${value} ${unit === "s" ? "秒" : "分钟"}内没有完成（最后进度 ${num(percent)}%），我已取消。点「重新导出」，或在 NemoVideo 中打开项目。`;
  },
  renderStalled: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ 渲染停在了 ${num(percent)}%（已开始 ${value} ${unit === "s" ? "秒" : "分钟"}），我已取消。点「重新导出」，或在 NemoVideo 中打开项目。`;
  },
  renderGone: "⚠️ NemoVideo 已找不到这次渲染（已被取消或过期）。点「重新导出」，或在 NemoVideo 中打开项目。",
  renderCurrentVersion: "✅ 自上一个视频以来没有任何修改 — 上面那个就是最新版本。",
  retryExportButton: "🔁 重新导出",
  // --- end of issue 15 ---
  // --- issue 14: two-stage generation (the raw clip at once, then the extras the backend added itself) ---
  twoStage: {
    rawClipCaption: "🎞 这是原始片段（尚未加工）。",
    rawClipLink: (url: string) => `🎞 原始片段已生成：${link(url, "观看")}`,
    extrasOffer: (extras: Extra[]) =>
      `✨ 在原始片段之上，NemoVideo 自动添加了：${extras.map(extraText).join("、")}。\n保留它们，还是移除、只保留片段？`,
    keep: "👍 保留",
    remove: "🧹 移除附加内容",
    kept: "👍 好的，保留。",
    expired: "这个选择已失效 — 项目已经变化。",
  },
};
