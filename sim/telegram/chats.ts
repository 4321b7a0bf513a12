import type { Chat, Message } from "@grammyjs/types";
import type { FileStore } from "./files.js";
import type { ChatMedia, ChatView, ChatViewMessage } from "./types.js";

interface StoredMessage {
  message: Message;
  fromBot: boolean;
  edited: boolean;
  /** The bot's reaction on this message (setMessageReaction), at most one emoji. */
  reaction?: string;
}

/** Telegram shows a draft for about 30 s unless the bot sends it again (Bot API 9.3). */
export const DRAFT_LIFETIME_MS = 30_000;

interface ChatState {
  chat: Chat;
  /** Insertion order is display order; deleted messages are removed. */
  messages: Map<number, StoredMessage>;
  lastId: number;
  /** Forum topics known to exist (seen in updates); only these accept message_thread_id. */
  threads: Set<number>;
  actions: string[];
  /** The bot's live draft (sendMessageDraft), shown until it expires or a real message replaces it. */
  draft?: { draftId: number; text: string; expiresAt: number };
}

/** Derives a chat from its id the way Telegram numbers them: users positive, supergroups -100…, groups negative. */
export function chatFromId(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: "User" };
  if (id <= -1_000_000_000_000) return { id, type: "supergroup", title: "Supergroup" };
  return { id, type: "group", title: "Group" };
}

/** What each chat contains, as both the bot's results and a person's view are derived from it. */
export class ChatStore {
  private readonly chats = new Map<number, ChatState>();

  constructor(private readonly files: FileStore) {}

  /** Remembers a chat seen in an update, keeping the richer object Telegram sent. */
  observe(chat: Chat): ChatState {
    const state = this.chats.get(chat.id);
    if (state) {
      state.chat = { ...state.chat, ...chat } as Chat;
      return state;
    }
    const created: ChatState = { chat, messages: new Map(), lastId: 0, threads: new Set(), actions: [] };
    this.chats.set(chat.id, created);
    return created;
  }

  known(chatId: number): boolean {
    return this.chats.has(chatId);
  }

  findByUsername(username: string): Chat | undefined {
    const name = username.replace(/^@/, "").toLowerCase();
    for (const { chat } of this.chats.values()) if (chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  chat(chatId: number): Chat {
    return this.chats.get(chatId)?.chat ?? chatFromId(chatId);
  }

  /** The next message id in that chat; ids are per chat and only grow. */
  allocateId(chatId: number): number {
    const state = this.chats.get(chatId) ?? this.observe(chatFromId(chatId));
    state.lastId += 1;
    return state.lastId;
  }

  /** Records a message (a user's from an update, or one the bot sent); an existing id is replaced. */
  record(message: Message, fromBot: boolean, edited = false): void {
    const state = this.observe(message.chat);
    state.lastId = Math.max(state.lastId, message.message_id);
    if (message.is_topic_message && message.message_thread_id !== undefined)
      state.threads.add(message.message_thread_id);
    if (message.forum_topic_created) state.threads.add(message.message_id);
    const previous = state.messages.get(message.message_id);
    state.messages.set(message.message_id, {
      message,
      fromBot,
      edited: edited || (previous?.edited ?? false),
      ...(previous?.reaction ? { reaction: previous.reaction } : {}),
    });
    // A real message from the bot finishes its draft, as in Telegram's clients.
    if (fromBot) state.draft = undefined;
  }

  /** Sets (or with undefined clears) the bot's reaction on a message; false when the message is unknown. */
  setReaction(chatId: number, messageId: number, emoji: string | undefined): boolean {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    if (!stored) return false;
    if (emoji === undefined) delete stored.reaction;
    else stored.reaction = emoji;
    return true;
  }

  setDraft(chatId: number, draftId: number, text: string, now: number): void {
    const state = this.chats.get(chatId) ?? this.observe(chatFromId(chatId));
    state.draft = { draftId, text, expiresAt: now + DRAFT_LIFETIME_MS };
  }

  addThread(chatId: number, threadId: number): void {
    (this.chats.get(chatId) ?? this.observe(chatFromId(chatId))).threads.add(threadId);
  }

  hasThread(chatId: number, threadId: number): boolean {
    return this.chats.get(chatId)?.threads.has(threadId) ?? false;
  }

  get(chatId: number, messageId: number): { message: Message; fromBot: boolean } | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  replace(message: Message): void {
    const stored = this.chats.get(message.chat.id)?.messages.get(message.message_id);
    if (stored) {
      stored.message = message;
      stored.edited = true;
    }
  }

  delete(chatId: number, messageId: number): boolean {
    return this.chats.get(chatId)?.messages.delete(messageId) ?? false;
  }

  addAction(chatId: number, action: string): void {
    (this.chats.get(chatId) ?? this.observe(chatFromId(chatId))).actions.push(action);
  }

  view(chatId: number): ChatView {
    const state = this.chats.get(chatId);
    if (!state) return { messages: [], chatActions: [] };
    const draft = state.draft && state.draft.expiresAt > Date.now() ? state.draft : undefined;
    return {
      messages: [...state.messages.values()].map((stored) => this.toView(stored)),
      chatActions: [...state.actions],
      ...(draft ? { draft: { draft_id: draft.draftId, text: draft.text } } : {}),
    };
  }

  clear(): void {
    this.chats.clear();
  }

  private toView({ message, fromBot, edited, reaction }: StoredMessage): ChatViewMessage {
    const view: ChatViewMessage = { message_id: message.message_id, from_bot: fromBot, edited, date: message.date };
    if (reaction) view.reaction = reaction;
    if (message.text !== undefined) view.text = message.text;
    if (message.entities?.length) view.entities = message.entities;
    if (message.caption !== undefined) view.caption = message.caption;
    if (message.reply_markup) view.reply_markup = message.reply_markup;
    if (message.reply_to_message && !message.reply_to_message.forum_topic_created) {
      view.reply_to_message_id = message.reply_to_message.message_id;
    }
    if (message.is_topic_message && message.message_thread_id !== undefined) {
      view.message_thread_id = message.message_thread_id;
    }
    if (message.media_group_id) view.media_group_id = message.media_group_id;
    const largestPhoto = message.photo?.at(-1);
    if (largestPhoto) view.photo = this.media(largestPhoto);
    if (message.video) view.video = this.media(message.video);
    if (message.animation) view.animation = this.media(message.animation);
    else if (message.document) view.document = this.media(message.document);
    return view;
  }

  private media(file: {
    file_id: string;
    file_unique_id: string;
    file_size?: number;
    file_name?: string;
    mime_type?: string;
  }): ChatMedia {
    const stored = this.files.get(file.file_id);
    const media: ChatMedia = { file_id: file.file_id, file_unique_id: file.file_unique_id, size: file.file_size ?? 0 };
    if (stored) media.sha256 = stored.sha256;
    if (file.file_name !== undefined) media.file_name = file.file_name;
    if (file.mime_type !== undefined) media.mime_type = file.mime_type;
    return media;
  }
}
