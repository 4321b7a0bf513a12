import { escapeHtml } from "../../telegram/text";
import { num } from "../format";
import type { CommandTexts } from "../types";

/** Chinese: groups, commands and buttons. */
export const commands: CommandTexts = {
  groupGreeting: (username: string) =>
    [
      "👋 你好！我可以把照片和片段做成适合 TikTok 的视频。",
      `在群里和我说话：提及我（@${escapeHtml(username)}）、回复我的消息，或使用 /help 等命令。`,
      "由于 Telegram 的隐私模式，我只能看到这样发给我的消息。",
    ].join("\n"),
  mentionedWithoutText: "👋 在呢！告诉我想做什么，或者发送照片和片段。",
  rateLimitedUser: (seconds: number) => `🐢 消息发得有点快 — 请等 ${num(Math.max(1, Math.ceil(seconds)))} 秒。`,
  cancelled: "✖️ 已取消。NemoVideo 已经开始的操作可能仍会在项目中完成。",
  nothingToCancel: "现在没有正在进行的任务。",
  newProjectConfirm: "要新建项目吗？当前项目会保留在你的 NemoVideo 账户中，但我在这里不再编辑它。",
  newProjectDone: "✅ 已新建项目。发送照片或片段，并告诉我想做什么。",
  newProjectAlreadyStarted: "✅ 新项目已经建好了 — 发送照片或片段，并告诉我想做什么。",
  openLink: "🌐 在浏览器中打开 NemoVideo 项目，预览或精细调整：",
  languageChoose: "🌐 请选择语言：",
  languageSet: "✅ 之后我会用中文和你交流。",
  retryExpired: "这个重试已过期 — 请重新发送你的请求。",
  unknownCommand: "我不认识这个命令。发送 /help 查看我能做什么。",
  buttonExpired: "这个按钮已失效。发送 /help 查看我能做什么。",
  buttons: {
    export: "🎬 导出",
    timeline: "🧾 时间线",
    credits: "💳 积分",
    open: "🌐 在 NemoVideo 中打开",
    retry: "🔁 重试",
    confirmNew: "✅ 新建项目",
    cancel: "✖️ 取消",
    english: "English",
    chinese: "中文",
  },
  commands: {
    start: "连接并查看示例",
    help: "我能做什么",
    credits: "积分余额",
    status: "查看时间线",
    export: "渲染并发送视频",
    new: "新建项目",
    cancel: "停止等待当前任务",
    open: "在 NemoVideo 中打开项目",
    language: "English / 中文",
    token: "使用你自己的 NemoVideo 令牌",
  },
};
