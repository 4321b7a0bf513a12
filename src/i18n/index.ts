/**
 * Every user-facing text of the bot, in English (en/) and Chinese (zh/), both written against the one
 * `Texts` interface (types.ts), so a missing translation is a type error. This index is the folder's one
 * import path: `t(lang).key(...)` gives a text, `langFromCode` picks the language.
 *
 * Each language is one file per area (conversation, renders, media, commands, accounts, security, draft,
 * operator) with the same names in en/ and zh/. To add a text, add it to the area's interface in types.ts,
 * then to en/<area>.ts and zh/<area>.ts. format.ts holds the shared escaping helpers (link, bold, num…);
 * draft-text.ts words the draft reader's structured results (nemo/draft) with each language's words.
 */
import { en } from "./en";
import type { Lang, Texts } from "./types";
import { zh } from "./zh";

export type { Lang, Texts } from "./types";

const TEXTS: Record<Lang, Texts> = { en, zh };

/** Each language by its own name, the same in every language (the language picker's buttons). */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: "English", zh: "中文" };

/** Chinese for any Telegram language code starting with "zh" (zh, zh-hans, zh-TW…), English otherwise. */
export function langFromCode(code?: string): Lang {
  return typeof code === "string" && code.trim().toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** The texts for one language. */
export function t(lang: Lang): Texts {
  return TEXTS[lang] ?? en;
}

/** The bot's commands with descriptions, for `setMyCommands` (per language_code). */
export function commandList(lang: Lang): { command: string; description: string }[] {
  return Object.entries(t(lang).commands).map(([command, description]) => ({ command, description }));
}
