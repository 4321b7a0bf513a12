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
  credits: ({ available, frozen, total }: Credits) =>
    [
      `💳 <b>Credits</b>: ${num(available)} available`,
      frozen > 0 ? `🔒 ${num(frozen)} reserved for running jobs` : undefined,
      `📊 ${num(total)} in total`,
      "A video generation costs about 100 credits, editing about 50; exporting is free.",
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
  renderQueued: "⏳ Rendering… this usually takes about 30 seconds.",
  renderProgress: (pct: number) => `⏳ Rendering… ${num(Math.min(100, Math.max(0, pct)))}%`,
  renderAlreadyRunning: "⏳ This version is already rendering — the video will come here when it is ready.",
  renderDone: (title?: string) => (title ? `✅ Video ready: ${bold(title)}` : "✅ Video ready!"),
  renderFailed: (reason?: string) =>
    `❌ The export failed${reason ? `: ${escapeHtml(reason)}` : "."} Tap Retry or send /export again.`,
  videoTooLargeLink: (url: string) =>
    `📦 The video is larger than Telegram lets bots send (50 MB), so here's the download link: ${link(url, "download the MP4")}`,
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
  credits: ({ available, frozen, total }: Credits) =>
    [
      `💳 <b>积分</b>：可用 ${num(available)}`,
      frozen > 0 ? `🔒 ${num(frozen)} 已被进行中的任务占用` : undefined,
      `📊 共 ${num(total)}`,
      "生成一段视频约 100 积分，编辑约 50 积分；导出免费。",
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
  renderQueued: "⏳ 正在渲染… 通常需要约 30 秒。",
  renderProgress: (pct: number) => `⏳ 正在渲染… ${num(Math.min(100, Math.max(0, pct)))}%`,
  renderAlreadyRunning: "⏳ 这个版本已经在渲染了，完成后视频会发到这里。",
  renderDone: (title?: string) => (title ? `✅ 视频已完成：${bold(title)}` : "✅ 视频已完成！"),
  renderFailed: (reason?: string) =>
    `❌ 导出失败${reason ? `：${escapeHtml(reason)}` : "。"}点“重试”或再发送 /export。`,
  videoTooLargeLink: (url: string) =>
    `📦 视频超过了 Telegram 机器人可发送的大小（50 MB），请用这个链接下载：${link(url, "下载 MP4")}`,
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
    },
  };
  return Object.entries(descriptions[lang] ?? descriptions.en).map(([command, description]) => ({
    command,
    description,
  }));
}
