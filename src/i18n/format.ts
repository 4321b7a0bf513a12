/**
 * The small formatting helpers every language's texts share. Each escapes what it interpolates, so a
 * text built from them stays Telegram-safe HTML.
 */
import { escapeAttribute, escapeHtml } from "../telegram/text";

export const link = (url: string, label: string) => `<a href="${escapeAttribute(url)}">${escapeHtml(label)}</a>`;
export const bold = (text: string) => `<b>${escapeHtml(text)}</b>`;
/** A whole number with thousands separators ("25,000"); "?" for anything that is not a finite number. */
export const num = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US", { maximumFractionDigits: 0 }) : "?";
export const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;
export const bullets = (items: readonly string[]) => items.map((item) => `• ${escapeHtml(item)}`).join("\n");
/** ` “label”` (with the given quotes and a leading space), or nothing without a label. */
export const quotedLabel = (label: string | undefined, open: string, close: string) =>
  label ? ` ${open}${escapeHtml(label)}${close}` : "";
/** "a, b and c": the last two joined by `and`. */
export const listOf = (items: string[], and: string) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}`;

/** Elapsed or remaining time rounded to seconds under a minute, to minutes above. */
export function minutes(elapsedMs: number): { value: number; unit: "s" | "min" } {
  const seconds = Math.max(0, Math.round(elapsedMs / 1000));
  return seconds < 60 ? { value: seconds, unit: "s" } : { value: Math.round(seconds / 60), unit: "min" };
}

/** Elapsed time for a live draft (issue 18) in whole minutes and the seconds left over. */
export function elapsed(ms: number): { m: number; s: number } {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return { m: Math.floor(seconds / 60), s: seconds % 60 };
}

/** "5 h 12 min" / "12 min" until the reset, never "0 min". */
export function until(ms: number, hours: string, minutes: string): string {
  const total = Math.max(1, Math.ceil(ms / 60_000));
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h > 0 ? `${h} ${hours} ${m} ${minutes}` : `${m} ${minutes}`;
}
