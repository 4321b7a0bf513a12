import type { MessageEntity } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { EntityParseError, type FormattedText } from "./formatted.js";
import { parseHtml } from "./html.js";
import { parseMarkdownLegacy, parseMarkdownV2 } from "./markdown.js";

export type { FormattedText } from "./formatted.js";

/**
 * Applies parse_mode like Telegram does before it checks lengths: the limits count the visible text.
 * Explicit `entities` win when no parse_mode is given.
 */
export function formatText(source: string, parseMode: unknown, entities?: unknown): FormattedText {
  try {
    switch (parseMode) {
      case undefined:
      case null:
      case "":
        return { text: source, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
      case "HTML":
        return parseHtml(source);
      case "MarkdownV2":
        return parseMarkdownV2(source);
      case "Markdown":
        return parseMarkdownLegacy(source);
      default:
        throw badRequest(`unsupported parse_mode`);
    }
  } catch (error) {
    if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
}
