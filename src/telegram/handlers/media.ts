import type { Message } from "grammy/types";
import { Composer } from "grammy/web";
import type { ChatActions, MediaMessage } from "../actions";
import { addressedToBot } from "../addressing";
import type { BotContext } from "../context";

/**
 * Photos, clips, animations, documents and audio go to the media flow with their caption; what the
 * bot cannot use (voice, stickers, round videos, places, contacts) gets the unsupported-media answer.
 */
export function mediaMessages(actions: ChatActions): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on(
    ["message:photo", "message:video", "message:animation", "message:document", "message:audio"],
    async (ctx) => {
      const media = mediaOf(ctx.message, ctx.update.update_id);
      if (!media) return actions.unsupportedMedia(ctx.origin);
      const { text, addressed } = addressedToBot(
        ctx.message,
        { id: ctx.me.id, username: ctx.me.username },
        ctx.chat.type,
      );
      await actions.media(ctx.origin, { ...media, caption: text, addressed });
    },
  );
  composer.on(
    ["message:voice", "message:sticker", "message:video_note", "message:location", "message:contact"],
    (ctx) => actions.unsupportedMedia(ctx.origin),
  );
  return composer;
}

/**
 * The media of a message. Only names Telegram gives are kept: a file without one is named for people
 * ("Photo 1", "Clip 2") when it is queued for upload (src/chat/media/names.ts), never after a message id.
 */
function mediaOf(message: Message, updateId: number): Omit<MediaMessage, "caption" | "addressed"> | undefined {
  const common = { mediaGroupId: message.media_group_id, updateId, messageId: message.message_id };
  if (message.photo && message.photo.length > 0) {
    // Telegram lists the sizes smallest first; the largest is the original quality.
    const largest = message.photo.reduce((best, size) =>
      (size.file_size ?? size.width * size.height) > (best.file_size ?? best.width * best.height) ? size : best,
    );
    return {
      kind: "photo",
      fileId: largest.file_id,
      fileSize: largest.file_size,
      mimeType: "image/jpeg",
      ...common,
    };
  }
  // An animation also carries a `document`, so it is looked at first.
  if (message.animation) return { kind: "animation", ...fileOf(message.animation, "video/mp4"), ...common };
  if (message.video) return { kind: "video", ...fileOf(message.video, "video/mp4"), ...common };
  if (message.audio) return { kind: "audio", ...fileOf(message.audio, "audio/mpeg"), ...common };
  if (message.document) return { kind: "document", ...fileOf(message.document, undefined), ...common };
  return undefined;
}

/** A file's id, size, name and type as Telegram gave them; the type falls back to what the kind implies. */
function fileOf(
  file: { file_id: string; file_size?: number; file_name?: string; mime_type?: string },
  fallbackMimeType: string | undefined,
): Pick<MediaMessage, "fileId" | "fileSize" | "fileName" | "mimeType"> {
  return {
    fileId: file.file_id,
    fileSize: file.file_size,
    fileName: file.file_name,
    mimeType: file.mime_type ?? fallbackMimeType,
  };
}
