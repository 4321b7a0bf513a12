import type { Extra } from "../../nemo/generation";
import { escapeHtml } from "../../telegram/text";
import { bold, link, listOf, minutes, num, quotedLabel } from "../format";
import type { RenderTexts } from "../types";

// issue 14: the extras a generation's post-production added, named for people.
const extraText = (e: Extra) =>
  e.kind === "music"
    ? `music${quotedLabel(e.label, "“", "”")}`
    : e.kind === "title"
      ? `the title${quotedLabel(e.label, "“", "”")}`
      : e.kind === "text"
        ? `the text${quotedLabel(e.label, "“", "”")}`
        : `the effect${quotedLabel(e.label, "“", "”")}`;

/** English: exports, and the raw clip of a two-stage generation. */
export const renders: RenderTexts = {
  notExportable: "There's nothing to export yet — send photos or clips and tell me what to make first.",
  exportQueued: "🕒 I'll export as soon as the current job finishes.",
  renderAlreadyRunning: "⏳ This version is already rendering — the video will come here when it is ready.",
  renderDone: (title?: string) => (title ? `✅ Video ready: ${bold(title)}` : "✅ Video ready!"),
  renderFailed: (reason?: string) =>
    `❌ The export failed${reason ? `: ${escapeHtml(reason)}` : "."} Tap Retry or send /export again.`,
  videoTooLargeLink: (url: string) =>
    `📦 The video is larger than Telegram lets bots send (50 MB), so here's the download link: ${link(url, "download the MP4")}`,
  // --- issue 15: renders (progress, limits, unchanged drafts) ---
  renderStatus: (bar: string, percent: number, leftMs: number | undefined, updated: boolean) => {
    const left = leftMs === undefined ? undefined : minutes(leftMs);
    return [
      updated ? "🎬 The updated video is on its way.\n" : "",
      `⏳ Rendering… ${bar} ${num(percent)}%`,
      left ? ` · about ${left.value} ${left.unit} left` : "",
    ].join("");
  },
  renderTimedOut: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ The render did not finish in ${value} ${unit} (last progress ${num(percent)}%), so I cancelled it. Tap Retry export, or open the project in NemoVideo.`;
  },
  renderStalled: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ The render stopped moving at ${num(percent)}% (${value} ${unit} since it started), so I cancelled it. Tap Retry export, or open the project in NemoVideo.`;
  },
  renderGone:
    "⚠️ NemoVideo no longer knows this render (it was cancelled or expired). Tap Retry export, or open the project in NemoVideo.",
  renderCurrentVersion: "✅ Nothing changed since the last video — the one above is the current version.",
  retryExportButton: "🔁 Retry export",
  // --- end of issue 15 ---
  // --- issue 14: two-stage generation (the raw clip at once, then the extras the backend added itself) ---
  twoStage: {
    rawClipCaption: "🎞 Your raw clip, before the finishing touches.",
    rawClipLink: (url: string) => `🎞 Your raw clip is ready: ${link(url, "watch it")}`,
    extrasOffer: (extras: Extra[]) =>
      `✨ After generating, NemoVideo added on its own: ${listOf(extras.map(extraText), "and")}.\nKeep them, or remove them and keep just the generated clip?`,
    keep: "👍 Keep",
    remove: "🧹 Remove extras",
    kept: "👍 Keeping them.",
    expired: "That choice is no longer active — the project has changed since.",
  },
};
