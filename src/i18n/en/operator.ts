import type { StatsWindow } from "../../operator/usage";
import { escapeHtml } from "../../telegram/text";
import { num, until } from "../format";
import type { OperatorTexts } from "../types";

/** English: the operator features (access, quotas, privacy, admin commands). */
export const operator: OperatorTexts = {
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
