import { Api, type RawApi } from "grammy/web";
import { describe, expect, it } from "vitest";
import { createLatestMessage } from "../../src/chat/outgoing";

type Reply = { ok: true; result: unknown } | { ok: false; error_code: number; description: string };

/** A Bot API client whose calls are answered by `answer` instead of Telegram; every call is recorded. */
function fakeApi(answer: (method: string, payload: Record<string, unknown>) => Reply | Promise<Reply>) {
  const api = new Api<RawApi>("123:test");
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  api.config.use(async (_previous, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    return (await answer(method, payload as Record<string, unknown>)) as never;
  });
  return { api, calls };
}

const notModified: Reply = { ok: false, error_code: 400, description: "Bad Request: message is not modified" };
const cantEdit: Reply = { ok: false, error_code: 400, description: "Bad Request: message can't be edited" };
const notFound: Reply = { ok: false, error_code: 400, description: "Bad Request: message to edit not found" };

describe("the chat's latest message id, and the look for an answer whose reply was lost", () => {
  it("notes the ids the chat's posts get and the ids updates carry, never another chat's", async () => {
    let next = 10;
    const { api } = fakeApi(() => ({ ok: true, result: { message_id: next++ } }));
    const latest = createLatestMessage(api, 42);
    expect(latest.get()).toBeUndefined();
    await api.sendMessage(42, "hi");
    expect(latest.get()).toBe(10);
    await api.sendMessage(7, "someone else's private chat");
    expect(latest.get()).toBe(10);
    latest.noteUpdate({ update_id: 1, message: { message_id: 15 } });
    latest.noteUpdate({ update_id: 2, callback_query: { message: { message_id: 12 } } });
    expect(latest.get()).toBe(15);
    latest.noteUpdate({ update_id: 3, message: { message_id: "16" } });
    expect(latest.get()).toBe(15);
  });

  it("finds the answer past the person's own message, by an edit that changes nothing", async () => {
    const { api, calls } = fakeApi((method, payload) =>
      method !== "editMessageText" ? { ok: true, result: true } : payload.message_id === 6 ? cantEdit : notModified,
    );
    const latest = createLatestMessage(api, 42);
    latest.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    const buttons = { inline_keyboard: [[{ text: "Export", callback_data: "x:export" }]] };
    expect(await latest.findLanded("<b>Credits</b>", { reply_markup: buttons })).toBe(7);
    expect(calls.map((call) => call.payload.message_id)).toEqual([6, 7]);
    expect(calls[1]?.payload).toMatchObject({ text: "<b>Credits</b>", parse_mode: "HTML", reply_markup: buttons });
  });

  it("ends the look at the first id with nothing there, and after a few ids", async () => {
    const { api, calls } = fakeApi((_method, payload) => (payload.message_id === 6 ? cantEdit : notFound));
    const latest = createLatestMessage(api, 42);
    latest.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    expect(await latest.findLanded("hi", {})).toBeUndefined();
    expect(calls.map((call) => call.payload.message_id)).toEqual([6, 7]);

    const always = fakeApi(() => cantEdit);
    const busy = createLatestMessage(always.api, 42);
    busy.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    expect(await busy.findLanded("hi", {})).toBeUndefined();
    expect(always.calls).toHaveLength(3);
  });

  it("never edits where it could touch another message: in a group, or while another post is under way", async () => {
    const group = fakeApi(() => notModified);
    const inGroup = createLatestMessage(group.api, -100);
    inGroup.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    expect(await inGroup.findLanded("hi", {})).toBeUndefined();
    expect(group.calls).toEqual([]);

    let release: (reply: Reply) => void = () => {};
    const slow = fakeApi((method) =>
      method === "sendPhoto" ? new Promise<Reply>((resolve) => (release = resolve)) : notModified,
    );
    const latest = createLatestMessage(slow.api, 42);
    latest.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    const posting = slow.api.sendPhoto(42, "https://example.com/a.jpg");
    expect(await latest.findLanded("hi", {})).toBeUndefined();
    expect(slow.calls.map((call) => call.method)).toEqual(["sendPhoto"]);
    release({ ok: true, result: { message_id: 6 } });
    await posting;
    expect(await latest.findLanded("hi", {})).toBe(7);
  });

  it("an edit that changes something is no proof: the look ends without an id", async () => {
    const { api } = fakeApi(() => ({ ok: true, result: { message_id: 6 } }));
    const latest = createLatestMessage(api, 42);
    latest.noteUpdate({ update_id: 1, message: { message_id: 5 } });
    expect(await latest.findLanded("hi", {})).toBeUndefined();
  });
});
