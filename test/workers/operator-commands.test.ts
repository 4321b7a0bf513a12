import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config";
import { FORGET_CALLBACK, operatorCommands } from "../../src/operator/commands";
import type { ChatActions } from "../../src/telegram/actions";
import { createBot } from "../../src/telegram/bot";

const ME = { id: 123456, is_bot: true, first_name: "Nemo", username: "nemo_test_bot" } as UserFromGetMe;
const CONFIG = {
  BOT_TOKEN: "123456:TEST-bot-token-for-tests-only",
  TELEGRAM_API_ROOT: "http://127.0.0.1:9",
  TELEGRAM_MAX_RETRY_AFTER_S: 1,
  ADMIN_USER_IDS: ["900"],
} as unknown as Config;

const GROUP = { id: -4_000_000_777, type: "group", title: "Makers" };
const ANN = { id: 501, is_bot: false, first_name: "Ann", language_code: "en" };
const BEN = { id: 502, is_bot: false, first_name: "Ben", language_code: "en" };
const OP = { id: 900, is_bot: false, first_name: "Op", language_code: "en" };
let nextId = 1;

function commandIn(chat: object, from: object, text: string): Update {
  const length = text.split(" ")[0]?.length ?? 0;
  const entities = [{ type: "bot_command", offset: 0, length }];
  return {
    update_id: nextId++,
    message: { message_id: nextId++, date: 0, chat, from, text, entities },
  } as unknown as Update;
}

function press(data: string, from: object): Update {
  return {
    update_id: nextId++,
    callback_query: {
      id: String(nextId++),
      from,
      chat_instance: "1",
      data,
      message: { message_id: 77, date: 0, chat: GROUP, text: "Forget everything?" },
    },
  } as unknown as Update;
}

/** The chat's bot with the operator's commands, every Bot API call recorded and answered with success. */
function operatorBot() {
  const log: string[] = [];
  const actions = new Proxy({} as ChatActions, {
    get:
      (_target, name: string) =>
      async (..._args: unknown[]) => {
        if (name === "languageOf") return "en";
        log.push(`action:${name}`);
        return undefined;
      },
  });
  const commands = operatorCommands({
    config: CONFIG,
    unknownCommand: async () => {
      log.push("unknownCommand");
    },
    stats: async () => ({ day: {}, week: {} }) as never,
    setBlocked: async (chatId, blocked) => {
      log.push(`${blocked ? "block" : "unblock"}:${chatId}`);
    },
    forget: async () => {
      log.push("forget");
    },
    claimForget: async () => true,
    now: () => 0,
  });
  const bot = createBot(CONFIG, ME, actions, { gate: (_ctx, next) => next(), commands });
  bot.api.config.use(async (_prev, method) => {
    log.push(`api:${method}`);
    const result = method === "getChatMember" ? { status: "member", user: ANN } : true;
    return { ok: true, result } as never;
  });
  return { log, handle: (update: Update) => bot.handleUpdate(update as never) };
}

describe("the operator's commands inside the chat's bot", () => {
  it("answers /stats, /block and /unblock from anyone but an admin in private as unknown commands", async () => {
    const bot = operatorBot();
    await bot.handle(commandIn({ id: ANN.id, type: "private", first_name: "Ann" }, ANN, "/stats"));
    await bot.handle(commandIn(GROUP, OP, "/block 42"));
    await bot.handle(commandIn({ id: OP.id, type: "private", first_name: "Op" }, OP, "/unblock 42"));
    expect(bot.log).toEqual(["unknownCommand", "unknownCommand", "unblock:42", "api:sendMessage"]);
  });

  it("in a group, /forget is for chat admins, and only the member who asked may confirm it", async () => {
    const bot = operatorBot();
    // Ann is an ordinary member (the recorded getChatMember says so): she is told only admins may.
    await bot.handle(commandIn(GROUP, ANN, "/forget"));
    expect(bot.log).toEqual(["api:getChatMember", "api:sendMessage"]);
    bot.log.length = 0;
    await bot.handle(press(FORGET_CALLBACK.yes(ANN.id), BEN));
    expect(bot.log).toEqual(["api:answerCallbackQuery"]);
    await bot.handle(press(FORGET_CALLBACK.yes(ANN.id), ANN));
    expect(bot.log).toEqual(["api:answerCallbackQuery", "api:answerCallbackQuery", "forget", "api:editMessageText"]);
  });
});
