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
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

const STAGES: Record<ToolStage, string> = {
  understand: "🔍 Looking at your media…",
  music: "🎵 Adding music…",
  generate: "🎬 Generating the video…",
  edit: "✂️ Editing the timeline…",
  working: "🤖 Working on it…",
};

/** English: connecting, helping, working on a request and how it ends. */
export const conversation: ConversationTexts = {
  settingUp: "⚙️ Setting things up…",
  greeting: [
    "✅ Connected to NemoVideo and ready.",
    "",
    "Drop your video clips or photos here (several at once is fine), then tell me what to make.",
    "",
    "<b>Try saying:</b>",
    "• “turn my photos into a 30-second TikTok video with trending music and captions”",
    "• “make a 10-second 1080p product clip from these three lifestyle photos”",
    "• “cut my clips into a fast-paced vertical video with a bold title”",
    "",
    "Tip: vertical 9:16 footage gives the best results on TikTok. /help lists everything I can do.",
  ].join("\n"),
  help: [
    "<b>What I do</b>: turn your photos and clips into TikTok-ready videos with NemoVideo.",
    "Send photos, videos or audio (or links to them), describe the video, then export.",
    "",
    "/start — connect and show examples",
    "/help — this help",
    "/credits — your NemoVideo credit balance",
    "/status — what's on the timeline",
    "/export — render and send the video",
    "/new — start a new project",
    "/cancel — stop waiting for the current job",
    "/open — open the project in NemoVideo",
    "/language — English / 中文",
    "/token — use your own NemoVideo account (private chat)",
    "",
    "In groups: mention me, reply to one of my messages, or use a command.",
  ].join("\n"),
  working: "🤖 Working on it…",
  stages: STAGES,
  stageForTool: (name: string) => STAGES[toolStage(name)],
  stillWorking: (elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⏳ Still working… (${value} ${unit})`;
  },
  queued: (position: number) =>
    `🕒 Got it — queued (#${num(position)}). I'll start as soon as the current job finishes.`,
  queueFull: "🚦 A few requests are already waiting. Let me finish those first, then send this again.",
  credits: ({ available, frozen }: Credits, { registerUrl }: { registerUrl?: string } = {}) =>
    [
      `💳 <b>Credits</b>: ${num(available)} available to spend`,
      frozen > 0 ? `🔒 ${num(frozen)} more are on hold for a job that is still running` : undefined,
      `A video generation costs about ${num(CREDIT_COSTS.generation)} credits, an edit about ${num(CREDIT_COSTS.edit)}; exporting is free.`,
      available < CREDIT_COSTS.generation
        ? `⚠️ That is not enough for another video generation. ${
            registerUrl
              ? `${link(registerUrl, "Register for free")} to get more credits — your project comes with you.`
              : "Top up at nemovideo.com to get more."
          }${available >= CREDIT_COSTS.edit ? " Edits still work." : ""}`
        : undefined,
    ]
      .filter((line) => line !== undefined)
      .join("\n"),
  creditsUnavailable: "⚠️ I couldn't read your credit balance right now. Please try again in a minute.",
  timeline: (summary: string) => escapeHtml(summary),
  timelineEmpty: "Nothing on the timeline yet — send photos or clips and tell me what to make.",
  turnFailed: "⚠️ Something went wrong while working on that. Your project is safe — please try again.",
  turnTimedOut:
    "⌛ That took too long, so I stopped waiting. Your project is safe — check /status, or send the request again.",
  disconnectedWaiting: "📡 I lost the connection to NemoVideo — checking whether your edit went through…",
  silentTurnReport: (changes: readonly DraftChange[], suggestions: readonly Suggestion[]) =>
    [
      "✅ Done. Here's what changed:",
      escapeHtml(draft.draft.changes(changes)),
      suggestions.length > 0
        ? `\n<b>Next you could:</b>\n${bullets(suggestions.map((s) => draft.suggestions[s]))}`
        : undefined,
    ]
      .filter((line) => line !== undefined && line !== "")
      .join("\n"),
  whatNext: "What next? Tell me another change, or use the buttons below.",
  nothingChanged: "🤔 I couldn't see any change on the timeline. Try describing the edit a bit differently?",
  offerEdit: "✏️ Want that change? Just tell me, e.g. “move the title to the top” — I'll do it for you.",
  outOfCredits: ({ registerUrl }: { registerUrl?: string } = {}) =>
    registerUrl
      ? `💳 You're out of free credits. ${link(registerUrl, "Register for free")} to keep going — your project comes with you.`
      : "💳 You're out of credits. Top up at nemovideo.com, then send your request again.",
  exportBlocked: ({ registerUrl }: { registerUrl?: string } = {}) =>
    [
      "🔒 Export is blocked on the free plan. This is a plan limit, not a credits problem.",
      registerUrl
        ? `${link(registerUrl, "Register")} or upgrade, then try /export again.`
        : "Upgrade your plan at nemovideo.com, then try /export again.",
    ].join("\n"),
  rateLimited: "⏳ NemoVideo is busy right now. Please send that again in a minute.",
  backendError: "⚠️ NemoVideo had a problem. Please try again in a minute.",
  sessionLost: "ℹ️ I couldn't find your previous project, so I started a new one.",
  // --- issue 18: progress people can see ---
  progress: {
    stop: "⏹ Stop",
    /** The live draft of a private chat: the stage, the time so far and the answer as it is written. */
    draft: (stage: string, elapsedMs: number, partial: string) =>
      [`${stage} · ${elapsedText(elapsedMs)}`, partial].filter(Boolean).join("\n\n"),
    stopped: "Stopped",
    nothingToStop: "Nothing is running any more",
    notYours: "Only the person who asked (or a group admin) can stop this",
    /** Several waiting requests in a group share one notice, edited as the queue changes. */
    queuedMany: (waiting: number) =>
      `🕒 ${num(waiting)} ${waiting === 1 ? "request is" : "requests are"} queued — I'll answer each in turn, quoting it.`,
  },
};
