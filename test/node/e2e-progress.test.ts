import type { Message, Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf, openChat, textOf, until } from "../support/e2e-chat";
import { exportableChat } from "../support/export-chat";
import { FAST_WAITS, type Stack, startStack } from "../support/stack";

/**
 * Issue 18, through the real Worker against both fakes: the 👀 → 👌/😢 reaction on the user's message,
 * live drafts in private chats, the Stop button (private, group starter, other member, admin) and a
 * burst of ten group members that stays inside Telegram's per-group limit without a single 429.
 */
describe("progress people can see", () => {
  let stack: Stack;
  let nextGroup = -4_180_000_001;
  let nextUser = 7_180_000_001;
  const newGroup = () => nextGroup--;
  const member = (name: string) => ({ id: nextUser++, first_name: name, language_code: "en" });

  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callsIn = (chatId: number, method?: string): RecordedCall[] =>
    stack.telegram.calls.filter(
      (call) => Number(call.params.chat_id) === chatId && (!method || call.method === method),
    );
  const reactionsOn = (chatId: number, messageId: number) =>
    callsIn(chatId, "setMessageReaction")
      .filter((call) => Number(call.params.message_id) === messageId)
      .map((call) => (call.params.reaction as { emoji: string }[])[0]?.emoji);
  const sent = (call: RecordedCall) => (call.response as { ok: true; result: Message }).result;
  const adk = (text: string, partial = false) => ({
    author: "nemo_agent",
    ...(partial ? { partial: true } : {}),
    content: { role: "model", parts: [{ text }] },
  });
  const waitForSent = (chatId: number, pattern: RegExp, timeoutMs = 15_000) =>
    stack.telegram.waitFor(
      (call) =>
        Number(call.params.chat_id) === chatId &&
        call.status === 200 &&
        call.method === "sendMessage" &&
        pattern.test(textOf(call)),
      { timeoutMs },
    );

  it("puts 👀 on an instruction before NemoVideo hears of it, then 👌 once answered", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const update = telegram.updates.privateText("make the title bigger", { from: { id: chat.chatId } });
    const messageId = (update.message as Message).message_id;
    await telegram.deliver(update);
    await chat.waitForText(/What next\?/, { timeoutMs: 15_000 });
    await until(() => reactionsOn(chat.chatId, messageId).includes("👌"), 5_000, "the 👌 reaction");
    expect(reactionsOn(chat.chatId, messageId)).toEqual(["👀", "👌"]);
    const seen = callsIn(chat.chatId, "setMessageReaction")[0] as RecordedCall;
    const run = nemo.requests.find((request) => request.endpoint === "run_sse" && request.at >= seen.at - 5_000);
    expect(run, "the instruction reached the agent").toBeDefined();
    expect(seen.at).toBeLessThanOrEqual(run?.at ?? 0);
    // The person sees the final reaction on their own message.
    expect(telegram.chat(chat.chatId).messages.find((m) => m.message_id === messageId)?.reaction).toBe("👌");
  });

  it("an album gets one 👀 before any upload, and 👌 once its instruction was answered", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const album = telegram.updates.album(3, { from: { id: chat.chatId }, caption: "a quick tiktok", captionOn: 0 });
    await telegram.deliverAlbum(album);
    await until(
      () =>
        callsIn(chat.chatId, "setMessageReaction").some(
          (c) => (c.params.reaction as { emoji: string }[])[0]?.emoji === "👌",
        ),
      30_000,
      "the 👌 reaction on the album",
    );
    const reactions = callsIn(chat.chatId, "setMessageReaction");
    const seen = reactions.filter((c) => (c.params.reaction as { emoji: string }[])[0]?.emoji === "👀");
    expect(seen).toHaveLength(1);
    const firstUpload = nemo.requests.find((r) => r.endpoint === "upload" && r.path.includes(chat.sessionId));
    expect(firstUpload).toBeDefined();
    expect(seen[0]?.at).toBeLessThanOrEqual(firstUpload?.at ?? 0);
    // The final reaction lands on the same message as the first.
    expect(reactions.at(-1)?.params.message_id).toBe(seen[0]?.params.message_id);
  }, 40_000);

  it("swaps 👀 for 😢 when the instruction failed", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    nemo.fault("run_sse", { status: 400, times: 1 });
    const update = telegram.updates.privateText("add captions", { from: { id: chat.chatId } });
    const messageId = (update.message as Message).message_id;
    await telegram.deliver(update);
    await until(() => reactionsOn(chat.chatId, messageId).includes("😢"), 15_000, "the 😢 reaction");
    expect(reactionsOn(chat.chatId, messageId)).toEqual(["👀", "😢"]);
    expect(callsIn(chat.chatId, "setMessageReaction").map((call) => call.status)).toEqual([200, 200]);
    expect(chat.botTexts().some((text) => /went wrong|try again/i.test(text))).toBe(true);
  });

  it("a group that refuses reactions is asked once, and everything else goes on as before", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const ann = member("Ann");
    telegram.refuseReactions(chatId);
    await telegram.deliver(telegram.updates.groupText("add music", { chatId, from: ann, mentionBot: true }));
    await waitForSent(chatId, /What next\?/);
    await telegram.deliver(telegram.updates.groupText("add a title", { chatId, from: ann, mentionBot: true }));
    await until(() => callsIn(chatId, "sendMessage").filter((c) => /What next\?/.test(textOf(c))).length === 2, 15_000);
    const reactions = callsIn(chatId, "setMessageReaction");
    expect(reactions).toHaveLength(1);
    expect(reactions[0]?.status).toBe(400);
    // Both instructions were answered, each quoting the request it answers.
    expect(callsIn(chatId).filter((call) => call.status !== 200 && call.method !== "setMessageReaction")).toEqual([]);
  });

  it("shows a live draft in a private chat: the stage, the time, the answer as it grows, kept alive", async () => {
    const { telegram, nemo } = stack;
    const chat = await openChat(stack);
    const answer = "Here is your plan: a bright opening, three quick cuts, and a calm ending with your title.";
    const words = answer.split(" ");
    const fragments = [words.slice(0, 5), words.slice(5, 10), words.slice(10)].map((part, index, all) =>
      index < all.length - 1 ? `${part.join(" ")} ` : part.join(" "),
    );
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [
        { delayMs: 30_000, event: { type: "heartbeat" } },
        { event: adk(fragments[0] as string, true) },
        { delayMs: 60_000, event: adk(fragments[1] as string, true) },
        // 2.5 s of heartbeats only: longer than DRAFT_REFRESH_MS, so the draft must be sent again.
        ...[1, 2, 3, 4, 5].map(() => ({ delayMs: 50_000, event: { type: "heartbeat" } })),
        { delayMs: 30_000, event: adk(fragments[2] as string, true) },
        { delayMs: 60_000, event: adk(answer) },
      ],
    });
    await chat.say("plan my video");
    await chat.waitForText(/Here is your plan/, { method: "sendMessage", timeoutMs: 20_000 });
    const answerAt = (chat.calls("sendMessage").find((c) => /Here is your plan/.test(textOf(c))) as RecordedCall).at;
    const drafts = chat.calls("sendMessageDraft").filter((call) => call.at <= answerAt);
    expect(drafts.length).toBeGreaterThanOrEqual(4);
    expect(drafts.every((call) => call.status === 200)).toBe(true);
    // One draft id for the turn, so Telegram animates the change.
    expect(new Set(drafts.map((call) => call.params.draft_id)).size).toBe(1);
    const texts = drafts.map(textOf);
    expect(texts[0]).toMatch(/^🤖 Working on it… · \d+ s/);
    // The partial text grows: each stage of it is seen, the longer ones later.
    const firstWith = (part: string) => texts.findIndex((text) => text.includes(part.trim()));
    const grown = [fragments[0], `${fragments[0]}${fragments[1]}`, answer].map((part) => firstWith(part as string));
    expect(grown.every((index) => index >= 0)).toBe(true);
    expect(grown).toEqual([...grown].sort((a, b) => a - b));
    // Refreshed within the expiry (here DRAFT_REFRESH_MS) and never more often than DRAFT_MIN_INTERVAL_MS.
    const gaps = drafts.slice(1).map((call, index) => call.at - (drafts[index] as RecordedCall).at);
    const refresh = Number(FAST_WAITS.DRAFT_REFRESH_MS);
    expect(Math.max(...gaps)).toBeLessThan(refresh + 600);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Number(FAST_WAITS.DRAFT_MIN_INTERVAL_MS) - 20);
    // The draft is finished by the real message, shown once.
    expect(chat.botTexts().filter((text) => text.includes("Here is your plan"))).toHaveLength(1);
    expect(telegram.chat(chat.chatId).draft).toBeUndefined();
  });

  it("never sends a draft in a group: the one status message is edited instead", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    await telegram.deliver(
      telegram.updates.groupText("make it pop", { chatId, from: member("Dee"), mentionBot: true }),
    );
    await waitForSent(chatId, /What next\?/);
    expect(callsIn(chatId, "sendMessageDraft")).toEqual([]);
  });

  /** A long scripted turn: heartbeats for `seconds` real seconds, then a text. */
  const longTurn = (sessionId: string | undefined, seconds: number) =>
    stack.nemo.scriptTurn({
      ...(sessionId ? { sessionId } : {}),
      events: [
        ...Array.from({ length: seconds * 2 }, () => ({ delayMs: 50_000, event: { type: "heartbeat" } })),
        { event: { type: "text", content: "Finished the long job." } },
      ],
    });
  const stopButtonOf = (call: RecordedCall) => buttonsOf(call).find((button) => /Stop/.test(button.text));

  it("Stop in a private chat does what /cancel does, answers the press and removes the button", async () => {
    const { telegram } = stack;
    const chat = await openChat(stack);
    longTurn(chat.sessionId, 30);
    await chat.say("render something long");
    const status = await chat.waitForText(/Working on it/, { method: "sendMessage" });
    await until(() => chat.runs().length > 0, 10_000, "the turn streaming");
    const stop = stopButtonOf(status);
    expect(stop?.callback_data).toBeDefined();
    const press = telegram.updates.callback(stop?.callback_data as string, {
      chatId: chat.chatId,
      messageId: sent(status).message_id,
      from: { id: chat.chatId },
    });
    await telegram.deliver(press);
    const answer = await telegram.waitFor(
      (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === press.callback_query?.id,
    );
    expect(answer.params.text).toBe("Stopped");
    await chat.waitForText(/Cancelled/);
    // The status (and its button) is gone, and the long job never answers.
    await until(
      () => !telegram.chat(chat.chatId).messages.some((m) => m.message_id === sent(status).message_id),
      5_000,
      `status removed; calls: ${JSON.stringify(chat.calls().map((c) => [c.method, c.status, textOf(c).slice(0, 30)]))}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.botTexts().some((text) => text.includes("Finished the long job"))).toBe(false);
  });

  it("Stop in a group: another member is refused, the starter's admin may stop it", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const starter = member("Sam");
    const other = member("Oli");
    const admin = member("Ada");
    telegram.setChatAdmins(chatId, [admin.id]);
    longTurn(undefined, 30);
    const runsBefore = stack.nemo.requests.filter((r) => r.endpoint === "run_sse").length;
    await telegram.deliver(telegram.updates.groupText("a long one", { chatId, from: starter, mentionBot: true }));
    const status = await waitForSent(chatId, /Working on it/);
    // Stopped while streaming (the scripted turn is taken by this chat, not left for a later test).
    await until(() => stack.nemo.requests.filter((r) => r.endpoint === "run_sse").length > runsBefore);
    const data = stopButtonOf(status)?.callback_data as string;
    const pressBy = async (from: typeof starter) => {
      const press: Update = telegram.updates.callback(data, { chatId, messageId: sent(status).message_id, from });
      await telegram.deliver(press);
      return telegram.waitFor(
        (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === press.callback_query?.id,
      );
    };
    const refused = await pressBy(other);
    expect(refused.params.text).toMatch(/Only the person who asked/);
    expect(callsIn(chatId, "sendMessage").some((call) => /Cancelled/.test(textOf(call)))).toBe(false);
    const stopped = await pressBy(admin);
    expect(stopped.params.text).toBe("Stopped");
    await waitForSent(chatId, /Cancelled/);
  });

  it("Stop on a running render does what /cancel does: the render is cancelled at NemoVideo", async () => {
    const { telegram, nemo } = stack;
    const chat = await exportableChat(stack);
    await chat.say("export");
    const progress = await chat.waitFor((call) => call.method === "sendMessage" && /Rendering/.test(textOf(call)));
    // The render's progress message is the renders' own; its Stop button carries the same callback data.
    const press = telegram.updates.callback(`x:stop:${chat.userId}`, {
      chatId: chat.chatId,
      messageId: sent(progress).message_id,
      from: chat.from,
    });
    await telegram.deliver(press);
    const answer = await telegram.waitFor(
      (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === press.callback_query?.id,
    );
    expect(answer.params.text).toBe("Stopped");
    const renderId = chat.renderIds()[0] ?? "";
    await until(() =>
      nemo.requests.some((r) => r.endpoint === "render-cancel" && r.path.includes(renderId) && r.status === 200),
    );
    expect(chat.calls("sendVideo")).toEqual([]);
  });

  it("a burst of ten members in a group: no 429, within the per-group limit, one merged queue notice", async () => {
    const { telegram } = stack;
    const chatId = newGroup();
    const members = Array.from({ length: 10 }, (_, index) => member(`M${index}`));
    await Promise.all(
      members.map((from, index) =>
        telegram.deliver(telegram.updates.groupText(`idea number ${index}`, { chatId, from, mentionBot: true })),
      ),
    );
    // One runs, five wait (QUEUE_LIMIT), four are told the queue is full: six answers in all.
    await until(
      () =>
        callsIn(chatId, "sendMessage").filter((c) => c.status === 200 && /What next\?/.test(textOf(c))).length === 6,
      60_000,
      "six answered turns",
    ).catch((error) => {
      const t0 = callsIn(chatId)[0]?.at ?? 0;
      console.log(
        callsIn(chatId)
          .map((c) => `${c.at - t0} ${c.method} ${c.status} ${textOf(c).slice(0, 40)}`)
          .join("\n"),
      );
      throw error;
    });
    const calls = callsIn(chatId);
    expect(calls.filter((call) => call.status === 429)).toEqual([]);
    const counted = calls.filter((call) => /^(send|edit)/.test(call.method) && call.method !== "sendChatAction");
    const windowMs = Number(FAST_WAITS.GROUP_RATE_WINDOW_MS);
    for (const call of counted) {
      const inWindow = counted.filter((other) => other.at >= call.at && other.at < call.at + windowMs);
      expect(inWindow.length).toBeLessThanOrEqual(20);
    }
    // The queue answers are one message, edited: not one "queued" message per member.
    const queuedSends = callsIn(chatId, "sendMessage").filter((call) => /queued/.test(textOf(call)));
    expect(queuedSends).toHaveLength(1);
    // Status edits of one status message are at least GROUP_STATUS_EDIT_MS apart.
    const edits = callsIn(chatId, "editMessageText");
    for (const id of new Set(edits.map((call) => call.params.message_id))) {
      const times = edits.filter((call) => call.params.message_id === id).map((call) => call.at);
      for (let i = 1; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
          Number(FAST_WAITS.GROUP_STATUS_EDIT_MS) - 20,
        );
      }
    }
  }, 90_000);
});
