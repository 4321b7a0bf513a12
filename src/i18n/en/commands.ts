import { escapeHtml } from "../../telegram/text";
import { num } from "../format";
import type { CommandTexts } from "../types";

/** English: groups, commands and buttons. */
export const commands: CommandTexts = {
  groupGreeting: (username: string) =>
    [
      "👋 Hi! I turn photos and clips into TikTok-ready videos.",
      `To talk to me here, mention me (@${escapeHtml(username)}), reply to one of my messages, or use a command like /help.`,
      "Telegram's privacy mode means I only see messages addressed to me like that.",
    ].join("\n"),
  mentionedWithoutText: "👋 Yes? Tell me what to make, or send photos and clips.",
  rateLimitedUser: (seconds: number) =>
    `🐢 You're sending messages quickly — please wait ${num(Math.max(1, Math.ceil(seconds)))} s.`,
  cancelled: "✖️ Cancelled. Anything NemoVideo had already started may still finish in your project.",
  nothingToCancel: "Nothing is running right now.",
  newProjectConfirm:
    "Start a new project? Your current one stays in your NemoVideo account, but I'll stop editing it here.",
  newProjectDone: "✅ New project started. Send photos or clips and tell me what to make.",
  newProjectAlreadyStarted: "✅ That new project is already started — send photos or clips and tell me what to make.",
  openLink: "🌐 Open your project in NemoVideo to preview or fine-tune it in the browser:",
  languageChoose: "🌐 Choose a language:",
  languageSet: "✅ I'll speak English from now on.",
  retryExpired: "That retry has expired — please send your request again.",
  unknownCommand: "I don't know that command. /help lists what I can do.",
  /** The answer to a button this version no longer knows (callback answers are plain text, ≤200 chars). */
  buttonExpired: "This button is no longer active. Send /help to see what I can do.",
  buttons: {
    export: "🎬 Export",
    timeline: "🧾 Timeline",
    credits: "💳 Credits",
    open: "🌐 Open in NemoVideo",
    retry: "🔁 Retry",
    confirmNew: "✅ Start a new project",
    cancel: "✖️ Cancel",
    english: "English",
    chinese: "中文",
  },
  commands: {
    start: "Connect and show examples",
    help: "What I can do",
    credits: "Your credit balance",
    status: "What's on the timeline",
    export: "Render and send the video",
    new: "Start a new project",
    cancel: "Stop waiting for the current job",
    open: "Open the project in NemoVideo",
    language: "English / 中文",
    token: "Use your own NemoVideo token",
  },
};
