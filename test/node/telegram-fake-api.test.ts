import { Api, GrammyError, HttpError } from "grammy";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

let fake: TelegramFake;
let api: Api;
const USER = 6_123_456_789;
const GROUP = -1_001_234_567_890;

/** A raw Bot API call over fetch, returning the HTTP status and the envelope. */
async function call(method: string, body?: unknown, token = fake.token) {
  const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The description of the GrammyError a call rejects with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error.description;
}

beforeAll(async () => {
  fake = await startTelegramFake();
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  // The user wrote first, so the bot may talk to them (Telegram refuses unknown chats).
  fake.ingest(fake.updates.privateText("hi"));
});

describe("envelope and routing", () => {
  it("answers getMe with the bot derived from the token", async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({
      id: 123456,
      is_bot: true,
      username: "nemo_test_bot",
      can_read_all_group_messages: false,
    });
    expect(fake.botInfo).toEqual(me);
  });

  it("refuses a wrong token with 401 Unauthorized and records it", async () => {
    const { status, body } = await call("getMe", {}, "1:wrong");
    expect(status).toBe(401);
    expect(body).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    expect(fake.calls.at(-1)).toMatchObject({ method: "getMe", token: "1:wrong", status: 401 });
  });

  it("answers an unknown method with 404 Not Found in the envelope", async () => {
    const { status, body } = await call("sendTelepathy");
    expect(status).toBe(404);
    expect(body).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("accepts GET with query parameters, urlencoded bodies and any method-name case", async () => {
    const get = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=${USER}&text=from%20query`);
    expect(((await get.json()) as { result: { text: string } }).result.text).toBe("from query");
    const form = await fetch(`${fake.apiRoot}/bot${fake.token}/sendmessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: String(USER), text: "from form" }),
    });
    expect(form.status).toBe(200);
    expect(fake.callsTo("sendMessage").map((c) => c.params.chat_id)).toEqual([USER, USER]);
  });
});

describe("sendMessage", () => {
  it("returns a realistic message with per-chat increasing ids", async () => {
    const first = await api.sendMessage(USER, "one");
    const second = await api.sendMessage(USER, "two");
    expect(first).toMatchObject({
      from: { id: 123456, is_bot: true },
      chat: { id: USER, type: "private" },
      text: "one",
    });
    expect(second.message_id).toBe(first.message_id + 1);
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);
    expect(fake.chat(USER).messages.map((m) => [m.text, m.from_bot])).toEqual([
      ["hi", false],
      ["one", true],
      ["two", true],
    ]);
  });

  it("derives chat types from ids", async () => {
    fake.ingest(fake.updates.groupText("hello", { chatId: GROUP }));
    fake.ingest(fake.updates.groupText("hello", { chatId: -4_000_000_001 }));
    expect((await api.sendMessage(GROUP, "x")).chat.type).toBe("supergroup");
    expect((await api.sendMessage(-4_000_000_001, "x")).chat.type).toBe("group");
  });

  it("resolves @username chat ids of known channels", async () => {
    fake.ingest(fake.updates.channelPost("new episode", { username: "nemo_updates" }));
    const sent = await api.sendMessage("@nemo_updates", "posted");
    expect(sent.chat).toMatchObject({ type: "channel", username: "nemo_updates" });
    expect(await refusal(api.sendMessage("@nobody_here", "x"))).toBe("Bad Request: chat not found");
  });

  it("refuses chats the bot never met, empty and too long text", async () => {
    expect(await refusal(api.sendMessage(42, "hello"))).toBe("Bad Request: chat not found");
    expect(await refusal(api.sendMessage(USER, ""))).toBe("Bad Request: message text is empty");
    expect(await refusal(api.sendMessage(USER, "   "))).toBe("Bad Request: message text is empty");
    expect(await refusal(api.sendMessage(USER, "x".repeat(4097)))).toBe("Bad Request: message is too long");
    await expect(api.sendMessage(USER, "x".repeat(4096))).resolves.toBeTruthy();
  });

  it("counts the limit after entity parsing", async () => {
    const text = `<b>${"x".repeat(4096)}</b>`;
    const sent = await api.sendMessage(USER, text, { parse_mode: "HTML" });
    expect(sent.text).toHaveLength(4096);
    expect(sent.entities).toEqual([{ type: "bold", offset: 0, length: 4096 }]);
  });

  it("rejects unbalanced or unknown HTML and unescaped MarkdownV2", async () => {
    expect(await refusal(api.sendMessage(USER, "<b>bold", { parse_mode: "HTML" }))).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    expect(await refusal(api.sendMessage(USER, "<blink>x</blink>", { parse_mode: "HTML" }))).toMatch(
      /^Bad Request: can't parse entities: Unsupported start tag "blink"/,
    );
    expect(await refusal(api.sendMessage(USER, "Done. Video ready!", { parse_mode: "MarkdownV2" }))).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    const ok = await api.sendMessage(USER, "Done\\. *Video* ready\\!", { parse_mode: "MarkdownV2" });
    expect(ok).toMatchObject({ text: "Done. Video ready!", entities: [{ type: "bold", offset: 6, length: 5 }] });
  });

  it("checks that a replied-to message exists unless allowed to send without it", async () => {
    const sent = await api.sendMessage(USER, "anchor");
    const reply = await api.sendMessage(USER, "re", { reply_parameters: { message_id: sent.message_id } });
    expect(reply.reply_to_message?.message_id).toBe(sent.message_id);
    expect(fake.chat(USER).messages.at(-1)?.reply_to_message_id).toBe(sent.message_id);
    expect(await refusal(api.sendMessage(USER, "re", { reply_parameters: { message_id: 9999 } }))).toBe(
      "Bad Request: message to be replied not found",
    );
    const legacy = await call("sendMessage", { chat_id: USER, text: "re", reply_to_message_id: 9999 });
    expect(legacy.body.description).toBe("Bad Request: message to be replied not found");
    const allowed = await api.sendMessage(USER, "re", {
      reply_parameters: { message_id: 9999, allow_sending_without_reply: true },
    });
    expect(allowed.reply_to_message).toBeUndefined();
  });

  it("accepts message_thread_id only for known forum topics", async () => {
    fake.ingest(fake.updates.groupText("in topic", { chatId: GROUP, isTopicMessage: true, threadId: 7 }));
    const inTopic = await api.sendMessage(GROUP, "ok", { message_thread_id: 7 });
    expect(inTopic).toMatchObject({ message_thread_id: 7, is_topic_message: true });
    expect(await refusal(api.sendMessage(GROUP, "no", { message_thread_id: 8 }))).toBe(
      "Bad Request: message thread not found",
    );
    expect(await refusal(api.sendMessage(USER, "no", { message_thread_id: 7 }))).toBe(
      "Bad Request: message thread not found",
    );
  });

  it("validates inline keyboards and echoes them on the message", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Render", callback_data: "render:1" }]] };
    const sent = await api.sendMessage(USER, "pick", { reply_markup: keyboard });
    expect(sent.reply_markup).toEqual(keyboard);
    const tooLong = { inline_keyboard: [[{ text: "x", callback_data: "d".repeat(65) }]] };
    expect(await refusal(api.sendMessage(USER, "pick", { reply_markup: tooLong }))).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
  });
});

describe("editing and deleting", () => {
  it("edits text, marks the message edited and refuses identical content", async () => {
    const sent = await api.sendMessage(USER, "Rendering… 10%");
    const edited = await api.editMessageText(USER, sent.message_id, "Rendering… 50%");
    expect(edited).toMatchObject({ text: "Rendering… 50%", edit_date: expect.any(Number) });
    expect(fake.chat(USER).messages.at(-1)).toMatchObject({ text: "Rendering… 50%", edited: true });
    expect(await refusal(api.editMessageText(USER, sent.message_id, "Rendering… 50%"))).toMatch(
      /^Bad Request: message is not modified: specified new message content and reply markup are exactly the same/,
    );
    expect(await refusal(api.editMessageText(USER, 9999, "x"))).toBe("Bad Request: message to edit not found");
  });

  it("drops the inline keyboard when an edit leaves reply_markup out, as Telegram does", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Cancel", callback_data: "cancel" }]] };
    const sent = await api.sendMessage(USER, "working", { reply_markup: keyboard });
    const edited = await api.editMessageText(USER, sent.message_id, "done");
    expect(edited).not.toHaveProperty("reply_markup");
    const restored = await api.editMessageReplyMarkup(USER, sent.message_id, { reply_markup: keyboard });
    expect(restored).toMatchObject({ reply_markup: keyboard });
    expect(await refusal(api.editMessageReplyMarkup(USER, sent.message_id, { reply_markup: keyboard }))).toMatch(
      /message is not modified/,
    );
  });

  it("refuses to edit the user's messages", async () => {
    const userMessage = fake.chat(USER).messages[0];
    expect(await refusal(api.editMessageText(USER, userMessage?.message_id ?? 0, "hacked"))).toBe(
      "Bad Request: message can't be edited",
    );
  });

  it("deletes a message once", async () => {
    const sent = await api.sendMessage(USER, "temp");
    await expect(api.deleteMessage(USER, sent.message_id)).resolves.toBe(true);
    expect(fake.chat(USER).messages.map((m) => m.text)).toEqual(["hi"]);
    expect(await refusal(api.deleteMessage(USER, sent.message_id))).toBe("Bad Request: message to delete not found");
  });
});

describe("chat actions and callbacks", () => {
  it("records chat actions and validates the action", async () => {
    await api.sendChatAction(USER, "upload_video");
    expect(fake.chat(USER).chatActions).toEqual(["upload_video"]);
    const bad = await call("sendChatAction", { chat_id: USER, action: "dancing" });
    expect(bad.body.description).toBe("Bad Request: wrong parameter action in request");
  });

  it("answers a delivered callback query once", async () => {
    const sent = await api.sendMessage(USER, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
    const update = fake.ingest(fake.updates.callback("go", { messageId: sent.message_id, chatId: USER }));
    expect(update.callback_query?.message).toMatchObject({ text: "pick" });
    const id = update.callback_query?.id ?? "";
    await expect(api.answerCallbackQuery(id, { text: "On it" })).resolves.toBe(true);
    expect(await refusal(api.answerCallbackQuery(id))).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });
});

describe("faults and blocking", () => {
  it("injects 429 with retry_after in parameters and a Retry-After header", async () => {
    fake.fault("sendMessage", { status: 429, retryAfter: 27 });
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: USER, text: "x" }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("27");
    expect(await response.json()).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 27",
      parameters: { retry_after: 27 },
    });
    // times defaults to 1: the retry goes through.
    await expect(api.sendMessage(USER, "x")).resolves.toBeTruthy();
    expect(fake.chat(USER).messages.filter((m) => m.from_bot)).toHaveLength(1);
  });

  it("lets grammY see the 429 as a GrammyError with retry_after", async () => {
    fake.fault("*", { status: 429, retryAfter: 3, times: 2 });
    const error = await api.sendChatAction(USER, "typing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).parameters.retry_after).toBe(3);
    expect(await refusal(api.getMe())).toBe("Too Many Requests: retry after 3");
    await expect(api.getMe()).resolves.toBeTruthy();
  });

  it("blocks every later send to a chat with 403", async () => {
    fake.blockBy(USER);
    expect(await refusal(api.sendMessage(USER, "hello?"))).toBe("Forbidden: bot was blocked by the user");
    expect(await refusal(api.sendChatAction(USER, "typing"))).toBe("Forbidden: bot was blocked by the user");
    expect(fake.calls.at(-1)?.status).toBe(403);
  });

  it("treats a private my_chat_member 'kicked' as the user blocking the bot", async () => {
    fake.ingest(fake.updates.myChatMember("kicked", USER));
    expect(await refusal(api.sendMessage(USER, "hello?"))).toBe("Forbidden: bot was blocked by the user");
    fake.ingest(fake.updates.myChatMember("member", USER));
    await expect(api.sendMessage(USER, "welcome back")).resolves.toBeTruthy();
  });

  it("treats a group's my_chat_member 'kicked' or 'left' as removing the bot until it is added again", async () => {
    const group = -4_300_000_001;
    for (const gone of ["kicked", "left"] as const) {
      fake.ingest(fake.updates.myChatMember(gone, group));
      expect(await refusal(api.sendMessage(group, "still here?"))).toBe(
        "Forbidden: bot was kicked from the group chat",
      );
      fake.ingest(fake.updates.myChatMember("member", group, { oldStatus: gone }));
      await expect(api.sendMessage(group, "back again")).resolves.toBeTruthy();
    }
  });

  it("delays an answer and resets connections (a send that took effect but whose answer was lost)", async () => {
    fake.fault("sendMessage", { delayMs: 150 });
    const started = Date.now();
    await api.sendMessage(USER, "slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    fake.fault("sendMessage", { reset: true });
    const error = await api.sendMessage(USER, "lost answer").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(fake.chat(USER).messages.at(-1)?.text).toBe("lost answer");
    expect(fake.calls.at(-1)?.status).toBe(0);
  });
});

describe("waitFor", () => {
  it("resolves on a future call and rejects with the calls seen", async () => {
    const waiting = fake.waitFor((c) => c.method === "sendMessage" && c.params.text === "later");
    await api.sendMessage(USER, "earlier");
    await api.sendMessage(USER, "later");
    expect((await waiting).params.text).toBe("later");
    await expect(fake.waitFor((c) => c.method === "sendVideo", { timeoutMs: 50 })).rejects.toThrow(
      /no matching Bot API call within 50 ms[\s\S]*sendMessage -> 200/,
    );
  });
});

describe("commands", () => {
  it("stores commands per scope and language and validates them", async () => {
    await api.setMyCommands([{ command: "start", description: "Start" }]);
    await api.setMyCommands([{ command: "start", description: "Начать" }], { language_code: "ru" });
    await api.setMyCommands([{ command: "video", description: "Make a video" }], {
      scope: { type: "chat", chat_id: USER },
    });
    expect(await api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);
    expect(await api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Начать" }]);
    expect(await api.getMyCommands({ scope: { type: "chat", chat_id: USER } })).toEqual([
      { command: "video", description: "Make a video" },
    ]);
    expect(await api.getMyCommands({ scope: { type: "all_group_chats" } })).toEqual([]);
    expect(await refusal(api.setMyCommands([{ command: "Start", description: "x" }]))).toBe(
      "Bad Request: BOT_COMMAND_INVALID",
    );
    expect(await refusal(api.setMyCommands([{ command: "a".repeat(33), description: "x" }]))).toBe(
      "Bad Request: BOT_COMMAND_INVALID",
    );
    expect(await refusal(api.setMyCommands([{ command: "ok", description: "" }]))).toBe(
      "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    );
    expect(await refusal(api.setMyCommands([{ command: "ok", description: "d".repeat(257) }]))).toBe(
      "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    );
  });
});
