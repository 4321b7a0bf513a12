import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config";
import { commandList, type Lang } from "../../src/i18n";
import type { ChatActions } from "../../src/telegram/actions";
import { createBot } from "../../src/telegram/bot";
import { CALLBACK } from "../../src/telegram/callbacks";

const ME: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: "Nemo",
  username: "nemo_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

const CONFIG = {
  BOT_TOKEN: "123456:TEST-bot-token-for-tests-only",
  TELEGRAM_API_ROOT: "http://127.0.0.1:9",
  TELEGRAM_MAX_RETRY_AFTER_S: 1,
} as Config;

let nextId = 1;
const ALICE = { id: 42, is_bot: false, first_name: "Alice", language_code: "en" };
const GROUP = -4_000_000_123;
const chatOf = (id: number) =>
  id > 0
    ? { id, type: "private", first_name: "Alice" }
    : id <= -1_000_000_000_000
      ? { id, type: "supergroup", title: "Makers", is_forum: true }
      : { id, type: "group", title: "Makers" };

/** A message update with the entities Telegram would mark (commands at the start, @mentions). */
function message(text: string, chatId: number, extra: Record<string, unknown> = {}): Update {
  const entities = [...text.matchAll(/(^\/\w+(?:@\w+)?)|(@\w{5,})/g)].map((match) => ({
    type: match[1] ? "bot_command" : "mention",
    offset: match.index ?? 0,
    length: match[0].length,
  }));
  return {
    update_id: nextId++,
    message: { message_id: nextId++, date: 0, chat: chatOf(chatId), from: ALICE, text, entities, ...extra },
  } as unknown as Update;
}
const privateText = (text: string) => message(text, ALICE.id);
const groupText = (text: string, chatId = GROUP) => message(text, chatId);
const command = (name: string, options: { chatId?: number } = {}) =>
  options.chatId ? groupText(`/${name}@nemo_test_bot`, options.chatId) : privateText(`/${name}`);
function callback(data: string, options: { chatId: number; messageId: number }): Update {
  return {
    update_id: nextId++,
    callback_query: {
      id: String(nextId++),
      from: ALICE,
      chat_instance: "1",
      data,
      message: { message_id: options.messageId, date: 0, chat: chatOf(options.chatId), text: "Choose" },
    },
  } as unknown as Update;
}
function myChatMember(status: string, chat: number | object, options: { oldStatus?: string } = {}): Update {
  const member = (s: string) => ({ status: s, user: { id: ME.id, is_bot: true, first_name: "Nemo" } });
  return {
    update_id: nextId++,
    my_chat_member: {
      chat: typeof chat === "number" ? chatOf(chat) : chat,
      from: ALICE,
      date: 0,
      old_chat_member: member(options.oldStatus ?? "member"),
      new_chat_member: member(status),
    },
  } as unknown as Update;
}

/** Records which chat actions an update asked for, with their arguments. */
function recorder(operator?: Parameters<typeof createBot>[3]) {
  const calls: [string, ...unknown[]][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return undefined;
    };
  const actions = new Proxy({} as ChatActions, {
    get: (_target, name: string) => {
      if (name === "languageOf") return async (code?: string) => (code?.startsWith("zh") ? "zh" : "en");
      if (name === "mediaLinks") return async () => false;
      return record(name);
    },
  });
  const bot = createBot(CONFIG, ME, actions, operator);
  return {
    calls,
    names: () => calls.map(([name]) => name),
    handle: (update: Update) => bot.handleUpdate(update as never),
  };
}

describe("the bot's routing", () => {
  it.each(["start", "help", "credits", "status", "export", "new", "cancel", "open", "language"])(
    "/%s runs its action only, never also the text handler",
    async (name) => {
      const bot = recorder();
      await bot.handle(command(name));
      expect(bot.calls).toHaveLength(1);
      expect(bot.names()[0]).not.toMatch(/instruction|say/);
    },
  );

  it("handles every command it registers with Telegram, in both languages", async () => {
    for (const lang of ["en", "zh"] as Lang[]) {
      for (const { command: name } of commandList(lang)) {
        const bot = recorder();
        await bot.handle(command(name, { chatId: GROUP }));
        expect(bot.names(), `/${name}@bot in a group`).toHaveLength(1);
        expect(bot.names()[0]).not.toBe("say");
      }
    }
  });

  it("names unknown commands in private chats and for this bot, but leaves a group's bare ones alone", async () => {
    const bot = recorder();
    await bot.handle(privateText("/dance"));
    await bot.handle(groupText("/dance@nemo_test_bot"));
    await bot.handle(groupText("/dance"));
    await bot.handle(groupText("/credits@other_helper_bot"));
    expect(bot.calls.map(([name, , key]) => `${name}:${String(key)}`)).toEqual([
      "say:unknownCommand",
      "say:unknownCommand",
    ]);
  });

  it("answers every button before acting, and unknown ones with a hint", async () => {
    const bot = recorder();
    await bot.handle(callback(CALLBACK.credits, { chatId: -4_000_000_123, messageId: 5 }));
    await bot.handle(callback("v0:gone", { chatId: 42, messageId: 6 }));
    const [answer, credits, unknownAnswer] = bot.calls;
    expect(answer?.[0]).toBe("answerCallback");
    expect(answer?.[3]).toBeUndefined();
    expect(credits?.[0]).toBe("credits");
    // In a group the answer quotes the message that carried the button.
    expect(credits?.[1]).toMatchObject({ chatId: -4_000_000_123, messageId: 5 });
    expect(unknownAnswer?.[0]).toBe("answerCallback");
    expect(String(unknownAnswer?.[3])).toMatch(/no longer active/);
    expect(bot.calls).toHaveLength(3);
  });

  it("passes the project a /new confirmation was made for", async () => {
    const bot = recorder();
    await bot.handle(callback(CALLBACK.newConfirm("abc123"), { chatId: 42, messageId: 7 }));
    expect(bot.calls[1]).toEqual(["newProject", expect.objectContaining({ chatId: 42 }), true, "abc123"]);
  });

  it("greets groups only when the bot arrives, not on promotions, and never greets channels", async () => {
    const bot = recorder();
    await bot.handle(myChatMember("member", -4_000_000_123, { oldStatus: "left" }));
    await bot.handle(myChatMember("administrator", -4_000_000_123, { oldStatus: "member" }));
    await bot.handle(
      myChatMember("administrator", { id: -1_009_000_000_001, type: "channel", title: "News" }, { oldStatus: "left" }),
    );
    await bot.handle(myChatMember("kicked", 42));
    await bot.handle(myChatMember("member", 42, { oldStatus: "kicked" }));
    expect(bot.names()).toEqual(["addedToGroup", "reachableAgain", "removedFromChat", "reachableAgain"]);
    expect(bot.calls[0]?.[2]).toBe("nemo_test_bot");
  });

  it("keeps a thread id only for forum topic messages", async () => {
    const bot = recorder();
    const forum = -1_001_000_000_001;
    await bot.handle(message("@nemo_test_bot hello", forum, { message_thread_id: 9, is_topic_message: true }));
    // A reply in a supergroup carries the reply thread's id without being a topic message.
    await bot.handle(message("@nemo_test_bot hello", forum, { message_thread_id: 3 }));
    expect(bot.calls.map(([, origin]) => (origin as { threadId?: number }).threadId)).toEqual([9, undefined]);
  });

  it("lets group chatter, edits and channel posts reach no action at all", async () => {
    const bot = recorder();
    const chatter = groupText("has anyone tried the new editor?");
    await bot.handle(chatter);
    await bot.handle(groupText("@other_helper_bot make a video"));
    const edited = privateText("hello, tell me about titles");
    await bot.handle({ update_id: nextId++, edited_message: edited.message } as unknown as Update);
    const post = message("@nemo_test_bot make a video", -1_009_000_000_002);
    const channel = { id: -1_009_000_000_002, type: "channel", title: "News" };
    await bot.handle({ update_id: nextId++, channel_post: { ...post.message, chat: channel } } as unknown as Update);
    expect(bot.calls).toEqual([]);
  });

  it.each([
    [CALLBACK.export, "exportVideo", []],
    [CALLBACK.timeline, "timeline", []],
    [CALLBACK.credits, "credits", []],
    [CALLBACK.open, "openLink", []],
    [CALLBACK.openFor("render-0123456789abcdef"), "openLink", []],
    [CALLBACK.newConfirm("abc123"), "newProject", [true, "abc123"]],
    ["x:new:yes", "newProject", [true, undefined]],
    [CALLBACK.retryTurn("turn-7"), "retry", ["turn-7"]],
    [CALLBACK.retryRender, "retryRender", []],
    [CALLBACK.language("zh"), "language", ["zh"]],
    [CALLBACK.language("en"), "language", ["en"]],
    [CALLBACK.extras("keep", "offer-1"), "extras", ["offer-1", "keep"]],
    [CALLBACK.extras("remove", "offer-2"), "extras", ["offer-2", "remove"]],
  ] as const)("routes the button %s to %s after answering it", async (data, action, args) => {
    const bot = recorder();
    await bot.handle(callback(data, { chatId: 42, messageId: 8 }));
    expect(bot.names()).toEqual(["answerCallback", action]);
    expect(bot.calls[0]?.[3]).toBeUndefined();
    expect(bot.calls[1]).toEqual([action, expect.objectContaining({ chatId: 42 }), ...args]);
  });

  it("lets Stop answer for itself, naming who started the work", async () => {
    const bot = recorder();
    await bot.handle(callback(CALLBACK.stop(77), { chatId: GROUP, messageId: 9 }));
    await bot.handle(callback(CALLBACK.stop(undefined), { chatId: 42, messageId: 10 }));
    expect(bot.names()).toEqual(["stop", "stop"]);
    expect(bot.calls.map((call) => call[3])).toEqual([77, undefined]);
  });

  it("runs the operator's gate before everything and its commands with the origin set", async () => {
    const seen: string[] = [];
    const bot = recorder({
      gate: async (ctx, next) => {
        seen.push(`gate:${ctx.update.update_id}`);
        if (ctx.from?.id !== 99) await next();
      },
      commands: async (ctx, next) => {
        seen.push(`commands:${ctx.origin.chatId}:${ctx.origin.lang}`);
        await next();
      },
    });
    const refused = message("/start", 99, { from: { ...ALICE, id: 99 } });
    await bot.handle(refused);
    const kicked = myChatMember("kicked", 42);
    await bot.handle(kicked);
    const start = command("start");
    await bot.handle(start);
    expect(seen).toEqual([
      `gate:${refused.update_id}`,
      `gate:${kicked.update_id}`,
      `gate:${start.update_id}`,
      "commands:42:en",
    ]);
    expect(bot.names()).toEqual(["removedFromChat", "start"]);
  });
});
