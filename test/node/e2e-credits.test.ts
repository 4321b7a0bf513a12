import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChat, textOf, until } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

const WEB_URL = "https://web.nemo.example";

/** The credits answer (issue 14, point 5): plain words, costs from one place, a warning before it is too late. */
describe("credits that add up", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ vars: { NEMO_WEB_URL: WEB_URL } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("says what is available and on hold, quotes the costs, and warns when a generation is out of reach", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    const ask = async (text: string) => {
      const since = Date.now();
      await chat.say(text);
      return stack.telegram.waitFor(
        (call) => call.params.chat_id === chat.chatId && call.at >= since && /Credits/.test(textOf(call)),
        { timeoutMs: 10_000 },
      );
    };

    const plenty = textOf(await ask("/credits"));
    expect(plenty).toContain("10,000 available to spend");
    expect(plenty).toContain("A video generation costs about 100 credits, an edit about 50; exporting is free.");
    expect(plenty).not.toMatch(/in total|on hold|not enough/);

    // Below one generation but enough for an edit: said before the user tries, with the way to get more.
    nemo.setCredits(chat.token(), 60);
    const low = textOf(await ask("/credits"));
    expect(low).toContain("60 available to spend");
    expect(low).toContain("not enough for another video generation");
    expect(low).toMatch(new RegExp(`href="${WEB_URL.replace(/\./g, "\\.")}/register\\?bind=anon_\\w+"`));
    expect(low).toContain("Edits still work.");
    expect(low).not.toMatch(/in total/);

    nemo.setCredits(chat.token(), 10);
    const empty = textOf(await ask("/credits"));
    expect(empty).toContain("not enough for another video generation");
    expect(empty).not.toContain("Edits still work.");
  });

  it("counts credits held by a running turn as on hold, not as part of a total", async () => {
    const { nemo } = stack;
    const chat = await openChat(stack);
    nemo.scriptTurn({
      sessionId: chat.sessionId,
      events: [{ delayMs: 300_000, event: { type: "text", content: "Done." } }],
      creditsCost: 50,
    });
    await chat.say("make the title bigger");
    await until(() => nemo.credits(chat.token())?.frozen === 50, 10_000, "the turn to hold its credits");
    const since = Date.now();
    await chat.say("/credits");
    const answer = await stack.telegram.waitFor(
      (call) => call.params.chat_id === chat.chatId && call.at >= since && /Credits/.test(textOf(call)),
      { timeoutMs: 10_000 },
    );
    expect(textOf(answer)).toContain("9,950 available to spend");
    expect(textOf(answer)).toContain("50 more are on hold for a job that is still running");
    await chat.waitForText(/Done\./);
  });
});
