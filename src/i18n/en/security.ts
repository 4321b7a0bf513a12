import { escapeHtml } from "../../telegram/text";
import { bold, num } from "../format";
import type { SecurityTexts } from "../types";

/** English (issue 19 security): claim links, outside text, input limits, group powers. */
export const security: SecurityTexts = {
  /** An agent's answer: outside text, shown exactly as written (split after escaping). */
  agentText: (text: string) => escapeHtml(text),
  openNotWithOperatorToken:
    "🔒 This bot works inside its operator's NemoVideo account, so I can't hand out browser links to it. Ask me here for changes, the timeline or an export.",
  openSentPrivately:
    "🔒 I sent you the link in a private message — it opens this group's project, so it's only for you.",
  openStartPrivately: (username: string) =>
    `🔒 The link opens this group's project, so I only send it privately. Start a chat with me first (@${escapeHtml(username)}), then ask again with /open.`,
  openLinkForGroup:
    "🌐 Your link to the group's project in NemoVideo (keep it to yourself — it works without a login):",
  tooManyLinks: (limit: number) =>
    `🔗 That message has too many links — I take at most ${num(limit)} at a time. Please send them in smaller batches.`,
  linkRefused: (host: string) =>
    `🚫 I can't fetch ${bold(host)}: links to private, local or password-protected addresses are not allowed. Send a public link or the file itself.`,
  rateLimitedMedia: (seconds: number) =>
    `🐢 That's a lot of files and links at once — please wait ${num(Math.max(1, Math.ceil(seconds)))} s and send the rest.`,
  rateLimitedQuick: (seconds: number) =>
    `🐢 Too many requests at once — please wait ${num(Math.max(1, Math.ceil(seconds)))} s.`,
  adminOnly: "🔒 In a group, only a group admin (or the person whose work it is) can do that.",
  inboxFull: "🐢 I'm receiving more messages than I can keep up with — please wait a moment and send that again.",
  mediaListFull: "📦 There are already too many files waiting here — send the rest once these are added.",
};
