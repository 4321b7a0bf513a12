import type { Lang } from "../i18n";

/**
 * Callback data: short, versionless verbs. A stale button simply runs the verb on the current project.
 * Messages already sent carry these strings, so a change here must keep the old ones routable.
 */
export const CALLBACK = {
  export: "x:export",
  timeline: "x:timeline",
  credits: "x:credits",
  open: "x:open",
  /** Open under one render's video (unique per render, so a probe for an unanswered sendVideo finds only it). */
  openFor: (renderId: string) => `x:open:${renderId.slice(-16)}`,
  /** Names the project it would replace, so a second press (or an old confirmation) does not start another. */
  newConfirm: (replacing: string) => `x:new:yes:${replacing}`,
  retryTurn: (turnId: string) => `x:retry:${turnId}`,
  retryRender: "x:render:retry",
  language: (lang: Lang) => `x:lang:${lang}`,
  extras: (choice: "keep" | "remove", offerId: string) => `x:extras:${choice}:${offerId}`,
  /** Stop the running turn or render (issue 18); names who started it, who may stop it in a group. */
  stop: (starterId: number | undefined) => `x:stop:${starterId ?? "-"}`,
} as const;

/** The data of the buttons built from a value, as `callbackQuery` routes them back (src/telegram/handlers/buttons.ts). */
export const CALLBACK_PATTERN = {
  /** `x:open` and `x:open:<render>`: every Open button does the same. */
  open: /^x:open(?::.*)?$/s,
  /** An old confirmation carries no project tag. */
  newConfirm: /^x:new:yes(?::(.+))?$/,
  retryTurn: /^x:retry:(.+)$/,
  language: /^x:lang:(en|zh)$/,
  extras: /^x:extras:(keep|remove):(.+)$/,
  stop: /^x:stop:(-?\d+|-)$/,
} as const;

/** A short tag of a project for callback data (≤ 64 bytes in all): the tail of its session id. */
export function projectTag(sessionId: string | undefined): string {
  return sessionId ? sessionId.slice(-16) : "-";
}
