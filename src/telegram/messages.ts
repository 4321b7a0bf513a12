import type { KnownField } from "../nemo/draft/types";
import type { Extra } from "../nemo/generation";
import { operatorMessages } from "../operator/messages";
import { escapeAttribute, escapeHtml } from "./text";

/**
 * Every user-facing text of the bot, in English and Chinese. All texts are for Telegram's HTML parse
 * mode: fixed text is written HTML-safe and every interpolated value is escaped here, so callers pass
 * raw values (names, URLs, agent text) and never escape twice.
 */

/** The languages the bot speaks. */
export type Lang = "en" | "zh";

/** Chinese for any Telegram language code starting with "zh" (zh, zh-hans, zh-TW…), English otherwise. */
export function langFromCode(code?: string): Lang {
  return typeof code === "string" && code.trim().toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** The accepted upload formats (nemo-api.md §6). */
export const ACCEPTED_FORMATS = "mp4, mov, avi, webm, mkv, jpg/jpeg, png, gif, webp, mp3, wav, m4a, aac";

/** The NemoVideo registration link that binds an anonymous account (nemo-api.md §12). */
export function registrationUrl(bindId: string, webUrl = "https://nemovideo.com"): string {
  return `${webUrl.replace(/\/+$/, "")}/register?bind=${encodeURIComponent(bindId)}`;
}

export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

/**
 * What NemoVideo charges (nemo-api.md §7, approximate): the one place the bot's texts quote costs from.
 * Exporting is free.
 */
export const CREDIT_COSTS = { generation: 100, edit: 50 } as const;

export interface MediaCounts {
  photos: number;
  videos: number;
  audio: number;
  files: number;
}

/** Which progress label an agent tool call gets (keyed on tool-name substrings, nemo-api.md §4.4). */
export type ToolStage = "understand" | "music" | "generate" | "edit" | "working";

/** Classifies an agent tool name into a progress stage. */
export function toolStage(name: string): ToolStage {
  const tool = name.toLowerCase();
  if (/understand|analy[sz]/.test(tool)) return "understand";
  if (/music|suno|audio|voiceover|bgm|sound/.test(tool)) return "music";
  if (/generate_video|seedance|video_gen/.test(tool)) return "generate";
  if (/edit|draft|multitrack/.test(tool)) return "edit";
  return "working";
}

const link = (url: string, label: string) => `<a href="${escapeAttribute(url)}">${escapeHtml(label)}</a>`;
// issue 14: the extras a generation's post-production added, named for people.
const quotedLabel = (label: string | undefined, open: string, close: string) =>
  label ? ` ${open}${escapeHtml(label)}${close}` : "";
const extraEn = (e: Extra) =>
  e.kind === "music"
    ? `music${quotedLabel(e.label, "“", "”")}`
    : e.kind === "title"
      ? `the title${quotedLabel(e.label, "“", "”")}`
      : e.kind === "text"
        ? `the text${quotedLabel(e.label, "“", "”")}`
        : `the effect${quotedLabel(e.label, "“", "”")}`;
const extraZh = (e: Extra) => {
  const word = { music: "音乐", title: "标题", text: "文字", effect: "特效" }[e.kind];
  return e.label ? `${word}「${escapeHtml(e.label)}」` : word;
};
const listOf = (items: string[], and: string) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}`;
const bold = (text: string) => `<b>${escapeHtml(text)}</b>`;
const num = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US", { maximumFractionDigits: 0 }) : "?";
const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;
const bullets = (items: readonly string[]) => items.map((item) => `• ${escapeHtml(item)}`).join("\n");

function minutes(elapsedMs: number): { value: number; unit: "s" | "min" } {
  const seconds = Math.max(0, Math.round(elapsedMs / 1000));
  return seconds < 60 ? { value: seconds, unit: "s" } : { value: Math.round(seconds / 60), unit: "min" };
}

const en = {
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
  stages: {
    understand: "🔍 Looking at your media…",
    music: "🎵 Adding music…",
    generate: "🎬 Generating the video…",
    edit: "✂️ Editing the timeline…",
    working: "🤖 Working on it…",
  } satisfies Record<ToolStage, string>,
  stageForTool: (name: string) => en.stages[toolStage(name)],
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
  silentTurnReport: (changesText: string, suggestions: readonly string[]) =>
    [
      "✅ Done. Here's what changed:",
      escapeHtml(changesText),
      suggestions.length > 0 ? `\n<b>Next you could:</b>\n${bullets(suggestions)}` : undefined,
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
  mediaAdded: (counts: MediaCounts, askWhatToMake = true) => {
    const parts = [
      counts.photos > 0 ? plural(counts.photos, "photo", "photos") : undefined,
      counts.videos > 0 ? plural(counts.videos, "video", "videos") : undefined,
      counts.audio > 0 ? plural(counts.audio, "audio file", "audio files") : undefined,
      counts.files > 0 ? plural(counts.files, "file", "files") : undefined,
    ].filter((part) => part !== undefined);
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "Media");
    return `📥 ${list} added${askWhatToMake ? " — tell me what to make" : ""}`;
  },
  uploading: (done: number, total: number) => `⬆️ Uploading ${num(done)}/${num(total)}…`,
  uploadFailed: (filename?: string) =>
    `⚠️ I couldn't upload ${filename ? bold(filename) : "that file"}. Please send it again.`,
  uploadFailedAll: (count: number) => `⚠️ I couldn't upload those ${num(count)} files. Please send them again.`,
  uploadHelp: "📎 Just send photos, videos or audio here (or paste links to them) — I'll add them to your project.",
  unsupportedMedia: `🚫 I can't use that file type. I accept: ${ACCEPTED_FORMATS}.`,
  fileTooBigForTelegram: (filename?: string) =>
    `📦 ${filename ? bold(filename) : "That file"} is over 20 MB, the most Telegram lets bots download. Trim or compress it, or send a link to the file instead.`,
  fileTooLargeForNemo: (filename?: string) =>
    `📦 NemoVideo says ${filename ? bold(filename) : "that file"} is too large. Trim or compress it and send it again.`,
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
  // --- issue 14: two-stage generation (the raw clip at once, then the extras the backend added itself) ---
  twoStage: {
    rawClipCaption: "🎞 Your raw clip, before the finishing touches.",
    rawClipLink: (url: string) => `🎞 Your raw clip is ready: ${link(url, "watch it")}`,
    extrasOffer: (extras: Extra[]) =>
      `✨ After generating, NemoVideo added on its own: ${listOf(extras.map(extraEn), "and")}.\nKeep them, or remove them and keep just the generated clip?`,
    keep: "👍 Keep",
    remove: "🧹 Remove extras",
    kept: "👍 Keeping them.",
    expired: "That choice is no longer active — the project has changed since.",
  },
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
  // --- issue 17 (accounts), 14.4 (export refusals) ---
  accounts: {
    freeAccountsExhausted: [
      "🚧 NemoVideo isn't handing out free accounts right now: this bot has used up its share for the week.",
      "Two ways to go on:",
      "• bring your own NemoVideo account: send /token to me in a private chat (the token is under Settings → API Tokens on nemovideo.com);",
      "• or ask the person who runs this bot to connect a shared NemoVideo account.",
      "Chats that already have an account keep working. Your request was not sent; send it again later or after /token.",
    ].join("\n"),
    tokenNeeded: [
      "🔑 This bot works with your own NemoVideo account.",
      "Send /token to me in a private chat and paste your API token (Settings → API Tokens on nemovideo.com).",
    ].join("\n"),
    tokenAsk: [
      "🔑 Send me your NemoVideo API token as your next message (Settings → API Tokens on nemovideo.com).",
      "I delete that message at once and keep the token sealed. /token off goes back to the default account.",
    ].join("\n"),
    tokenSaved: (available: number | undefined) =>
      [
        `✅ Token checked and saved${available === undefined ? "" : ` (${num(available)} credits available)`}.`,
        "From now on this chat works in your own NemoVideo account, in a new project.",
      ].join("\n"),
    tokenOldProject: "Your previous project stays in NemoVideo:",
    tokenWrong:
      "❌ NemoVideo did not accept that token (wrong or expired). Nothing was saved. Check it under Settings → API Tokens on nemovideo.com and send /token again.",
    tokenCheckFailed:
      "⚠️ I couldn't check the token with NemoVideo just now. Nothing was saved; please send /token again in a minute.",
    tokenOff: "↩️ Your token is forgotten. This chat is back on the bot's default account, in a new project.",
    tokenOffNone: "You haven't given me a token, so there is nothing to turn off.",
    tokenInGroup:
      "🔒 Send your token to me in a private chat, never in a group. Open a chat with me and send /token there.",
    tokenRefused:
      "🔑 NemoVideo refused your token (expired or revoked?). Send /token with a new one, or /token off to go back to the default account.",
    exportNeedsAccount: ({ registerUrl, linkBelow }: { registerUrl?: string; linkBelow: boolean }) =>
      [
        "🔒 Export isn't available on a free anonymous NemoVideo account.",
        linkBelow
          ? "Your project is safe: open it in NemoVideo and export it in the browser (the button below keeps the project)."
          : "Your project is safe: send me /open in a private chat to open it in NemoVideo and export it in the browser.",
        registerUrl ? `Or ${link(registerUrl, "register for free")} and export here.` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    forgetTooSoon: "⏳ /forget works once a day per person. Nothing was deleted; please try again tomorrow.",
    statsLine: (status: { state: "ok" | "capped"; lastRefusalAt?: string }) =>
      status.state === "capped"
        ? `🚧 Anonymous tokens: capped (last refusal ${escapeHtml(status.lastRefusalAt ?? "?")}). New chats need NEMO_TOKEN or /token.`
        : `Anonymous tokens: ok${status.lastRefusalAt ? ` (last refusal ${escapeHtml(status.lastRefusalAt)})` : ""}`,
  },
  // --- issue 19 (security): claim links, outside text, input limits, group powers ---
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
  // --- end issue 19 ---
  // issue 14: words for draft changes found by comparing the timeline (plain text; escaped where sent).
  draftFields: {
    names: {
      colour: "colour",
      fontSize: "font size",
      position: "position",
      fadeIn: "fade in",
      fadeOut: "fade out",
      font: "font",
      opacity: "opacity",
      speed: "speed",
      bold: "bold",
      italic: "italic",
      background: "background",
      outline: "outline",
      shadow: "shadow",
      animation: "animation",
      align: "alignment",
      source: "source",
      name: "name",
      text: "text",
      volume: "volume",
    } satisfies Record<KnownField, string>,
    on: "on",
    off: "off",
    removed: " removed",
    changed: " changed",
    items: (n: number) => `${num(n)} ${n === 1 ? "item" : "items"}`,
    settings: (n: number) => `${num(n)} ${n === 1 ? "setting" : "settings"}`,
    clips: (n: number) => `${num(n)} clips`,
    updated: "The project was updated in ways I can't list here — /status shows the timeline.",
  },
  // end issue 14
  // --- issue 18: progress people can see ---
  progress: {
    stop: "⏹ Stop",
    /** The live draft of a private chat: the stage, the time so far and the answer as it is written. */
    draft: (stage: string, elapsedMs: number, partial: string) =>
      [`${stage} · ${elapsedText(elapsedMs, "en")}`, partial].filter(Boolean).join("\n\n"),
    stopped: "Stopped",
    nothingToStop: "Nothing is running any more",
    notYours: "Only the person who asked (or a group admin) can stop this",
    /** Several waiting requests in a group share one notice, edited as the queue changes. */
    queuedMany: (waiting: number) =>
      `🕒 ${num(waiting)} ${waiting === 1 ? "request is" : "requests are"} queued — I'll answer each in turn, quoting it.`,
  },
  operator: operatorMessages.en,
};

/** The shape every language provides. */
export type Messages = typeof en;

const zh: Messages = {
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
  stages: {
    understand: "🔍 正在查看你的素材…",
    music: "🎵 正在添加音乐…",
    generate: "🎬 正在生成视频…",
    edit: "✂️ 正在编辑时间线…",
    working: "🤖 正在处理…",
  },
  stageForTool: (name: string) => zh.stages[toolStage(name)],
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
  silentTurnReport: (changesText: string, suggestions: readonly string[]) =>
    [
      "✅ 完成。以下是改动：",
      escapeHtml(changesText),
      suggestions.length > 0 ? `\n<b>接下来可以：</b>\n${bullets(suggestions)}` : undefined,
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
  notExportable: "还没有可以导出的内容 — 先发送照片或片段，并告诉我想做什么。",
  exportQueued: "🕒 当前任务完成后我会马上导出。",
  renderAlreadyRunning: "⏳ 这个版本已经在渲染了，完成后视频会发到这里。",
  renderDone: (title?: string) => (title ? `✅ 视频已完成：${bold(title)}` : "✅ 视频已完成！"),
  renderFailed: (reason?: string) =>
    `❌ 导出失败${reason ? `：${escapeHtml(reason)}` : "。"}点“重试”或再发送 /export。`,
  videoTooLargeLink: (url: string) =>
    `📦 视频超过了 Telegram 机器人可发送的大小（50 MB），请用这个链接下载：${link(url, "下载 MP4")}`,
  // --- issue 15: renders (progress, limits, unchanged drafts) ---
  renderStatus: (bar: string, percent: number, leftMs: number | undefined, updated: boolean) => {
    const left = leftMs === undefined ? undefined : minutes(leftMs);
    return [
      updated ? "🎬 更新后的视频正在路上。\n" : "",
      `⏳ 正在渲染… ${bar} ${num(percent)}%`,
      left ? ` · 约剩 ${left.value} ${left.unit === "s" ? "秒" : "分钟"}` : "",
    ].join("");
  },
  renderTimedOut: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ 渲染在 ${value} ${unit === "s" ? "秒" : "分钟"}内没有完成（最后进度 ${num(percent)}%），我已取消。点「重新导出」，或在 NemoVideo 中打开项目。`;
  },
  renderStalled: (percent: number, elapsedMs: number) => {
    const { value, unit } = minutes(elapsedMs);
    return `⌛ 渲染停在了 ${num(percent)}%（已开始 ${value} ${unit === "s" ? "秒" : "分钟"}），我已取消。点「重新导出」，或在 NemoVideo 中打开项目。`;
  },
  renderGone: "⚠️ NemoVideo 已找不到这次渲染（已被取消或过期）。点「重新导出」，或在 NemoVideo 中打开项目。",
  renderCurrentVersion: "✅ 自上一个视频以来没有任何修改 — 上面那个就是最新版本。",
  retryExportButton: "🔁 重新导出",
  // --- end of issue 15 ---
  mediaAdded: (counts: MediaCounts, askWhatToMake = true) => {
    const parts = [
      counts.photos > 0 ? `${num(counts.photos)} 张照片` : undefined,
      counts.videos > 0 ? `${num(counts.videos)} 个视频` : undefined,
      counts.audio > 0 ? `${num(counts.audio)} 个音频` : undefined,
      counts.files > 0 ? `${num(counts.files)} 个文件` : undefined,
    ].filter((part) => part !== undefined);
    return `📥 已添加${parts.length > 0 ? ` ${parts.join("、")}` : "素材"}${askWhatToMake ? " — 告诉我想做什么" : ""}`;
  },
  uploading: (done: number, total: number) => `⬆️ 正在上传 ${num(done)}/${num(total)}…`,
  uploadFailed: (filename?: string) => `⚠️ ${filename ? bold(filename) : "文件"}上传失败，请重新发送。`,
  uploadFailedAll: (count: number) => `⚠️ 这 ${num(count)} 个文件都没能上传，请重新发送。`,
  uploadHelp: "📎 直接在这里发送照片、视频或音频（或粘贴链接）— 我会把它们加入你的项目。",
  unsupportedMedia: `🚫 不支持这种文件类型。支持的格式：${ACCEPTED_FORMATS}。`,
  fileTooBigForTelegram: (filename?: string) =>
    `📦 ${filename ? bold(filename) : "文件"}超过 20 MB，Telegram 不允许机器人下载。请剪短或压缩，或者发送文件链接。`,
  fileTooLargeForNemo: (filename?: string) =>
    `📦 NemoVideo 提示${filename ? ` ${bold(filename)} ` : "文件"}太大。请剪短或压缩后重新发送。`,
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
  // --- issue 14: two-stage generation (the raw clip at once, then the extras the backend added itself) ---
  twoStage: {
    rawClipCaption: "🎞 这是原始片段（尚未加工）。",
    rawClipLink: (url: string) => `🎞 原始片段已生成：${link(url, "观看")}`,
    extrasOffer: (extras: Extra[]) =>
      `✨ 在原始片段之上，NemoVideo 自动添加了：${extras.map(extraZh).join("、")}。\n保留它们，还是移除、只保留片段？`,
    keep: "👍 保留",
    remove: "🧹 移除附加内容",
    kept: "👍 好的，保留。",
    expired: "这个选择已失效 — 项目已经变化。",
  },
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
  // --- issue 17 (accounts), 14.4 (export refusals) ---
  accounts: {
    freeAccountsExhausted: [
      "🚧 NemoVideo 暂时不再发放免费账号：本机器人本周的额度已用完。",
      "两种继续的方法：",
      "• 使用你自己的 NemoVideo 账号：在私聊中给我发送 /token（令牌在 nemovideo.com 的 设置 → API Tokens）；",
      "• 或请本机器人的运营者接入一个共享的 NemoVideo 账号。",
      "已有账号的聊天不受影响。你的请求没有发出；请稍后或使用 /token 后再发一次。",
    ].join("\n"),
    tokenNeeded: [
      "🔑 本机器人需要使用你自己的 NemoVideo 账号。",
      "请在私聊中给我发送 /token，并粘贴你的 API 令牌（nemovideo.com 的 设置 → API Tokens）。",
    ].join("\n"),
    tokenAsk: [
      "🔑 请在下一条消息中发送你的 NemoVideo API 令牌（nemovideo.com 的 设置 → API Tokens）。",
      "我会立即删除那条消息，并加密保存令牌。发送 /token off 可恢复默认账号。",
    ].join("\n"),
    tokenSaved: (available: number | undefined) =>
      [
        `✅ 令牌已验证并保存${available === undefined ? "" : `（可用积分 ${num(available)}）`}。`,
        "从现在起，这个聊天使用你自己的 NemoVideo 账号，并在其中新建了项目。",
      ].join("\n"),
    tokenOldProject: "你之前的项目仍保留在 NemoVideo 中：",
    tokenWrong:
      "❌ NemoVideo 不接受这个令牌（错误或已过期），没有保存任何内容。请在 nemovideo.com 的 设置 → API Tokens 中检查后再发送 /token。",
    tokenCheckFailed: "⚠️ 暂时无法向 NemoVideo 验证令牌，没有保存任何内容。请稍后再发送 /token。",
    tokenOff: "↩️ 已删除你的令牌。这个聊天已恢复使用机器人的默认账号，并新建了项目。",
    tokenOffNone: "你还没有给我令牌，无需关闭。",
    tokenInGroup: "🔒 请在私聊中把令牌发给我，切勿发在群里。打开与我的私聊并在那里发送 /token。",
    tokenRefused:
      "🔑 NemoVideo 拒绝了你的令牌（已过期或被撤销？）。请用 /token 发送新的令牌，或发送 /token off 恢复默认账号。",
    exportNeedsAccount: ({ registerUrl, linkBelow }: { registerUrl?: string; linkBelow: boolean }) =>
      [
        "🔒 免费匿名的 NemoVideo 账号无法导出视频。",
        linkBelow
          ? "你的项目是安全的：在 NemoVideo 中打开并在浏览器里导出（下方按钮会保留项目）。"
          : "你的项目是安全的：在私聊中给我发送 /open，即可在 NemoVideo 中打开并在浏览器里导出。",
        registerUrl ? `或${link(registerUrl, "免费注册")}后在这里导出。` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    forgetTooSoon: "⏳ 每人每天只能使用一次 /forget。没有删除任何内容，请明天再试。",
    statsLine: (status: { state: "ok" | "capped"; lastRefusalAt?: string }) =>
      status.state === "capped"
        ? `🚧 匿名令牌：已达上限（最近一次拒绝 ${escapeHtml(status.lastRefusalAt ?? "?")}）。新聊天需要 NEMO_TOKEN 或 /token。`
        : `匿名令牌：正常${status.lastRefusalAt ? `（最近一次拒绝 ${escapeHtml(status.lastRefusalAt)}）` : ""}`,
  },
  // --- issue 19 (security): claim links, outside text, input limits, group powers ---
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
  // --- end issue 19 ---
  // issue 14: words for draft changes found by comparing the timeline (plain text; escaped where sent).
  draftFields: {
    names: {
      colour: "颜色",
      fontSize: "字号",
      position: "位置",
      fadeIn: "淡入",
      fadeOut: "淡出",
      font: "字体",
      opacity: "不透明度",
      speed: "速度",
      bold: "粗体",
      italic: "斜体",
      background: "背景",
      outline: "描边",
      shadow: "阴影",
      animation: "动画",
      align: "对齐",
      source: "素材",
      name: "名称",
      text: "文字",
      volume: "音量",
    },
    on: "开",
    off: "关",
    removed: "已移除",
    changed: "已更改",
    items: (n: number) => `${num(n)} 项`,
    settings: (n: number) => `${num(n)} 项设置`,
    clips: (n: number) => `${num(n)} 个片段`,
    updated: "项目已更新，但具体改动无法在这里列出 — 发送 /status 查看时间线。",
  },
  // end issue 14
  // --- issue 18: progress people can see ---
  progress: {
    stop: "⏹ 停止",
    draft: (stage: string, elapsedMs: number, partial: string) =>
      [`${stage} · ${elapsedText(elapsedMs, "zh")}`, partial].filter(Boolean).join("\n\n"),
    stopped: "已停止",
    nothingToStop: "已经没有正在进行的任务",
    notYours: "只有发起请求的人（或群管理员）可以停止",
    queuedMany: (waiting: number) => `🕒 ${num(waiting)} 个请求正在排队 — 我会按顺序逐个回复（引用原消息）。`,
  },
  operator: operatorMessages.zh,
};

const MESSAGES: Record<Lang, Messages> = { en, zh };

/** Elapsed time for a live draft (issue 18): seconds under a minute, then minutes and seconds. */
function elapsedText(ms: number, lang: Lang): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (lang === "zh") return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** The texts for one language. */
export function t(lang: Lang): Messages {
  return MESSAGES[lang] ?? en;
}

/** The bot's commands with descriptions, for `setMyCommands` (per language_code). */
export function commandList(lang: Lang): { command: string; description: string }[] {
  const descriptions: Record<Lang, Record<string, string>> = {
    en: {
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
    zh: {
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
  return Object.entries(descriptions[lang] ?? descriptions.en).map(([command, description]) => ({
    command,
    description,
  }));
}
