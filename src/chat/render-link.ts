import type { Config } from "../config";
import { type Lang, t } from "../telegram/messages";
import type { NemoSession } from "./nemo-session";

/**
 * The browser hand-off to the chat's project: a claim token in the URL (never the account token, which
 * must stay out of URLs), or the NemoVideo site itself while the session has no task to claim.
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

/** The Open button under a delivered video or its link. */
export function openButtonFor(lang: Lang, url: string) {
  return { inline_keyboard: [[{ text: t(lang).buttons.open, url }]] };
}
