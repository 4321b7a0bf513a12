import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatsSummary } from "../../src/operator/usage";
import { type Stack, startStack } from "../support/stack";

const USER = { id: 7_300_000_001, first_name: "Uma", language_code: "en" };
const ADMIN = { id: 7_300_000_002, first_name: "Op", language_code: "en" };
/** Every agent turn costs this much in the simulator, whatever the message. */
const TURN_COST = 7;

describe("/stats, end to end", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      nemo: {
        silentEditRate: 0,
        temporaryIssueRate: 0,
        costs: { generation: TURN_COST, edit: TURN_COST, text: TURN_COST },
        initialCredits: 100,
      } as never,
      // Render 2 is an explicit export that fails; AUTO_EXPORT would render turn 2's change on its own.
      vars: { ADMIN_USER_IDS: String(ADMIN.id), AUTO_EXPORT: "off" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const botTexts = (chatId: number) =>
    stack.telegram
      .chat(chatId)
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? "");
  const summary = async () => {
    const ns = await stack.mf.getDurableObjectNamespace("STATS");
    return (ns.get(ns.idFromName("stats")) as unknown as { summary(): Promise<StatsSummary> }).summary();
  };

  it("counts the chats, turns, renders, failures and credits the test caused, and only admins may ask", async () => {
    const { telegram, nemo } = stack;
    // Turn 1 and render 1: a captioned photo comes back as a video.
    await telegram.deliver(telegram.updates.photo({ from: USER, caption: "make a 15-second TikTok", size: 60_000 }));
    await telegram.waitFor((call) => call.method === "sendVideo" && call.params.chat_id === USER.id, {
      timeoutMs: 25_000,
    });
    // Turn 2.
    await telegram.deliver(telegram.updates.privateText("make the title bigger", { from: USER }));
    await expect
      .poll(() => botTexts(USER.id).filter((text) => text.startsWith("What next?")).length, {
        timeout: 20_000,
      })
      .toBe(1);
    // Render 2 fails at NemoVideo.
    nemo.failRender(undefined, "encoder crashed");
    await telegram.deliver(telegram.updates.command("export", { from: USER }));
    await expect
      .poll(() => botTexts(USER.id).some((text) => /export failed/i.test(text)), { timeout: 20_000 })
      .toBe(true);

    const turns = nemo.requests.filter((r) => r.endpoint === "run_sse" && r.status === 200).length;
    const renders = nemo.requests.filter((r) => r.endpoint === "render-submit" && r.status === 200).length;
    expect([turns, renders]).toEqual([2, 2]);
    const token = String(nemo.requests.find((r) => r.endpoint === "run_sse")?.headers.authorization).replace(
      "Bearer ",
      "",
    );
    const spent = 100 - (nemo.credits(token)?.total ?? 0);
    expect(spent).toBe(2 * TURN_COST);

    // Usage events travel in the background; wait until they have all landed, then ask as the admin.
    const expected = { chats: 1, turns, renders, failures: 1, credits: spent };
    await expect.poll(async () => (await summary()).day, { timeout: 10_000 }).toEqual(expected);

    await telegram.deliver(telegram.updates.command("stats", { from: ADMIN }));
    await expect.poll(() => botTexts(ADMIN.id).length, { timeout: 10_000 }).toBe(1);
    const report = botTexts(ADMIN.id)[0] ?? "";
    // The admin's own chat is active now too.
    expect(report).toContain("Active chats:  2 · 2");
    expect(report).toContain(`Agent turns:   ${turns} · ${turns}`);
    expect(report).toContain(`Renders:       ${renders} · ${renders}`);
    expect(report).toContain("Failures:      1 · 1");
    expect(report).toContain(`Credits spent: ${spent} · ${spent}`);

    // The same command from a non-admin is just an unknown command.
    await telegram.deliver(telegram.updates.command("stats", { from: USER }));
    await expect
      .poll(() => botTexts(USER.id).at(-1), { timeout: 10_000 })
      .toBe("I don't know that command. /help lists what I can do.");
  });
});
