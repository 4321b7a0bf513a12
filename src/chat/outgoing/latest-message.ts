import type { InlineKeyboardMarkup } from "grammy/types";
import { type Api, GrammyError, type RawApi } from "grammy/web";
import { isRecord } from "../../shared/is-record";
import { isNotModified } from "../../telegram/sender";

/** Ids probed at most when looking for an answer whose sending lost its reply. */
const LANDED_PROBES = 3;
/** Bot API methods that post a message, so the chat has one more id while they run. */
const POSTS = /^(send(?!ChatAction|MessageDraft)|copyMessages?$|forwardMessages?$)/;

/**
 * What the chat object knows of its chat's message ids (they grow within a chat). The newest id seen,
 * posted by the bot or received, is where a search for a message whose reply was lost starts (a video's,
 * an answer's). Memory only: after a restart a video's search starts from the ids stored with its job.
 */
export type LatestMessage = {
  get(): number | undefined;
  /** Notes the message ids an incoming update carries (a message, a button's message). */
  noteUpdate(update: Record<string, unknown>): void;
  /**
   * Looks for a text answer whose sendMessage lost its reply, by editing the next unknown ids to exactly
   * that text: "not modified" proves it is there. Only where the edit cannot touch another message: a
   * private chat (no one else posts there), with no other post of the bot's under way. The person's own
   * messages refuse the edit; the look ends at the first id with nothing there.
   */
  findLanded(html: string, extra: LandedExtra): Promise<number | undefined>;
};

/** What the answer was sent with besides its text, as far as an edit can repeat it. */
export type LandedExtra = { reply_markup?: InlineKeyboardMarkup };

export function createLatestMessage(api: Api<RawApi>, chatId: number): LatestMessage {
  let latest: number | undefined;
  let posting = 0;
  const note = (id: unknown) => {
    if (typeof id === "number" && Number.isSafeInteger(id) && id > (latest ?? 0)) latest = id;
  };
  // Every call this chat's client makes passes here: the ids its posts get, and how many are under way.
  api.config.use(async (previous, method, payload, signal) => {
    const target: unknown = isRecord(payload) ? (payload as Record<string, unknown>).chat_id : undefined;
    const posts = target === chatId && POSTS.test(method);
    if (posts) posting++;
    try {
      const result = await previous(method, payload, signal);
      if (result.ok && target === chatId && isRecord(result.result)) note(result.result.message_id);
      return result;
    } finally {
      if (posts) posting--;
    }
  });

  return {
    get: () => latest,
    noteUpdate(update) {
      const message = update.message ?? update.edited_message ?? update.channel_post;
      if (isRecord(message)) note(message.message_id);
      const press = update.callback_query;
      if (isRecord(press) && isRecord(press.message)) note(press.message.message_id);
    },
    async findLanded(html, extra) {
      if (chatId <= 0 || latest === undefined) return undefined;
      for (let id = latest + 1; id <= latest + LANDED_PROBES; id++) {
        // Another post under way may take an id being probed, and the edit would overwrite it.
        if (posting > 0) return undefined;
        try {
          await api.editMessageText(chatId, id, html, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            ...(extra.reply_markup ? { reply_markup: extra.reply_markup } : {}),
          });
          // Edited: a message of the bot's that this object did not know of. Nothing proves the answer is there.
          return undefined;
        } catch (error) {
          if (isNotModified(error)) {
            note(id);
            return id;
          }
          // The person's own message, or a media message of the bot's: not this answer, look further.
          if (error instanceof GrammyError && /can't be edited|no text/i.test(error.description)) continue;
          return undefined;
        }
      }
      return undefined;
    },
  };
}
