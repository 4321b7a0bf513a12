import { ACCEPTED_EXTENSIONS } from "../nemo/formats";
/**
 * Local routing before the agent (nemo-api.md §17.1): exporting, credits, status and upload requests are
 * answered by the bot and never sent to NemoVideo ("never forward export to the agent").
 *
 * The rule: a message routes locally only when it is short (at most 8 words, or 12 Chinese characters)
 * AND every word in it is either a trigger for one action or a harmless word around it ("please",
 * "the video", "my", "can I see", "导出视频", "查看积分"). Anything else — a creative instruction that
 * merely contains a routing word ("make a video I can download later", "add a status bar overlay",
 * "export-style title") — goes to the agent.
 */

export type Route =
  | { kind: "export" }
  | { kind: "credits" }
  | { kind: "status" }
  | { kind: "upload" }
  | { kind: "agent"; text: string };

type LocalKind = Exclude<Route["kind"], "agent">;

interface Intent {
  kind: LocalKind;
  /** The message is this action when every word of one trigger appears… */
  triggers: string[][];
  /** …and every other word is one of these (or a common filler). */
  extras: string[];
}

const INTENTS: Intent[] = [
  {
    kind: "export",
    triggers: [["export"], ["download"], ["render"], ["send", "video"], ["send", "mp4"], ["send", "file"]],
    extras: ["send", "video", "mp4", "file", "final", "clip", "movie", "result", "finished", "link", "tiktok", "as"],
  },
  {
    kind: "credits",
    triggers: [["credits"], ["credit"], ["balance"]],
    extras: ["remaining", "left", "account", "much", "many", "points"],
  },
  {
    kind: "status",
    triggers: [["status"], ["show", "tracks"], ["tracks"], ["timeline"]],
    extras: ["project", "current", "list", "video", "timeline", "tracks", "state"],
  },
  {
    kind: "upload",
    triggers: [["upload"]],
    extras: [
      "file",
      "files",
      "photo",
      "photos",
      "picture",
      "pictures",
      "image",
      "images",
      "video",
      "videos",
      "clip",
      "clips",
      "media",
      "some",
      "more",
      "how",
    ],
  },
];

// Words that never change what is asked ("please export it now", "can I see my balance?").
const FILLERS = new Set(
  (
    "please pls plz kindly can could would will you i me we us my our your the a an it its this that now ok okay " +
    "hey hi hello thanks thank thx just want wanna like lets let go ahead and for to do does is are what whats " +
    "show see check view get give tell current how have got of on"
  ).split(" "),
);

// Chinese words mapped onto the English vocabulary, longest first so "时间线" wins over "时间".
const CHINESE: [string, string][] = [
  ["时间线", " timeline "],
  ["导出", " export "],
  ["下载", " download "],
  ["渲染", " render "],
  ["积分", " credits "],
  ["余额", " balance "],
  ["状态", " status "],
  ["轨道", " tracks "],
  ["上传", " upload "],
  ["能不能", " "],
  ["可不可以", " "],
  ["帮我", " "],
  ["帮忙", " "],
  ["给我", " "],
  ["我想", " "],
  ["我要", " "],
  ["麻烦", " "],
  ["一下", " "],
  ["可以", " "],
  ["查看", " "],
  ["看看", " "],
  ["查询", " "],
  ["显示", " "],
  ["我的", " "],
  ["现在", " "],
  ["视频", " video "],
  ["文件", " file "],
  ["照片", " photos "],
  ["图片", " images "],
  ["素材", " media "],
  ["项目", " project "],
  ["当前", " current "],
  ["剩余", " remaining "],
  ["还有", " "],
  ["多少", " "],
  ["请", " "],
  ["吧", " "],
  ["吗", " "],
  ["呢", " "],
  ["啊", " "],
  ["的", " "],
  ["把", " "],
  ["查", " "],
  ["看", " "],
  ["要", " "],
  ["想", " "],
  ["我", " "],
  ["下", " "],
  ["了", " "],
];

const MAX_WORDS = 8;
const MAX_CJK_CHARS = 12;
const CJK_CHAR = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** Lowercased words with punctuation removed; Chinese mapped onto English words, unknown Chinese kept. */
function words(text: string): string[] {
  let normalized = text.toLowerCase().replace(/[’`]/g, "'");
  for (const [chinese, english] of CHINESE) normalized = normalized.split(chinese).join(english);
  return normalized
    .replace(/'/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .flatMap((word) => (/[\u3400-\u9fff]/.test(word) ? [...word] : [word]))
    .filter(Boolean);
}

function matches(intent: Intent, tokens: readonly string[]): boolean {
  const fired = intent.triggers.some((trigger) => trigger.every((word) => tokens.includes(word)));
  if (!fired) return false;
  const allowed = new Set([...intent.triggers.flat(), ...intent.extras]);
  return tokens.every((word) => allowed.has(word) || FILLERS.has(word));
}

/** Decides whether a message is handled locally or sent to the agent (see the rule above). */
export function routeText(text: string): Route {
  const trimmed = text.trim();
  const agent: Route = { kind: "agent", text: trimmed };
  if (trimmed === "" || /https?:\/\//i.test(trimmed)) return agent;
  const latinWords = trimmed.match(/[A-Za-z0-9]+/g)?.length ?? 0;
  const cjkChars = trimmed.match(CJK_CHAR)?.length ?? 0;
  if (latinWords > MAX_WORDS || cjkChars > MAX_CJK_CHARS) return agent;
  // A hyphen joins words into one idea ("export-style title"): not a request for the action.
  if (/\p{L}-\p{L}/u.test(trimmed)) return agent;
  const tokens = words(trimmed);
  if (tokens.length === 0) return agent;
  for (const intent of INTENTS) if (matches(intent, tokens)) return { kind: intent.kind };
  return agent;
}

const MEDIA_EXTENSIONS = new Set(ACCEPTED_EXTENSIONS);

// Stops at whitespace, angle brackets, quotes and full-width punctuation that often follows a link.
const URL_PATTERN = /https?:\/\/[^\s<>"'`，。！？、；：（）【】「」《》]+/gi;

/**
 * The http(s) links in a message that point at media NemoVideo can import (by file extension in the
 * path; query strings allowed), without duplicates, in order.
 */
export function mediaLinks(text: string): string[] {
  const links: string[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const candidate = match[0].replace(/[.,;:!?)\]}'"]+$/, "");
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
    if (extension && MEDIA_EXTENSIONS.has(extension) && !links.includes(url.href)) links.push(url.href);
  }
  return links;
}
