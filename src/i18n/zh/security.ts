import { escapeHtml } from "../../telegram/text";
import { bold, num } from "../format";
import type { SecurityTexts } from "../types";

/** Chinese (issue 19 security): claim links, outside text, input limits, group powers. */
export const security: SecurityTexts = {
  agentText: (text: string) => escapeHtml(text),
  openNotWithOperatorToken:
    "🔒 这个机器人使用运营者自己的 NemoVideo 账户，所以不能发放浏览器链接。需要修改、查看时间线或导出，直接在这里告诉我。",
  openSentPrivately: "🔒 链接已私信发给你 — 它能打开这个群的项目，只给你一个人。",
  openStartPrivately: (username: string) =>
    `🔒 这个链接能打开群里的项目，所以我只私信发送。请先私聊我（@${escapeHtml(username)}），然后再发送 /open。`,
  openLinkForGroup: "🌐 你的群项目 NemoVideo 链接（请勿转发 — 无需登录即可打开）：",
  tooManyLinks: (limit: number) => `🔗 这条消息里的链接太多了 — 每次最多 ${num(limit)} 个。请分几次发送。`,
  linkRefused: (host: string) =>
    `🚫 无法获取 ${bold(host)}：不允许私有、本地或带密码的地址。请发送公开链接或文件本身。`,
  rateLimitedMedia: (seconds: number) =>
    `🐢 一次发送的文件和链接太多了 — 请等 ${num(Math.max(1, Math.ceil(seconds)))} 秒再发剩下的。`,
  rateLimitedQuick: (seconds: number) => `🐢 请求太频繁 — 请等 ${num(Math.max(1, Math.ceil(seconds)))} 秒。`,
  adminOnly: "🔒 在群里，只有群管理员（或发起这项工作的人）可以这样做。",
  inboxFull: "🐢 消息太多，我处理不过来 — 请稍等片刻再发送一次。",
  mediaListFull: "📦 这里等待处理的文件已经太多了 — 等这些添加完成后再发送其余的。",
};
