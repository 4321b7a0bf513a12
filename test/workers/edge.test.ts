import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const SECRET = "test-webhook-secret-0123456789abcdef";

function postUpdate(body: string, headers: Record<string, string> = { "X-Telegram-Bot-Api-Secret-Token": SECRET }) {
  return SELF.fetch("https://bot.example/telegram/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("the edge", () => {
  it("reports health as JSON with the version", async () => {
    const response = await SELF.fetch("https://bot.example/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, configValid: true, version: expect.any(String) });
  });

  it.each([
    ["missing", {}],
    ["wrong", { "X-Telegram-Bot-Api-Secret-Token": "nope" }],
    ["a prefix of the real one", { "X-Telegram-Bot-Api-Secret-Token": SECRET.slice(0, 5) }],
  ])("refuses an update whose secret header is %s", async (_label, headers) => {
    const response = await postUpdate(JSON.stringify({ update_id: 1 }), headers);
    expect(response.status).toBe(401);
  });

  it.each([
    ["malformed JSON", "{ not json"],
    ["a JSON array", "[1,2,3]"],
    ["a JSON string", '"hello"'],
    ["an object without update_id", "{}"],
  ])("answers %s with a 4xx, never a 500", async (_label, body) => {
    const response = await postUpdate(body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const response = await postUpdate(JSON.stringify({ update_id: 1, pad: "x".repeat(1024 * 1024 + 10) }));
    expect(response.status).toBe(413);
  });

  it("acknowledges an update that names no chat", async () => {
    const response = await postUpdate(JSON.stringify({ update_id: 5, inline_query: { id: "1", query: "x" } }));
    expect(response.status).toBe(200);
  });
});
