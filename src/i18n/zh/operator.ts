import type { StatsWindow } from "../../operator/usage";
import { escapeHtml } from "../../telegram/text";
import { num, until } from "../format";
import type { OperatorTexts } from "../types";

/** Chinese: the operator features (access, quotas, privacy, admin commands). */
export const operator: OperatorTexts = {
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
