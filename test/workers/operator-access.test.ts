import { describe, expect, it } from "vitest";
import { isAdmin, isAllowed } from "../../src/operator/access";
import { msUntilUtcMidnight, utcDay } from "../../src/operator/quotas";
import { routeOf } from "../../src/operator/update-facts";

const settings = (allowedChats: string[], allowedUsers: string[], admins: string[] = []) => ({
  ALLOWED_CHAT_IDS: allowedChats,
  ALLOWED_USER_IDS: allowedUsers,
  ADMIN_USER_IDS: admins,
});

describe("who may use the bot", () => {
  it.each([
    ["no allowlist: everyone", settings([], []), 5, 5, true],
    ["a listed chat: anyone in it", settings(["-100123"], []), -100123, 9, true],
    ["an unlisted chat, unlisted user", settings(["-100123"], []), -100999, 9, false],
    ["a listed user in any chat", settings([], ["9"]), -100999, 9, true],
    ["an unlisted user", settings([], ["9"]), 8, 8, false],
    ["a message without a user in an unlisted chat", settings([], ["9"]), -100999, undefined, false],
    ["an admin, even when not listed", settings(["1"], ["2"], ["3"]), 3, 3, true],
  ] as const)("%s", (_label, config, chatId, userId, allowed) => {
    expect(isAllowed({ ...config }, chatId, userId)).toBe(allowed);
  });

  it("knows admins by user id only", () => {
    expect(isAdmin({ ADMIN_USER_IDS: ["3"] }, 3)).toBe(true);
    expect(isAdmin({ ADMIN_USER_IDS: ["3"] }, undefined)).toBe(false);
    expect(isAdmin({ ADMIN_USER_IDS: [] }, 3)).toBe(false);
  });
});

describe("route names in logs never carry typed words", () => {
  const message = (fields: Record<string, unknown>) => ({ update_id: 1, message: { chat: { id: 1 }, ...fields } });
  it.each([
    [message({ text: "/start" }), "command:start"],
    [message({ text: "/Stats@nemo_bot now" }), "command:stats"],
    [message({ text: "/mypassword123" }), "command:other"],
    [message({ text: "make a video about my secret" }), "text"],
    [message({ photo: [{}], media_group_id: "1" }), "album:photo"],
    [message({ video: {} }), "video"],
    [{ update_id: 1, callback_query: { data: "x:export" } }, "callback"],
    [{ update_id: 1, my_chat_member: {} }, "my_chat_member"],
    [{ update_id: 1 }, "other"],
  ])("%j → %s", (update, route) => {
    expect(routeOf(update)).toBe(route);
  });
});

describe("the quota day", () => {
  it.each([
    ["2026-05-01T00:00:00.000Z", "2026-05-01", 24 * 3_600_000],
    ["2026-05-01T23:59:59.000Z", "2026-05-01", 1_000],
    ["2026-05-02T12:00:00.000Z", "2026-05-02", 12 * 3_600_000],
  ])("%s is day %s and resets in %d ms", (iso, day, ms) => {
    const at = Date.parse(iso);
    expect(utcDay(at)).toBe(day);
    expect(msUntilUtcMidnight(at)).toBe(ms);
  });
});
