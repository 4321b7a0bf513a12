import { escapeHtml } from "../telegram/text";

/**
 * Texts of the operator features (access, quotas, privacy, admin commands), in English and Chinese.
 * They are part of `t(lang)` as `t(lang).operator`, so the parity and escaping tests of messages.ts cover
 * them. HTML for Telegram's HTML parse mode; interpolated values are escaped here.
 */

/** Counters for one window of /stats. */
export type StatsWindow = { chats: number; turns: number; renders: number; failures: number; credits: number };

const num = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "?");

/** "5 h 12 min" / "12 min" until the reset, never "0 min". */
function until(ms: number, hours: string, minutes: string): string {
  const total = Math.max(1, Math.ceil(ms / 60_000));
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h > 0 ? `${h} ${hours} ${m} ${minutes}` : `${m} ${minutes}`;
}

const en = {
  notAllowed:
    "🔒 Sorry, this bot is private and not available here. If you think this is a mistake, ask the person who runs it.",
  blocked: "🔒 This chat can no longer use this bot.",
  turnsLeft: (left: number, limit: number, resetInMs: number) =>
    `📊 ${num(left)} of ${num(limit)} requests left for you today · resets at 00:00 UTC (in ${until(resetInMs, "h", "min")}).`,
  turnsUsedUp: (limit: number, resetInMs: number) =>
    `⏳ You've used all ${num(limit)} requests for today. They reset at 00:00 UTC (in ${until(resetInMs, "h", "min")}).`,
  rendersLeft: (left: number, limit: number, resetInMs: number) =>
    `📊 ${num(left)} of ${num(limit)} video exports left in this chat today · resets at 00:00 UTC (in ${until(resetInMs, "h", "min")}).`,
  rendersUsedUp: (limit: number, resetInMs: number) =>
    `⏳ This chat has used all ${num(limit)} video exports for today. They reset at 00:00 UTC (in ${until(resetInMs, "h", "min")}).`,
  forgetConfirm:
    "🗑 Delete everything I store about this chat? That is the project link, your own NemoVideo token if you gave me one, queued photos and clips, pending jobs and settings. Only the sealed free-account id stays, so free credits are not handed out twice. Videos already in your NemoVideo account are not touched. This cannot be undone.",
  forgetDone:
    "✅ Done — I deleted everything I stored about this chat except the sealed free-account id. Send /start to begin again.",
  forgetKept: "👍 Nothing was deleted.",
  stats: (day: StatsWindow, week: StatsWindow) =>
    [
      "<b>📈 Bot usage</b>",
      "",
      "                 24 h · 7 days",
      `Active chats:  ${num(day.chats)} · ${num(week.chats)}`,
      `Agent turns:   ${num(day.turns)} · ${num(week.turns)}`,
      `Renders:       ${num(day.renders)} · ${num(week.renders)}`,
      `Failures:      ${num(day.failures)} · ${num(week.failures)}`,
      `Credits spent: ${num(day.credits)} · ${num(week.credits)}`,
    ].join("\n"),
  statsUnavailable: "⚠️ Statistics are unavailable right now. Please try again in a minute.",
  blockUsage: "Usage: /block &lt;chat id&gt; or /unblock &lt;chat id&gt; (a number, e.g. -1001234567890).",
  chatBlocked: (chatId: string) => `🚫 Chat ${escapeHtml(chatId)} is blocked: it gets nothing from the bot now.`,
  chatUnblocked: (chatId: string) => `✅ Chat ${escapeHtml(chatId)} is unblocked.`,
  buttons: {
    forgetYes: "🗑 Yes, delete everything",
    forgetNo: "Keep my data",
  },
};

export type OperatorMessages = typeof en;

const zh: OperatorMessages = {
  notAllowed: "🔒 抱歉，这个机器人是私有的，在这里不可用。如果你认为这是误会，请联系机器人的运营者。",
  blocked: "🔒 此聊天已无法再使用这个机器人。",
  turnsLeft: (left: number, limit: number, resetInMs: number) =>
    `📊 你今天还剩 ${num(left)}/${num(limit)} 次请求 · 于 UTC 00:00 重置（${until(resetInMs, "小时", "分钟")}后）。`,
  turnsUsedUp: (limit: number, resetInMs: number) =>
    `⏳ 你今天的 ${num(limit)} 次请求已用完，将于 UTC 00:00 重置（${until(resetInMs, "小时", "分钟")}后）。`,
  rendersLeft: (left: number, limit: number, resetInMs: number) =>
    `📊 本聊天今天还剩 ${num(left)}/${num(limit)} 次视频导出 · 于 UTC 00:00 重置（${until(resetInMs, "小时", "分钟")}后）。`,
  rendersUsedUp: (limit: number, resetInMs: number) =>
    `⏳ 本聊天今天的 ${num(limit)} 次视频导出已用完，将于 UTC 00:00 重置（${until(resetInMs, "小时", "分钟")}后）。`,
  forgetConfirm:
    "🗑 删除我为此聊天保存的所有内容？包括项目链接、你提供的 NemoVideo 令牌、排队中的照片和视频、待处理的任务和设置。只保留加密的免费账号标识，以免重复发放免费积分。你 NemoVideo 账户中已有的视频不受影响。此操作无法撤销。",
  forgetDone: "✅ 已完成——除加密的免费账号标识外，我已删除为此聊天保存的所有内容。发送 /start 重新开始。",
  forgetKept: "👍 没有删除任何内容。",
  stats: (day: StatsWindow, week: StatsWindow) =>
    [
      "<b>📈 机器人用量</b>",
      "",
      "          24 小时 · 7 天",
      `活跃聊天：${num(day.chats)} · ${num(week.chats)}`,
      `智能体轮次：${num(day.turns)} · ${num(week.turns)}`,
      `渲染：${num(day.renders)} · ${num(week.renders)}`,
      `失败：${num(day.failures)} · ${num(week.failures)}`,
      `消耗积分：${num(day.credits)} · ${num(week.credits)}`,
    ].join("\n"),
  statsUnavailable: "⚠️ 统计暂时不可用，请稍后再试。",
  blockUsage: "用法：/block &lt;聊天 ID&gt; 或 /unblock &lt;聊天 ID&gt;（数字，例如 -1001234567890）。",
  chatBlocked: (chatId: string) => `🚫 聊天 ${escapeHtml(chatId)} 已被封禁：机器人不再响应它。`,
  chatUnblocked: (chatId: string) => `✅ 聊天 ${escapeHtml(chatId)} 已解除封禁。`,
  buttons: {
    forgetYes: "🗑 是的，全部删除",
    forgetNo: "保留我的数据",
  },
};

export const operatorMessages = { en, zh } as const;
