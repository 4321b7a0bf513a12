import { randomBytes } from "node:crypto";
import type { Chat, ChatMember, Message, PhotoSize, Update, User } from "@grammyjs/types";
import {
  CHANNEL_BOT,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GROUP_ID,
  DEFAULT_SUPERGROUP_ID,
  detectEntities,
  GROUP_ANONYMOUS_BOT,
  groupChat,
  privateChat,
  user,
} from "./fixtures.js";

/** What builders need from their surroundings; the fake binds these to its own chats and files. */
export interface BuilderContext {
  bot: { id: number; username: string; first_name: string };
  nextUpdateId(): number;
  nextMessageId(chatId: number): number;
  /** An earlier message, so replies and callbacks carry its real content. */
  findMessage(chatId: number, messageId: number): Message | undefined;
  /** Registers a file so getFile can serve it; standalone builders only invent ids. */
  createFile(spec: { size: number; mimeType: string; seed: string }): {
    file_id: string;
    file_unique_id: string;
    file_size: number;
  };
  /** Size and unique id of an existing file_id, when known. */
  fileInfo(fileId: string): { file_unique_id: string; file_size: number } | undefined;
}

/** Where a message is posted and by whom; shared by all message builders. */
export interface MessageOptions {
  /** Positive: private chat with that user; -100…: supergroup; other negative: group. Default: the sender's private chat. */
  chatId?: number;
  from?: Partial<User>;
  messageId?: number;
  /** Unix seconds. */
  date?: number;
  replyToMessageId?: number;
  threadId?: number;
  mediaGroupId?: string;
  chatTitle?: string;
}

export interface MediaOptions extends MessageOptions {
  caption?: string;
  fileId?: string;
  size?: number;
}

const seconds = (): number => Math.floor(Date.now() / 1000);
const mediaGroupId = (): string => `1${String(Date.now()).slice(-8)}${randomBytes(4).readUInt32BE(0)}`.slice(0, 17);

function standaloneContext(): BuilderContext {
  let updateId = 100_000_000;
  const messageIds = new Map<number, number>();
  return {
    bot: { id: 123456, username: "nemo_test_bot", first_name: "Nemo" },
    nextUpdateId: () => ++updateId,
    nextMessageId: (chatId) => {
      const next = (messageIds.get(chatId) ?? 0) + 1;
      messageIds.set(chatId, next);
      return next;
    },
    findMessage: () => undefined,
    createFile: ({ size, mimeType }) => ({
      file_id: `${mimeType.startsWith("image/") ? "AgACAgIAAxkBAAI" : "BAACAgIAAxkBAAI"}${randomBytes(42).toString("base64url")}`,
      file_unique_id: `AQAD${randomBytes(9).toString("base64url")}`,
      file_size: size,
    }),
    fileInfo: () => undefined,
  };
}

/** Builds realistic updates. Bound builders (`fake.updates`) follow the fake's message ids and register media files. */
export function createUpdateBuilders(overrides: Partial<BuilderContext> = {}) {
  const ctx: BuilderContext = { ...standaloneContext(), ...overrides };
  const botUser = (): User => ({
    id: ctx.bot.id,
    is_bot: true,
    first_name: ctx.bot.first_name,
    username: ctx.bot.username,
  });

  /** The skeleton every incoming message shares, placed in the right chat, topic and reply. */
  function base(
    options: MessageOptions & { isTopicMessage?: boolean; senderChat?: Chat | boolean },
  ): Message & Update.NonChannel {
    const from = user(options.from);
    const forum = options.isTopicMessage === true || options.threadId !== undefined;
    const chatId = options.chatId ?? (forum ? DEFAULT_SUPERGROUP_ID : from.id);
    const chat: Exclude<Chat, Chat.ChannelChat> =
      chatId > 0
        ? privateChat(from)
        : groupChat(chatId, { isForum: forum, ...(options.chatTitle ? { title: options.chatTitle } : {}) });
    const message: Message & Update.NonChannel = {
      message_id: options.messageId ?? ctx.nextMessageId(chat.id),
      from,
      chat,
      date: options.date ?? seconds(),
    };
    if (options.senderChat) {
      // Anonymous admins post as the group itself; linked channels post as the channel.
      message.sender_chat = options.senderChat === true ? chat : options.senderChat;
      message.from = options.senderChat === true ? GROUP_ANONYMOUS_BOT : CHANNEL_BOT;
    }
    if (forum) {
      const threadId = options.threadId ?? 2;
      message.message_thread_id = threadId;
      message.is_topic_message = true;
      // Telegram marks a plain message in a topic as a reply to the topic's creation message.
      message.reply_to_message = {
        message_id: threadId,
        from,
        chat,
        date: message.date - 3600,
        message_thread_id: threadId,
        is_topic_message: true,
        forum_topic_created: { name: "Videos", icon_color: 7_322_096 },
        reply_to_message: undefined,
      };
    }
    if (options.replyToMessageId !== undefined)
      message.reply_to_message = replyTo(chat, options.replyToMessageId, from);
    if (options.mediaGroupId) message.media_group_id = options.mediaGroupId;
    return message;
  }

  function replyTo(chat: Chat, messageId: number, fallbackFrom: User): Message & { reply_to_message: undefined } {
    const found = ctx.findMessage(chat.id, messageId);
    if (found) return { ...found, reply_to_message: undefined };
    return {
      message_id: messageId,
      from: fallbackFrom,
      chat,
      date: seconds() - 60,
      text: "earlier message",
      reply_to_message: undefined,
    };
  }

  const wrap = (message: Message & Update.NonChannel): Update => ({ update_id: ctx.nextUpdateId(), message });

  function withText(message: Message & Update.NonChannel, text: string): Message & Update.NonChannel {
    message.text = text;
    const entities = detectEntities(text);
    if (entities.length) message.entities = entities;
    return message;
  }

  function withCaption(message: Message & Update.NonChannel, caption: string | undefined): Message & Update.NonChannel {
    if (caption === undefined) return message;
    message.caption = caption;
    const entities = detectEntities(caption);
    if (entities.length) message.caption_entities = entities;
    return message;
  }

  /** A file id for media: given, or registered (bound) / invented (standalone) with deterministic size. */
  function file(fileId: string | undefined, size: number, mimeType: string, seed: string) {
    if (fileId) {
      const info = ctx.fileInfo(fileId);
      return {
        file_id: fileId,
        file_unique_id: info?.file_unique_id ?? `AQAD${randomBytes(9).toString("base64url")}`,
        file_size: info?.file_size ?? size,
      };
    }
    return ctx.createFile({ size, mimeType, seed });
  }

  /** Phone-camera sizes Telegram generates for a 3:4 photo; the original is last. */
  const PHOTO_SIZES = [
    { width: 67, height: 90, size: 1_250 },
    { width: 240, height: 320, size: 15_800 },
    { width: 600, height: 800, size: 61_400 },
    { width: 960, height: 1280, size: 142_300 },
  ];

  function photoMessage(
    options: MediaOptions & { fileIds?: string[]; sizes?: Array<{ width: number; height: number; fileSize?: number }> },
  ) {
    const sizes =
      options.sizes?.map((s) => ({ width: s.width, height: s.height, size: s.fileSize ?? s.width * s.height })) ??
      PHOTO_SIZES.slice(options.fileIds ? Math.max(0, PHOTO_SIZES.length - options.fileIds.length) : 0);
    const message = base(options);
    const seed = randomBytes(6).toString("hex");
    message.photo = sizes.map((size, index): PhotoSize => {
      const given = options.fileIds?.[index];
      return { ...file(given, size.size, "image/jpeg", `${seed}-${index}`), width: size.width, height: size.height };
    });
    return withCaption(message, options.caption);
  }

  return {
    /** A text message in the sender's private chat (bot commands, mentions and links get their entities). */
    privateText(text: string, options: Omit<MessageOptions, "chatId"> = {}): Update {
      return wrap(withText(base(options), text));
    },

    /** A text message in a group; `mentionBot` adds "@bot" with its mention entity. */
    groupText(
      text: string,
      options: Omit<MessageOptions, "replyToMessageId"> & {
        mentionBot?: boolean;
        mentionPosition?: "start" | "end";
        replyToBotMessageId?: number;
        isTopicMessage?: boolean;
        senderChat?: Chat | boolean;
        supergroup?: boolean;
      } = {},
    ): Update {
      const chatId =
        options.chatId ??
        (options.supergroup || options.isTopicMessage || options.threadId ? DEFAULT_SUPERGROUP_ID : DEFAULT_GROUP_ID);
      const mention = `@${ctx.bot.username}`;
      const full = !options.mentionBot
        ? text
        : options.mentionPosition === "end"
          ? `${text} ${mention}`
          : `${mention} ${text}`;
      const message = base({ ...options, chatId });
      if (options.replyToBotMessageId !== undefined) {
        const found = ctx.findMessage(chatId, options.replyToBotMessageId);
        message.reply_to_message = found
          ? { ...found, reply_to_message: undefined }
          : {
              message_id: options.replyToBotMessageId,
              from: botUser(),
              chat: message.chat,
              date: seconds() - 60,
              text: "Send me photos and I'll make a video.",
              reply_to_message: undefined,
            };
      }
      return wrap(withText(message, full));
    },

    /** "/cmd args"; in groups "/cmd@bot" unless `withUsername: false`. */
    command(cmd: string, options: MessageOptions & { args?: string; withUsername?: boolean } = {}): Update {
      const name = cmd.replace(/^\//, "");
      const inGroup = (options.chatId ?? 1) < 0;
      const suffix = (options.withUsername ?? inGroup) ? `@${ctx.bot.username}` : "";
      const text = `/${name}${suffix}${options.args ? ` ${options.args}` : ""}`;
      return wrap(withText(base(options), text));
    },

    /** A photo: several PhotoSize entries, largest last. */
    photo(
      options: MediaOptions & {
        fileIds?: string[];
        sizes?: Array<{ width: number; height: number; fileSize?: number }>;
      } = {},
    ): Update {
      return wrap(photoMessage(options));
    },

    video(
      options: MediaOptions & {
        duration?: number;
        width?: number;
        height?: number;
        mimeType?: string;
        fileName?: string;
      } = {},
    ): Update {
      const message = base(options);
      const mimeType = options.mimeType ?? "video/mp4";
      message.video = {
        ...file(options.fileId, options.size ?? 4_718_592, mimeType, randomBytes(6).toString("hex")),
        width: options.width ?? 1080,
        height: options.height ?? 1920,
        duration: options.duration ?? 12,
        mime_type: mimeType,
        ...(options.fileName ? { file_name: options.fileName } : {}),
      };
      return wrap(withCaption(message, options.caption));
    },

    /** A GIF as Telegram stores it: an MP4 animation, mirrored in `document` for older clients. */
    animation(options: MediaOptions & { duration?: number; fileName?: string } = {}): Update {
      const message = base(options);
      const stored = file(options.fileId, options.size ?? 389_120, "video/mp4", randomBytes(6).toString("hex"));
      const fileName = options.fileName ?? "funny.gif.mp4";
      message.animation = {
        ...stored,
        width: 480,
        height: 270,
        duration: options.duration ?? 3,
        file_name: fileName,
        mime_type: "video/mp4",
      };
      message.document = { ...stored, file_name: fileName, mime_type: "video/mp4" };
      return wrap(withCaption(message, options.caption));
    },

    document(options: MediaOptions & { fileName: string; mimeType: string }): Update {
      const message = base(options);
      const stored = file(options.fileId, options.size ?? 1_048_576, options.mimeType, randomBytes(6).toString("hex"));
      message.document = { ...stored, file_name: options.fileName, mime_type: options.mimeType };
      return wrap(withCaption(message, options.caption));
    },

    audio(options: MediaOptions & { title?: string; performer?: string; duration?: number } = {}): Update {
      const message = base(options);
      const stored = file(options.fileId, options.size ?? 3_145_728, "audio/mpeg", randomBytes(6).toString("hex"));
      message.audio = {
        ...stored,
        duration: options.duration ?? 180,
        mime_type: "audio/mpeg",
        title: options.title ?? "Track",
        performer: options.performer ?? "Artist",
        file_name: "track.mp3",
      };
      return wrap(withCaption(message, options.caption));
    },

    voice(options: MediaOptions & { duration?: number } = {}): Update {
      const message = base(options);
      const stored = file(options.fileId, options.size ?? 24_576, "audio/ogg", randomBytes(6).toString("hex"));
      message.voice = { ...stored, duration: options.duration ?? 4, mime_type: "audio/ogg" };
      return wrap(message);
    },

    sticker(options: MessageOptions & { emoji?: string; setName?: string; fileId?: string } = {}): Update {
      const message = base(options);
      const stored = file(options.fileId, 28_672, "image/webp", randomBytes(6).toString("hex"));
      message.sticker = {
        ...stored,
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: options.emoji ?? "👍",
        set_name: options.setName ?? "HotCherry",
      };
      return wrap(message);
    },

    /**
     * An album: n photo updates sharing a media_group_id, caption on one item (index `captionOn`, default 0).
     * More than 10 items overflow into a second group, as Telegram does.
     */
    album(n: number, options: Omit<MediaOptions, "fileId" | "mediaGroupId"> & { captionOn?: number } = {}): Update[] {
      const groups: string[] = [];
      return Array.from({ length: n }, (_, index) => {
        const group = Math.floor(index / 10);
        groups[group] ??= mediaGroupId();
        const caption = index === (options.captionOn ?? 0) ? options.caption : undefined;
        const { caption: _caption, ...rest } = options;
        return wrap(
          photoMessage({ ...rest, mediaGroupId: groups[group], ...(caption === undefined ? {} : { caption }) }),
        );
      });
    },

    /** A button press on a message; carries that message's current content when the fake knows it. */
    callback(data: string, options: { messageId: number; chatId: number; from?: Partial<User> }): Update {
      const from = user(options.from);
      const chat = options.chatId > 0 ? privateChat({ ...from, id: options.chatId }) : groupChat(options.chatId);
      const message: Message = ctx.findMessage(options.chatId, options.messageId) ?? {
        message_id: options.messageId,
        from: botUser(),
        chat,
        date: seconds() - 30,
        text: "Choose an option",
      };
      return {
        update_id: ctx.nextUpdateId(),
        callback_query: {
          id: String(BigInt(`0x${randomBytes(8).toString("hex")}`) % 10_000_000_000_000_000_000n),
          from,
          message,
          chat_instance: String(-BigInt(`0x${randomBytes(7).toString("hex")}`)),
          data,
        },
      };
    },

    /** The bot's membership changed: "kicked" in a private chat means the user blocked the bot. */
    myChatMember(
      status: "member" | "administrator" | "left" | "kicked",
      chat: number | Chat,
      options: { from?: Partial<User>; oldStatus?: "member" | "administrator" | "left" | "kicked" } = {},
    ): Update {
      const from = user(options.from);
      const target: Chat =
        typeof chat !== "number" ? chat : chat > 0 ? privateChat({ ...from, id: chat }) : groupChat(chat);
      const old = options.oldStatus ?? (status === "member" || status === "administrator" ? "left" : "member");
      return {
        update_id: ctx.nextUpdateId(),
        my_chat_member: {
          chat: target,
          from,
          date: seconds(),
          old_chat_member: member(old, botUser()),
          new_chat_member: member(status, botUser()),
        },
      };
    },

    /** A user edited an earlier message. */
    editedMessage(text: string, options: MessageOptions & { messageId: number; editDate?: number }): Update {
      const message = withText(base(options), text);
      const original = ctx.findMessage(message.chat.id, options.messageId);
      if (original) message.date = original.date;
      return {
        update_id: ctx.nextUpdateId(),
        edited_message: { ...message, edit_date: options.editDate ?? seconds() },
      };
    },

    /** A post in a channel where the bot is an admin: no `from`, the channel is the sender. */
    channelPost(
      text: string,
      options: { chatId?: number; title?: string; username?: string; messageId?: number } = {},
    ): Update {
      const chatId = options.chatId ?? DEFAULT_CHANNEL_ID;
      const chat: Chat.ChannelChat = {
        id: chatId,
        type: "channel",
        title: options.title ?? "Nemo Updates",
        ...(options.username ? { username: options.username } : {}),
      };
      const message: Message & Update.Channel = {
        message_id: options.messageId ?? ctx.nextMessageId(chatId),
        sender_chat: chat,
        chat,
        date: seconds(),
        text,
      };
      const entities = detectEntities(text);
      if (entities.length) message.entities = entities;
      return { update_id: ctx.nextUpdateId(), channel_post: message };
    },
  };
}

function member(status: "member" | "administrator" | "left" | "kicked", bot: User): ChatMember {
  switch (status) {
    case "member":
      return { status, user: bot };
    case "left":
      return { status, user: bot };
    case "kicked":
      return { status, user: bot, until_date: 0 };
    case "administrator":
      return {
        status,
        user: bot,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: false,
        can_restrict_members: false,
        can_promote_members: false,
        can_change_info: false,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_send_welcome_messages: false,
        can_pin_messages: true,
        can_manage_topics: false,
      };
  }
}

export type UpdateBuilders = ReturnType<typeof createUpdateBuilders>;

/** Standalone builders with their own counters, for tests that do not run a fake. */
export const {
  privateText,
  groupText,
  command,
  photo,
  video,
  animation,
  document,
  audio,
  voice,
  sticker,
  album,
  callback,
  myChatMember,
  editedMessage,
  channelPost,
} = createUpdateBuilders();
