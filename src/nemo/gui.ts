/**
 * The NemoVideo agent believes the user sits in front of its web editor and phrases answers as GUI
 * instructions ("click the Export button", "open the timeline panel", "drag the title…"). In a chat
 * those are wrong, so the bot acts instead (nemo-api.md §17.2): this module removes the instruction
 * sentences or clauses, keeps every content sentence, and returns the actions the bot should take.
 */

/** What the bot does in place of a GUI instruction. */
export type GuiAction = "export" | "show_timeline" | "offer_edit" | "show_credits";

export interface TranslatedText {
  /** The agent text without GUI instructions; empty when it held nothing else. */
  text: string;
  /** Actions in order of first mention, without repeats. */
  actions: GuiAction[];
}

interface Rule {
  pattern: RegExp;
  /** Undefined for instructions the bot simply performs for the user (e.g. "click Apply"). */
  action?: GuiAction;
}

// Optional decoration around a button name: quotes, markdown emphasis, brackets.
const Q = "[*_`\"'“”‘’「」\\[\\]]*";
const CLICK = "(?:click|double-click|tap|press|hit|select|choose|use)(?:s|ed|ing)?";

const RULES: Rule[] = [
  { action: "export", pattern: new RegExp(`\\bexport${Q}\\s+(?:button|option|menu|icon|tab)\\b`, "i") },
  { action: "export", pattern: new RegExp(`\\b${CLICK}\\s+(?:on\\s+)?(?:the\\s+)?${Q}(?:export|download)\\b`, "i") },
  { action: "export", pattern: /导出/ },

  {
    action: "show_credits",
    pattern: /\bcheck\s+(?:on\s+)?(?:your\s+|the\s+)?(?:account|billing|balance|credits?|subscription|plan)\b/i,
  },
  {
    action: "show_credits",
    pattern:
      /\b(?:go|head|navigate)\s+(?:over\s+)?to\s+(?:the\s+|your\s+)?(?:account\s+)?(?:settings|dashboard|billing|account|subscription)\b/i,
  },
  {
    action: "show_credits",
    pattern:
      /(?:查看|检查)(?:你的|您的)?(?:账户|账号|余额|积分|套餐)|(?:前往|进入|去)(?:账户|账号)?(?:设置|控制台|个人中心)/,
  },

  {
    action: "show_timeline",
    pattern:
      /\bopen\s+(?:up\s+)?(?:the\s+|your\s+)?(?:[\w-]+\s+)?(?:timeline|panel|editor|tab|track\s+view|layers?|sidebar|inspector|properties)\b/i,
  },
  {
    action: "show_timeline",
    pattern: /\b(?:preview|play\s+back)\b[^.!?。！？]*\b(?:timeline|player|panel|window|canvas|editor)\b/i,
  },
  { action: "show_timeline", pattern: /\b(?:you\s+can|to)\s+preview\b/i },
  { action: "show_timeline", pattern: /\b(?:timeline|properties|layers?)\s+panel\b/i },
  { action: "show_timeline", pattern: /打开|(?:在|到)?时间线(?:上|中|里|面板)?(?:预览|查看)|预览(?:一下)?效果/ },

  {
    action: "offer_edit",
    pattern: /\bdrag(?:s|ged|ging)?\b|\bdrop\s+(?:it|them|the\s+[\w-]+)\s+(?:on|onto|into|in|to)\b/i,
  },
  { action: "offer_edit", pattern: /拖拽|拖动|拖到|拖放/ },

  {
    pattern: new RegExp(
      `\\b${CLICK}\\s+(?:on\\s+)?(?:the\\s+)?${Q}[\\w -]{1,30}?${Q}\\s*(?:button|icon|tab|menu|link|toggle|checkbox)\\b`,
      "i",
    ),
  },
  { pattern: /\b(?:double-|right-)?click(?:s|ed|ing)?\b/i },
  { pattern: /点击|单击|双击|按钮/ },
];

const TEMPORARY_ISSUE =
  /\bencountered\s+(?:a|an|some)\s+(?:temporary|transient)\s+(?:issue|error|problem)|遇到了?(?:一个)?(?:临时|暂时)性?(?:的)?(?:问题|错误)/i;

// Words that leave a kept English clause dangling when the GUI part after them is removed.
const DANGLING =
  /(?:\s*(?:[,;:—–]|\s-|\band\b|\bthen\b|\bso\b|\bor\b|\bbut\b|\bwhich\b|\bthat\b|\bwhere\b|\bjust\b|\bsimply\b|\bnow\b|\bplease\b|\byou\s+(?:can|could|may|might|should|will)(?:\s+also|\s+now)?|\bfeel\s+free\s+to|\bby))+\s*$/i;
// A kept prefix that starts like this only sets up the instruction ("Once you're happy, click…").
const SETUP =
  /^(?:once|when|whenever|if|to|after|before|as\s+soon\s+as|next|then|finally|first|simply|just|please|you\s+can|you\s+may|feel\s+free)\b/i;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

interface Match {
  index: number;
  actions: GuiAction[];
}

/** The earliest GUI instruction in a piece of text and every action it asks for, in order of mention. */
function findGui(text: string): Match | undefined {
  const found: { index: number; action?: GuiAction }[] = [];
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) found.push({ index: match.index, action: rule.action });
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => a.index - b.index);
  const actions: GuiAction[] = [];
  for (const { action } of found) if (action && !actions.includes(action)) actions.push(action);
  return { index: found[0]?.index ?? 0, actions };
}

const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|vs|approx|mr|mrs|dr)|^\s*(?:\d{1,2}|[a-zA-Z]))\.$/i;

/** Splits one line into sentences, each with its terminator; "2.5s", URLs and "1." list markers stay whole. */
export function splitSentences(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] ?? "";
    let end = -1;
    if ("。！？".includes(ch)) {
      end = i + 1;
      while (end < line.length && /[。！？”’」）)"']/.test(line[end] ?? "")) end++;
    } else if (".!?".includes(ch)) {
      let j = i + 1;
      while (j < line.length && /[.!?”’)"']/.test(line[j] ?? "")) j++;
      if ((j === line.length || /\s/.test(line[j] ?? "")) && !ABBREVIATION.test(line.slice(start, i + 1))) end = j;
      else i = j - 1;
    }
    if (end > 0) {
      out.push(line.slice(start, end).trim());
      start = end;
      i = end;
    } else i++;
  }
  out.push(line.slice(start).trim());
  return out.filter((sentence) => sentence !== "");
}

/** More Chinese characters than Latin words: clauses are split on Chinese punctuation. */
function isMostlyChinese(sentence: string): boolean {
  const chinese = sentence.match(new RegExp(CJK.source, "g"))?.length ?? 0;
  const words = sentence.match(/[A-Za-z]+/g)?.length ?? 0;
  return chinese > words;
}

function terminatorOf(sentence: string): string {
  return /[。！？.!?]+["”’」）)]*$/.exec(sentence)?.[0] ?? "";
}

/** A sentence with the GUI instruction removed (possibly empty) and the actions it asked for. */
function translateSentence(sentence: string): { kept: string; actions: GuiAction[] } {
  const gui = findGui(sentence);
  if (!gui) return { kept: sentence, actions: [] };
  const kept = isMostlyChinese(sentence) ? keepChineseClauses(sentence) : keepEnglishPrefix(sentence, gui.index);
  return { kept, actions: gui.actions };
}

/** Keeps an independent English clause before the instruction: "I added X — click Export…" → "I added X." */
function keepEnglishPrefix(sentence: string, guiIndex: number): string {
  const prefix = sentence.slice(0, guiIndex).replace(DANGLING, "").trim();
  if (prefix.split(/\s+/).filter(Boolean).length < 3 || SETUP.test(prefix)) return "";
  return /[.!?]["”’)]*$/.test(prefix) ? prefix : `${prefix}.`;
}

/** Keeps the Chinese clauses without instructions: "标题已移到顶部，你可以拖拽…。" → "标题已移到顶部。" */
function keepChineseClauses(sentence: string): string {
  const terminator = terminatorOf(sentence);
  const body = sentence.slice(0, sentence.length - terminator.length);
  const clauses = body.split(/[，,；;：:]/).map((clause) => clause.trim());
  const kept = clauses.filter((clause, i) => {
    if (clause === "" || findGui(clause)) return false;
    // "满意后，点击导出" — a set-up clause for a removed instruction goes with it.
    const next = clauses[i + 1];
    return !(next !== undefined && findGui(next) && /(?:后|的话|时|之后|以后)$/.test(clause));
  });
  if (kept.length === 0) return "";
  return `${kept.join("，")}${terminator && /[.!?]/.test(terminator) ? "。" : terminator || "。"}`;
}

function joinSentences(sentences: readonly string[]): string {
  let line = "";
  for (const sentence of sentences) {
    if (line === "") line = sentence;
    else if (/[。！？”」）]$/.test(line) || CJK.test(sentence.charAt(0))) line += sentence;
    else line += ` ${sentence}`;
  }
  return line;
}

/**
 * Removes GUI instructions from agent text and says what to do instead. Content sentences are kept
 * as written; horizontal whitespace is collapsed and blank lines reduced to one. The agent's occasional
 * trailing "I encountered a temporary issue" is dropped when there is other content (nemo-api.md §4.4).
 */
export function translateAgentText(text: string): TranslatedText {
  const actions: GuiAction[] = [];
  const rawLines = (typeof text === "string" ? text : "").split(/\r?\n/);
  const lines: { sentences: string[]; ignorable: boolean[] }[] = [];
  for (const rawLine of rawLines) {
    const line = rawLine.replace(/[ \t\u00a0]+/g, " ").trim();
    const sentences: string[] = [];
    const ignorable: boolean[] = [];
    for (const sentence of splitSentences(line)) {
      const { kept, actions: found } = translateSentence(sentence);
      for (const action of found) if (!actions.includes(action)) actions.push(action);
      if (kept === "") continue;
      sentences.push(kept);
      ignorable.push(TEMPORARY_ISSUE.test(kept));
    }
    lines.push({ sentences, ignorable });
  }
  const hasContent = lines.some((line) => line.ignorable.some((flag) => !flag));
  const rendered = lines.map((line) =>
    joinSentences(line.sentences.filter((_, i) => !(hasContent && line.ignorable[i]))),
  );
  // Blank lines separate paragraphs; lines emptied by removals disappear.
  const out: string[] = [];
  let blank = false;
  rendered.forEach((line, i) => {
    if (line !== "") {
      if (blank && out.length > 0) out.push("");
      out.push(line);
      blank = false;
    } else if ((rawLines[i] ?? "").trim() === "") blank = true;
  });
  return { text: out.join("\n"), actions };
}
