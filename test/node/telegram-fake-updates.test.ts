import type { MessageEntity } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import {
  album,
  animation,
  callback,
  channelPost,
  command,
  document,
  editedMessage,
  groupText,
  myChatMember,
  photo,
  privateText,
  sticker,
  video,
  voice,
} from "../../sim/telegram/index";
import { formatText } from "../../sim/telegram/text/index";

/** The text an entity covers, cut with JS (UTF-16) indices exactly like a bot would. */
const covered = (text: string | undefined, entity: MessageEntity | undefined) =>
  text?.slice(entity?.offset ?? 0, (entity?.offset ?? 0) + (entity?.length ?? 0));

describe("update builders", () => {
  it("builds a private text where the chat id equals the user id", () => {
    const update = privateText("hello", { from: { language_code: "zh-hans" } });
    const message = update.message;
    expect(message?.chat).toMatchObject({ id: message?.from.id, type: "private" });
    expect(message?.from).toMatchObject({ is_bot: false, language_code: "zh-hans" });
    expect(message?.date).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(update.update_id).toBeGreaterThan(0);
    expect(privateText("again").update_id).toBe(update.update_id + 1);
  });

  it("places a bot mention at its UTF-16 offset after emoji", () => {
    const update = groupText("🎬👩‍👩‍👧 make a video", { mentionBot: true, mentionPosition: "end" });
    const message = update.message;
    const mention = message?.entities?.find((e) => e.type === "mention");
    expect(covered(message?.text, mention)).toBe("@nemo_test_bot");
    // "🎬" is 2 code units and the family emoji 8; code points would give a smaller offset.
    expect(mention?.offset).toBe("🎬👩‍👩‍👧 make a video ".length);
    expect(mention?.offset).not.toBe([..."🎬👩‍👩‍👧 make a video "].length);
    expect(message?.chat.type).toBe("group");
    expect(message?.chat.id).toBeLessThan(0);
  });

  it("detects mentions typed anywhere and puts a start mention first", () => {
    const start = groupText("make it 🔥", { mentionBot: true, supergroup: true });
    expect(start.message?.text).toBe("@nemo_test_bot make it 🔥");
    expect(start.message?.entities).toEqual([{ type: "mention", offset: 0, length: 14 }]);
    expect(String(start.message?.chat.id)).toMatch(/^-100\d+/);
    const typed = privateText("👋 ask @someone_else please");
    expect(covered(typed.message?.text, typed.message?.entities?.[0])).toBe("@someone_else");
  });

  it("builds replies to the bot, topic messages and anonymous admins in groups", () => {
    const reply = groupText("shorter please", { replyToBotMessageId: 41 });
    expect(reply.message?.reply_to_message).toMatchObject({
      message_id: 41,
      from: { is_bot: true, username: "nemo_test_bot" },
    });
    const topic = groupText("in a topic", { isTopicMessage: true, threadId: 9 });
    expect(topic.message).toMatchObject({
      message_thread_id: 9,
      is_topic_message: true,
      chat: { type: "supergroup", is_forum: true },
    });
    // Telegram shows a plain topic message as a reply to the topic's creation message.
    expect(topic.message?.reply_to_message?.forum_topic_created).toBeDefined();
    const anonymous = groupText("admin speaking", { senderChat: true, chatId: -1_001_111_111_111 });
    expect(anonymous.message?.sender_chat?.id).toBe(-1_001_111_111_111);
    expect(anonymous.message?.from.username).toBe("GroupAnonymousBot");
  });

  it("builds commands with a bot_command entity, /cmd@bot in groups", () => {
    const inPrivate = command("start", { args: "ref_42" });
    expect(inPrivate.message?.text).toBe("/start ref_42");
    expect(inPrivate.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const inGroup = command("/video", { chatId: -1_001_234_567_890 });
    expect(inGroup.message?.text).toBe("/video@nemo_test_bot");
    expect(inGroup.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 20 }]);
  });

  it("builds photos with several sizes, largest last, and albums that overflow after 10", () => {
    const single = photo({ caption: "cat" });
    const sizes = single.message?.photo ?? [];
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.map((s) => s.width)).toEqual([...sizes.map((s) => s.width)].sort((a, b) => a - b));
    expect(single.message?.caption).toBe("cat");
    const given = photo({ fileIds: ["AgAC-small", "AgAC-large"] });
    expect(given.message?.photo?.map((p) => p.file_id)).toEqual(["AgAC-small", "AgAC-large"]);

    const items = album(12, { caption: "trip", captionOn: 1 });
    const groups = items.map((u) => u.message?.media_group_id);
    expect(new Set(groups.slice(0, 10)).size).toBe(1);
    expect(groups[10]).toBe(groups[11]);
    expect(groups[10]).not.toBe(groups[0]);
    expect(items.map((u) => u.message?.caption).filter(Boolean)).toEqual(["trip"]);
    const ids = items.map((u) => u.message?.message_id ?? 0);
    expect(ids.every((id, i) => i === 0 || id === (ids[i - 1] ?? 0) + 1)).toBe(true);
  });

  it("builds the other media kinds realistically", () => {
    expect(video({ duration: 30 }).message?.video).toMatchObject({
      duration: 30,
      mime_type: "video/mp4",
      height: 1920,
    });
    const gif = animation().message;
    expect(gif?.animation?.file_id).toBe(gif?.document?.file_id);
    expect(document({ fileName: "brief.pdf", mimeType: "application/pdf" }).message?.document).toMatchObject({
      file_name: "brief.pdf",
      mime_type: "application/pdf",
    });
    expect(voice().message?.voice?.mime_type).toBe("audio/ogg");
    expect(sticker({ emoji: "😂" }).message?.sticker).toMatchObject({ emoji: "😂", type: "regular" });
  });

  it("builds callbacks, membership changes, edits and channel posts", () => {
    const press = callback("render:7", { messageId: 5, chatId: 6_123_456_789 });
    expect(press.callback_query).toMatchObject({
      data: "render:7",
      message: { message_id: 5, chat: { id: 6_123_456_789 } },
    });
    expect(press.callback_query?.id).toMatch(/^\d+$/);
    const added = myChatMember("administrator", -1_001_234_567_890);
    expect(added.my_chat_member).toMatchObject({
      old_chat_member: { status: "left" },
      new_chat_member: { status: "administrator", user: { is_bot: true } },
    });
    const edit = editedMessage("fixed typo", { messageId: 3 });
    expect(edit.edited_message).toMatchObject({ message_id: 3, text: "fixed typo", edit_date: expect.any(Number) });
    const post = channelPost("new episode");
    expect(post.channel_post).toMatchObject({ chat: { type: "channel" }, sender_chat: { type: "channel" } });
    expect(post.channel_post).not.toHaveProperty("from");
  });
});

describe("parse modes", () => {
  it.each([
    [
      "<b>bold</b> & <i>it</i>",
      "bold & it",
      [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 7, length: 2 },
      ],
    ],
    [
      '🎬 <a href="https://t.me/x">link</a>',
      "🎬 link",
      [{ type: "text_link", offset: 3, length: 4, url: "https://t.me/x" }],
    ],
    ['<pre><code class="language-ts">x</code></pre>', "x", [{ type: "pre", offset: 0, length: 1, language: "ts" }]],
    ["1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2", []],
    ['<span class="tg-spoiler">s</span>', "s", [{ type: "spoiler", offset: 0, length: 1 }]],
  ])("HTML %s", (source, text, entities) => {
    expect(formatText(source, "HTML")).toEqual({ text, entities });
  });

  it.each([
    ["<b>x</i>", /Unmatched end tag at byte offset 4, expected "<\/b>", found "<\/i>"/],
    ["</b>", /Unexpected end tag/],
    ["<span>x</span>", /Tag "span" must have class "tg-spoiler"/],
    ["<br/>", /Unsupported start tag "br\/"|Unsupported start tag/],
    ["a < b", /Unsupported start tag|Unclosed start tag/],
  ])("HTML error %s", (source, message) => {
    expect(() => formatText(source, "HTML")).toThrow(message);
  });

  it.each([
    ["*bold* _it_ __u__ ~s~ ||sp||", "bold it u s sp", ["bold", "italic", "underline", "strikethrough", "spoiler"]],
    ["`a.b` and [site](https://x.y/a\\)b)", "a.b and site", ["code", "text_link"]],
    ["50\\% off\\! 1\\.5x", "50% off! 1.5x", []],
  ])("MarkdownV2 %s", (source, text, types) => {
    const result = formatText(source, "MarkdownV2");
    expect(result.text).toBe(text);
    expect(result.entities.map((e) => e.type)).toEqual(types);
  });

  it.each([
    ["Ready!", /Character '!' is reserved/],
    ["*bold", /Can't find end of Bold entity at byte offset 0/],
    ["🎬 _it", /Can't find end of Italic entity at byte offset 5/],
    ["a-b", /Character '-' is reserved/],
  ])("MarkdownV2 error %s", (source, message) => {
    expect(() => formatText(source, "MarkdownV2")).toThrow(message);
  });

  it("parses legacy Markdown and reports unclosed entities", () => {
    expect(formatText("*hi* [x](https://a.b)", "Markdown")).toEqual({
      text: "hi x",
      entities: [
        { type: "bold", offset: 0, length: 2 },
        { type: "text_link", offset: 3, length: 1, url: "https://a.b" },
      ],
    });
    expect(() => formatText("snake_case", "Markdown")).toThrow(
      /Can't find end of the entity starting at byte offset 5/,
    );
  });
});
