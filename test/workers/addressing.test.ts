import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { addressedToBot, type MessageLike } from "../../src/telegram/addressing";

const BOT = { id: 123456, username: "nemo_test_bot" };
const OTHER = { id: 999, is_bot: true, first_name: "Other", username: "other_bot" };
const ALICE = { id: 42, is_bot: false, first_name: "Alice" };

/** A text message whose entities are found by their text, so offsets are real UTF-16 offsets. */
function text(value: string, ...entities: [MessageEntity["type"], string, object?][]): MessageLike {
  return { text: value, entities: entities.map(([type, part, extra]) => entity(value, type, part, extra)) };
}

function caption(value: string, ...entities: [MessageEntity["type"], string, object?][]): MessageLike {
  return { caption: value, caption_entities: entities.map(([type, part, extra]) => entity(value, type, part, extra)) };
}

function entity(value: string, type: MessageEntity["type"], part: string, extra: object = {}): MessageEntity {
  const offset = value.indexOf(part);
  if (offset < 0) throw new Error(`"${part}" not in "${value}"`);
  return { type, offset, length: part.length, ...extra } as MessageEntity;
}

const botUser = { id: BOT.id, is_bot: true, first_name: "Nemo", username: BOT.username };
const replyTo = (from: object, extra: object = {}) =>
  ({ message_id: 1, date: 0, chat: { id: -1, type: "group", title: "g" }, from, ...extra }) as never;

describe("addressedToBot", () => {
  it.each<[string, MessageLike, string, boolean, string, string]>([
    ["a private message", text("make a video"), "private", true, "make a video", "private"],
    [
      "a private message with a mention",
      text("@nemo_test_bot make a video", ["mention", "@nemo_test_bot"]),
      "private",
      true,
      "make a video",
      "private",
    ],
    ["a group message without address", text("nice video everyone"), "group", false, "nice video everyone", "none"],
    [
      "a mention at the start",
      text("@nemo_test_bot make a video", ["mention", "@nemo_test_bot"]),
      "supergroup",
      true,
      "make a video",
      "mention",
    ],
    [
      "a mention in another case, followed by a comma",
      text("@Nemo_Test_Bot, add music", ["mention", "@Nemo_Test_Bot"]),
      "group",
      true,
      "add music",
      "mention",
    ],
    [
      "a mention at the end",
      text("add a title please @nemo_test_bot", ["mention", "@nemo_test_bot"]),
      "group",
      true,
      "add a title please",
      "mention",
    ],
    [
      "a mention in the middle",
      text("hey @nemo_test_bot make it faster", ["mention", "@nemo_test_bot"]),
      "group",
      true,
      "hey make it faster",
      "mention",
    ],
    [
      "a mention after emoji (UTF-16 offsets)",
      text("🎬🔥 @nemo_test_bot turn 👨‍👩‍👧 photos into a video", ["mention", "@nemo_test_bot"]),
      "group",
      true,
      "🎬🔥 turn 👨‍👩‍👧 photos into a video",
      "mention",
    ],
    [
      "two mentions of the bot",
      {
        text: "@nemo_test_bot add music @nemo_test_bot",
        entities: [
          { type: "mention", offset: 0, length: 14 },
          { type: "mention", offset: 25, length: 14 },
        ],
      },
      "group",
      true,
      "add music",
      "mention",
    ],
    [
      "another bot's mention only",
      text("@other_bot make a video", ["mention", "@other_bot"]),
      "group",
      false,
      "@other_bot make a video",
      "none",
    ],
    [
      "another bot and this bot mentioned",
      text(
        "@other_bot @nemo_test_bot which of you is faster?",
        ["mention", "@other_bot"],
        ["mention", "@nemo_test_bot"],
      ),
      "group",
      true,
      "@other_bot which of you is faster?",
      "mention",
    ],
    [
      "a longer username that starts with the bot's",
      text("@nemo_test_bot2 hi", ["mention", "@nemo_test_bot2"]),
      "group",
      false,
      "@nemo_test_bot2 hi",
      "none",
    ],
    [
      "a text mention of the bot",
      text("Nemo add a title", ["text_mention", "Nemo", { user: botUser }]),
      "group",
      true,
      "add a title",
      "text_mention",
    ],
    [
      "a text mention of someone else",
      text("Alice look at this", ["text_mention", "Alice", { user: ALICE }]),
      "group",
      false,
      "Alice look at this",
      "none",
    ],
    ["a bare command", text("/export", ["bot_command", "/export"]), "group", true, "/export", "command"],
    [
      "a command naming this bot",
      text("/credits@Nemo_Test_Bot now", ["bot_command", "/credits@Nemo_Test_Bot"]),
      "group",
      true,
      "/credits now",
      "command",
    ],
    [
      "a command naming another bot",
      text("/export@other_bot", ["bot_command", "/export@other_bot"]),
      "group",
      false,
      "/export@other_bot",
      "none",
    ],
    [
      "a command not at the start",
      text("try /export", ["bot_command", "/export"]),
      "group",
      false,
      "try /export",
      "none",
    ],
    [
      "a photo caption mentioning the bot",
      caption("@nemo_test_bot make these into a slideshow", ["mention", "@nemo_test_bot"]),
      "group",
      true,
      "make these into a slideshow",
      "caption_mention",
    ],
    ["a caption without mention", caption("our trip"), "group", false, "our trip", "none"],
    [
      "a reply to the bot",
      { text: "make it shorter", reply_to_message: replyTo(botUser) },
      "group",
      true,
      "make it shorter",
      "reply",
    ],
    ["a reply to someone else", { text: "agreed", reply_to_message: replyTo(ALICE) }, "group", false, "agreed", "none"],
    [
      "a reply to another bot",
      { text: "thanks", reply_to_message: replyTo(OTHER) },
      "supergroup",
      false,
      "thanks",
      "none",
    ],
    [
      "a forum topic message whose implicit reply is the topic start",
      { text: "hello", reply_to_message: replyTo(botUser, { forum_topic_created: { name: "t", icon_color: 1 } }) },
      "supergroup",
      false,
      "hello",
      "none",
    ],
    [
      "a multi-line instruction with a mention",
      text("@nemo_test_bot\nline one\n  line two", ["mention", "@nemo_test_bot"]),
      "group",
      true,
      "line one\nline two",
      "mention",
    ],
    ["a message without text", {}, "group", false, "", "none"],
  ])("handles %s", (_label, message, chatType, addressed, instruction, reason) => {
    expect(addressedToBot(message, BOT, chatType)).toEqual({ addressed, text: instruction, reason });
  });

  it("ignores entities whose offsets run past the text", () => {
    const message: MessageLike = { text: "hi", entities: [{ type: "mention", offset: 5, length: 14 }] };
    expect(addressedToBot(message, BOT, "group")).toEqual({ addressed: false, text: "hi", reason: "none" });
  });
});
