import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

describe("the first conversation, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("/start sets things up, gets a token and a session, then greets with examples", async () => {
    const { telegram, nemo } = stack;
    const update = telegram.updates.command("start", { from: { language_code: "en" } } as never);
    const delivered = await telegram.deliver(update);
    expect(delivered.status).toBe(200);
    const chatId = update.message?.chat.id ?? 0;
    await telegram.waitFor(
      (call) => call.method === "editMessageText" && String(call.params.text).includes("Try saying"),
    );
    const messages = telegram.chat(chatId).messages.filter((message) => message.from_bot);
    expect(messages.at(-1)?.text).toContain("Try saying");
    const tokenCall = nemo.requests.find((request) => request.endpoint === "anonymous-token");
    expect(tokenCall?.headers["x-client-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const session = nemo.requests.find((request) => request.endpoint === "create-session");
    expect(session?.bodySummary).toMatchObject({ language: "en" });
    for (const message of messages) {
      expect(message.text ?? "").not.toMatch(/nmv_usr_|session_id|\{"/);
    }
  });
});
