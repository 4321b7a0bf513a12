import type { InlineKeyboardMarkup } from "grammy/types";
import type { Config } from "../../config";
import { type Lang, t } from "../../i18n";
import { CALLBACK } from "../../telegram/callbacks";
import type { NemoSession } from "../session";
import type { Origin } from "../storage";

/**
 * Who may receive a claim link (a browser session into the NemoVideo account that owns the project):
 * - "nobody": the operator's NEMO_TOKEN serves every chat, so a claim link is a hand-off into the
 *   operator's own account; it never leaves the bot.
 * - "chat": a private chat's anonymous account belongs to the person in it.
 * - "asker": a group's anonymous account is shared; the link goes only to the member who asks, by private
 *   message, never as a button under a message every member (or anyone it is forwarded to) sees.
 * One function so that user-own tokens (only to that user, in private) can be added in one place.
 */
export type ClaimLinkAudience = "nobody" | "chat" | "asker";

export function claimLinkAudience(
  config: Pick<Config, "NEMO_TOKEN">,
  origin: Pick<Origin, "chatId">,
): ClaimLinkAudience {
  if (config.NEMO_TOKEN) return "nobody";
  // Telegram gives private chats the user's (positive) id; groups, supergroups and channels are negative.
  return origin.chatId > 0 ? "chat" : "asker";
}

/**
 * The browser hand-off to the chat's project: a claim token in the URL (never the account token, which
 * must stay out of URLs), or the NemoVideo site itself while the session has no task to claim. Callers
 * ask `claimLinkAudience` first: the link goes only where it may.
 */
export function workspaceLink(deps: { session: NemoSession; config: Config }, lang: Lang): Promise<string> {
  const { session, config } = deps;
  return session.run(lang, async (project) => {
    if (!project.record.taskId) return config.NEMO_WEB_URL;
    const claim = await project.client.claimToken({
      taskId: project.record.taskId,
      sessionId: project.record.sessionId,
    });
    return `${config.NEMO_WEB_URL}/workspace/claim?ct=${encodeURIComponent(claim.claimToken)}`;
  });
}

/**
 * The Open button under a delivered video or its link: the URL itself where the whole chat may have it,
 * otherwise a button that asks (`x:open…`), answered by /open's rules for the person who presses it.
 */
export function openButtonFor(lang: Lang, target: string): InlineKeyboardMarkup {
  const button = /^https?:/i.test(target)
    ? { text: t(lang).buttons.open, url: target }
    : { text: t(lang).buttons.open, callback_data: target };
  return { inline_keyboard: [[button]] };
}

/** The Open button's target for a render: a claim link only for the "chat" audience. */
export async function openTargetFor(
  deps: { session: NemoSession; config: Config },
  origin: Origin,
  renderId: string,
): Promise<string | undefined> {
  const audience = claimLinkAudience(deps.config, origin);
  if (audience === "nobody") return undefined;
  if (audience === "asker") return CALLBACK.openFor(renderId);
  return workspaceLink(deps, origin.lang).catch(() => deps.config.NEMO_WEB_URL);
}
