import type { DraftChange, Suggestion } from "../../nemo/draft";
import { CREDIT_COSTS } from "../../nemo/pricing";
import { type ToolStage, toolStage } from "../../nemo/tool-stage";
import { escapeHtml } from "../../telegram/text";
import { bullets, elapsed, link, minutes, num } from "../format";
import type { ConversationTexts, Credits } from "../types";
import { draft } from "./draft";

/** Seconds under a minute, then minutes and seconds. */
function elapsedText(ms: number): string {
  const { m, s } = elapsed(ms);
  return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
}

const STAGES: Record<ToolStage, string> = {
  understand: "🔍 正在查看你的素材…",
  music: "🎵 正在添加音乐…",
  generate: "🎬 正在生成视频…",
  edit: "✂️ 正在编辑时间线…",
  working: "🤖 正在处理…",
};

/** Chinese: connecting, helping, working on a request and how it ends. */
export const conversation: ConversationTexts = {
  settingUp: "⚙️ 正在准备…",
  greeting: [
    "✅ 已连接 NemoVideo，可以开始了。",
    "",
    "把视频片段或照片发到这里（可以一次发多个），然后告诉我想做什么。",
    "",
    "<b>试试这样说：</b>",
    "• “把我的照片做成 30 秒的 TikTok 视频，配上热门音乐和字幕”",
    "• “用这三张生活照做一个 10 秒的 1080p 产品短片”",
    "• “把我的片段剪成节奏明快的竖屏视频，加一个醒目的标题”",
    "",
    "提示：竖屏 9:16 素材在 TikTok 上效果最好。发送 /help 查看全部功能。",
  ].join("\n"),
  help: [
    "<b>我能做什么</b>：用 NemoVideo 把你的照片和片段做成适合 TikTok 的视频。",
    "发送照片、视频或音频（或它们的链接），描述想要的视频，然后导出。",
    "",
    "/start — 连接并查看示例",
    "/help — 帮助",
    "/credits — NemoVideo 积分余额",
    "/status — 查看时间线",
    "/export — 渲染并发送视频",
    "/new — 新建项目",
    "/cancel — 停止等待当前任务",
    "/open — 在 NemoVideo 中打开项目",
    "/language — English / 中文",
    "/token — 使用你自己的 NemoVideo 账号（私聊）",
    "",
    "在群组中：提及我、回复我的消息，或使用命令。",
  ].join("\n"),
  working: "🤖 正在处理…",
  stages: STAGES,
  stageForTool: (name: string) => STAGES[toolStage(name)],
  stillWorking: (elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⏳ 仍在处理中…（${value} ${unit === "s" ? "秒" : "分钟"}）`;
  },
  queued: (position: number) => `🕒 收到 — 已排队（第 ${num(position)} 个）。当前任务完成后马上开始。`,
  queueFull: "🚦 已经有几个请求在等待了。我先处理完它们，之后请再发一次。",
  credits: ({ available, frozen }: Credits, { registerUrl }: { registerUrl?: string } = {}) =>
    [
      `💳 <b>积分</b>：可用 ${num(available)}`,
      frozen > 0 ? `🔒 另有 ${num(frozen)} 被进行中的任务暂时占用` : undefined,
      `生成一段视频约 ${num(CREDIT_COSTS.generation)} 积分，编辑约 ${num(CREDIT_COSTS.edit)} 积分；导出免费。`,
      available < CREDIT_COSTS.generation
        ? `⚠️ 剩余积分不够再生成一段视频。${
            registerUrl
              ? `${link(registerUrl, "免费注册")}即可获得更多积分 — 项目会一起保留。`
              : "请在 nemovideo.com 充值获取更多积分。"
          }${available >= CREDIT_COSTS.edit ? "编辑仍然可以。" : ""}`
        : undefined,
    ]
      .filter((line) => line !== undefined)
      .join("\n"),
  creditsUnavailable: "⚠️ 暂时无法读取积分余额，请稍后再试。",
  timeline: (summary: string) => escapeHtml(summary),
  timelineEmpty: "时间线上还没有内容 — 发送照片或片段，并告诉我想做什么。",
  turnFailed: "⚠️ 处理时出了点问题。你的项目没有丢失 — 请再试一次。",
  turnTimedOut: "⌛ 等待时间太长，我先停止等待了。你的项目没有丢失 — 可以用 /status 查看，或重新发送请求。",
  disconnectedWaiting: "📡 与 NemoVideo 的连接断开了 — 正在确认你的修改是否已完成…",
  silentTurnReport: (changes: readonly DraftChange[], suggestions: readonly Suggestion[]) =>
    [
      "✅ 完成。以下是改动：",
      escapeHtml(draft.draft.changes(changes)),
      suggestions.length > 0
        ? `\n<b>接下来可以：</b>\n${bullets(suggestions.map((s) => draft.suggestions[s]))}`
        : undefined,
    ]
      .filter((line) => line !== undefined && line !== "")
      .join("\n"),
  whatNext: "接下来做什么？告诉我下一个修改，或使用下面的按钮。",
  nothingChanged: "🤔 时间线上没有看到变化。换个说法描述一下修改试试？",
  offerEdit: "✏️ 想要这个修改？直接告诉我，比如“把标题移到顶部” — 我来帮你改。",
  outOfCredits: ({ registerUrl }: { registerUrl?: string } = {}) =>
    registerUrl
      ? `💳 免费积分已用完。${link(registerUrl, "免费注册")}即可继续 — 项目会一起保留。`
      : "💳 积分已用完。请在 nemovideo.com 充值后重新发送请求。",
  exportBlocked: ({ registerUrl }: { registerUrl?: string } = {}) =>
    [
      "🔒 免费套餐无法导出。这是套餐限制，不是积分问题。",
      registerUrl
        ? `${link(registerUrl, "注册")}或升级后，再试一次 /export。`
        : "请在 nemovideo.com 升级套餐后，再试一次 /export。",
    ].join("\n"),
  rateLimited: "⏳ NemoVideo 正忙，请过一分钟再发一次。",
  backendError: "⚠️ NemoVideo 出了点问题，请稍后再试。",
  sessionLost: "ℹ️ 没有找到你之前的项目，所以我新建了一个。",
  // --- issue 18: progress people can see ---
  progress: {
    stop: "⏹ 停止",
    draft: (stage: string, elapsedMs: number, partial: string) =>
      [`${stage} · ${elapsedText(elapsedMs)}`, partial].filter(Boolean).join("\n\n"),
    stopped: "已停止",
    nothingToStop: "已经没有正在进行的任务",
    notYours: "只有发起请求的人（或群管理员）可以停止",
    queuedMany: (waiting: number) => `🕒 ${num(waiting)} 个请求正在排队 — 我会按顺序逐个回复（引用原消息）。`,
  },
};
