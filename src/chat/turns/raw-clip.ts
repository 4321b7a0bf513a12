/**
 * Stage one of a two-stage generation (nemo-api.md §4.4), shown at once: the raw clip the agent made is
 * sent into the chat as soon as the generation tool reports it, before the backend's post-production.
 *
 * It goes as an animation (an inline, looping, muted preview) rather than a video: the raw clip has no
 * music yet, and "the video" in the chat stays the finished render. Telegram fetches the clip by its
 * URL; when it cannot (too big, not reachable), the chat gets a link instead.
 */
import type { Api, RawApi } from "grammy/web";
import { t } from "../../i18n";
import { clipUrlInResult, latestGeneratedClip } from "../../nemo/generation";
import { type ChatSender, ChatUnreachableError } from "../../telegram/sender";
import type { Origin } from "../storage";

export type RawClipPreview = (origin: Origin, url: string) => Promise<void>;

export function createRawClipPreview(api: Api<RawApi>, senderFor: (origin: Origin) => ChatSender): RawClipPreview {
  return async (origin, url) => {
    const texts = t(origin.lang).twoStage;
    try {
      await api.sendAnimation(origin.chatId, url, {
        caption: texts.rawClipCaption,
        ...(origin.threadId === undefined ? {} : { message_thread_id: origin.threadId }),
      });
    } catch (error) {
      if (error instanceof ChatUnreachableError) throw error;
      // Through the chat's sender, so a chat that blocked the bot is marked unreachable as usual.
      await senderFor(origin).send(texts.rawClipLink(url));
    }
  };
}

/** The clip a finished generation made: in its tool result, else the newest video of `generated_media`. */
export function rawClipUrl(result: unknown, state: { generatedMedia?: unknown } | undefined): string | undefined {
  return clipUrlInResult(result) ?? latestGeneratedClip(state?.generatedMedia);
}

/** The draft as the service sent it (`raw` keeps the whole `data`), else the parsed one. */
export function rawDraftOf(state: { raw?: unknown; draft?: unknown } | undefined): unknown {
  const raw = state?.raw as { state?: { draft?: unknown } } | undefined;
  return raw?.state?.draft ?? state?.draft;
}
