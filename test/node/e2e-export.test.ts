import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftWith, type ExportChat, exportableChat, statusPolls, textOf } from "../support/export-chat";
import { type Stack, startStack } from "../support/stack";

const WEB_URL = "https://web.nemo.example";
/** Renders take 2 s here (200 s simulated at 1/100), polled at most every 300 ms. */
const RENDER_MS = 2_000;

describe("export: from the request to the MP4 in the chat", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      // More than ten chats from one address: the per-address token cap (tested in e2e-accounts-cap) is raised.
      nemo: { renderDurationMs: RENDER_MS * 100, silentEditRate: 0, temporaryIssueRate: 0, tokenIpCap: 100 },
      // These tests are about the explicit export; AUTO_EXPORT is proven in e2e-render-auto.test.ts.
      vars: { NEMO_WEB_URL: WEB_URL, AUTO_EXPORT: "off" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const videoOf = (chat: ExportChat) => chat.waitFor((call) => call.method === "sendVideo" && call.status === 200);

  it("'export' renders the draft and delivers the simulator's exact MP4, captioned and linked", async () => {
    const { nemo, telegram } = stack;
    const chat = await exportableChat(stack, { title: "Summer Trip" });
    await chat.say("export");
    const video = await videoOf(chat);
    // What the person sees the moment the video lands: the video, and no progress message left over.
    const atDelivery = telegram.chat(chat.chatId).messages.filter((message) => message.from_bot);
    expect(atDelivery.filter((message) => /Rendering/.test(message.text ?? ""))).toEqual([]);
    expect(atDelivery.at(-1)?.video?.sha256).toBe((video.params.video as { sha256: string }).sha256);

    // The submit: our id, the session, the draft as the state holds it, mp4/high, and every header.
    const submits = nemo.requests.filter(
      (request) =>
        request.endpoint === "render-submit" &&
        (request.bodySummary as { sessionId?: string }).sessionId === chat.sessionId,
    );
    expect(submits).toHaveLength(1);
    const submit = submits[0];
    expect(submit?.bodySummary).toEqual({
      id: expect.stringMatching(/^render_[\w-]{8,}$/),
      sessionId: chat.sessionId,
      // Exactly the draft the state endpoint sent, drifted field types and all (no schema round-trip).
      draft: nemo.stateDraft(chat.sessionId),
      output: { format: "mp4", quality: "high" },
    });
    expect(submit?.headers.authorization).toMatch(/^Bearer nmv_usr_/);
    expect(submit?.headers["x-skill-source"]).toBe("tiktok-video-generator-ai");
    expect(submit?.headers["x-skill-version"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(submit?.headers["x-skill-platform"]).toBe("unknown");

    // The bytes Telegram received are the render's bytes.
    const renderId = String((submit?.bodySummary as { id?: string } | undefined)?.id);
    const file = video.params.video as { sha256: string; size: number };
    expect(file.sha256).toBe(nemo.renderSha256(renderId));
    expect(file.size).toBe(nemo.renders.get(renderId)?.size);
    expect(video.params.supports_streaming).toBe(true);
    expect(video.params).toMatchObject({ width: 1080, height: 1920, duration: 6 });
    // The caption names the video by its title track, not by the project's task name.
    expect(String(video.params.caption)).toContain("Summer Trip");
    expect(String(video.params.caption)).not.toMatch(/\bproject\b/);

    // "Open in NemoVideo" is a claim link on the web app; the user token never goes into a URL.
    const button = (video.params.reply_markup as { inline_keyboard: { url?: string }[][] }).inline_keyboard[0]?.[0];
    expect(button?.url).toMatch(new RegExp(`^${WEB_URL.replace(/\./g, "\\.")}/workspace/claim\\?ct=clm_`));
    expect(JSON.stringify(telegram.calls.filter((call) => call.params.chat_id === chat.chatId))).not.toContain(
      "nmv_usr_",
    );

    // One status message, edited with the progress, deleted before the video was sent.
    const status = chat.calls("sendMessage").find((call) => /Rendering… [▓░]{10} \d+%/.test(textOf(call)));
    const statusId = (status?.response as { result?: { message_id: number } } | undefined)?.result?.message_id;
    const edits = chat
      .calls("editMessageText")
      .filter((call) => call.params.message_id === statusId)
      .map(textOf);
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) expect(edit).toMatch(/^⏳ Rendering… [▓░]{10} \d+%( · about \d+ (s|min) left)?$/);
    const shown = edits.map((edit) => Number(/(\d+)%/.exec(edit)?.[1]));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    const deleted = chat.calls("deleteMessage").find((call) => call.params.message_id === statusId);
    expect(deleted?.at).toBeLessThanOrEqual(video.at);
    const seen = telegram.chat(chat.chatId).messages.filter((message) => message.from_bot);
    expect(seen.filter((message) => /Rendering/.test(message.text ?? ""))).toEqual([]);
    expect(seen.filter((message) => message.video)).toHaveLength(1);
  });

  it.each([
    ["导出", "zh"],
    ["/export", "en"],
    ["the Export button", "en"],
  ])("%s starts an export too", async (trigger, languageCode) => {
    const { telegram } = stack;
    const chat = await exportableChat(stack, { title: "Golden Hour", languageCode });
    if (trigger === "the Export button") {
      await telegram.deliver(
        telegram.updates.callback("x:export", {
          messageId: chat.exportButtonMessageId,
          chatId: chat.chatId,
          from: chat.from,
        }),
      );
    } else if (trigger === "/export") {
      await telegram.deliver(telegram.updates.command("export", { from: chat.from }));
    } else {
      await chat.say(trigger);
    }
    const video = await videoOf(chat);
    expect(String(video.params.caption)).toContain("Golden Hour");
    if (languageCode === "zh") {
      expect(
        chat
          .calls("sendMessage")
          .some((call) => /^⏳ 正在渲染… [▓░]{10} \d+%( · 约剩 \d+ (秒|分钟))?$/.test(textOf(call))),
      ).toBe(true);
    }
    expect(chat.renderIds()).toHaveLength(1);
  });

  it("with nothing to export it says what is missing and submits nothing", async () => {
    const { telegram, nemo } = stack;
    const submitsBefore = nemo.requests.filter((request) => request.endpoint === "render-submit").length;
    const from = { id: 7_690_000_001, language_code: "en" };
    await telegram.deliver(telegram.updates.privateText("export", { from }));
    const answer = await telegram.waitFor((call) => call.params.chat_id === from.id && call.method === "sendMessage");
    expect(textOf(answer)).toMatch(/nothing to export yet.*send photos or clips/i);
    expect(nemo.requests.filter((request) => request.endpoint === "render-submit")).toHaveLength(submitsBefore);
  });

  it("402 on an anonymous token says export needs an account, links registration and the project, and does not retry", async () => {
    const { nemo } = stack;
    const chat = await exportableChat(stack);
    nemo.fault("render-submit", { status: 402, message: "export blocked for this plan" });
    await chat.say("export");
    const answer = await chat.waitFor(
      (call) => call.method === "sendMessage" && /free anonymous NemoVideo account/i.test(textOf(call)),
    );
    // Issue 14.4: an anonymous account's way forward is the browser (claim link) or registering.
    expect(JSON.stringify(answer.params.reply_markup)).toMatch(/\/workspace\/claim\?ct=clm_/);
    expect(textOf(answer)).toContain(`href="${WEB_URL}/register?bind=`);
    expect(textOf(answer)).not.toMatch(/out of credits/i);
    const submits = nemo.requests.filter((request) => request.endpoint === "render-submit" && request.status === 402);
    expect(submits).toHaveLength(1);
    expect(chat.calls("sendMessage").some((call) => /Rendering/.test(textOf(call)))).toBe(false);
  });

  it("a failed submit is retried once with a new id", async () => {
    const { nemo } = stack;
    const chat = await exportableChat(stack);
    nemo.fault("render-submit", { status: 500, message: "render farm hiccup" });
    await chat.say("export");
    await videoOf(chat);
    const submits = nemo.requests.filter((request) => request.endpoint === "render-submit").slice(-2);
    expect(submits.map((request) => request.status)).toEqual([500, 200]);
    // The simulator answers a faulted call before reading its body, so only the second id is visible here;
    // that it is a fresh one is shown in test/workers/render-flow.test.ts.
    expect((submits[1]?.bodySummary as { id?: string } | undefined)?.id).toMatch(/^render_/);
    expect(chat.renderIds()).toHaveLength(1);
  });

  it("a render that fails shows the reason and a Retry button; Retry renders again", async () => {
    const { nemo, telegram } = stack;
    const chat = await exportableChat(stack, { title: "Retry Me" });
    nemo.failRender(undefined, "GPU node lost");
    await chat.say("export");
    const failed = await chat.waitFor((call) => call.method === "sendMessage" && /export failed/i.test(textOf(call)));
    expect(textOf(failed)).toContain("GPU node lost");
    const markup = JSON.stringify(failed.params.reply_markup);
    expect(markup).toContain("x:render:retry");
    // The progress message does not linger next to the failure.
    const seen = telegram.chat(chat.chatId).messages.filter((message) => message.from_bot);
    expect(seen.filter((message) => /Rendering/.test(message.text ?? ""))).toEqual([]);

    const failedId = (failed.response as { result: { message_id: number } }).result.message_id;
    await telegram.deliver(
      telegram.updates.callback("x:render:retry", { messageId: failedId, chatId: chat.chatId, from: chat.from }),
    );
    const video = await videoOf(chat);
    const ids = chat.renderIds();
    expect(ids).toHaveLength(2);
    expect((video.params.video as { sha256: string }).sha256).toBe(nemo.renderSha256(ids[1] ?? ""));
    expect(String(video.params.caption)).toContain("Retry Me");
  });

  it("reads the flat (R2) status shape as well", async () => {
    const { nemo } = stack;
    nemo.setRenderShape("r2");
    try {
      const chat = await exportableChat(stack);
      await chat.say("export");
      const video = await videoOf(chat);
      const renderId = chat.renderIds()[0] ?? "";
      expect((video.params.video as { sha256: string }).sha256).toBe(nemo.renderSha256(renderId));
      expect(statusPolls(stack, renderId).every((request) => request.status === 200)).toBe(true);
      // R2 reports the length itself.
      expect(video.params.duration).toBe(6);
    } finally {
      nemo.setRenderShape("r1");
    }
  });

  it("export twice in a row renders once; export after a change renders again: two videos, each once", async () => {
    const { nemo, telegram } = stack;
    const chat = await exportableChat(stack, { title: "First Cut" });
    await chat.say("export");
    await chat.waitFor((call) => call.method === "sendMessage" && /Rendering… [▓░]{10} \d+%/.test(textOf(call)));
    await chat.say("export");
    await chat.waitFor((call) => call.method === "sendMessage" && /already rendering/.test(textOf(call)));
    await videoOf(chat);

    await chat.edit(draftWith("Second Cut"));
    await chat.say("export");
    await chat.waitFor((call) => call.method === "sendVideo" && String(call.params.caption).includes("Second Cut"));
    // A few more poll intervals: nothing is delivered twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ids = chat.renderIds();
    expect(ids).toHaveLength(2);
    const videos = chat.calls("sendVideo").filter((call) => call.status === 200);
    expect(videos.map((call) => (call.params.video as { sha256: string }).sha256)).toEqual(
      ids.map((id) => nemo.renderSha256(id)),
    );
    expect(telegram.chat(chat.chatId).messages.filter((message) => message.video)).toHaveLength(2);
  });

  it("/cancel stops waiting for the render and cancels it at NemoVideo", async () => {
    const { nemo, telegram } = stack;
    const chat = await exportableChat(stack);
    await chat.say("export");
    await chat.waitFor((call) => call.method === "sendMessage" && /Rendering… [▓░]{10} \d+%/.test(textOf(call)));
    await telegram.deliver(telegram.updates.command("cancel", { from: chat.from }));
    await chat.waitFor((call) => call.method === "sendMessage" && /Cancelled/.test(textOf(call)));
    const renderId = chat.renderIds()[0] ?? "";
    const cancels = nemo.requests.filter((request) => request.endpoint === "render-cancel");
    expect(cancels.some((request) => request.path.includes(renderId) && request.status === 200)).toBe(true);
    const pollsAtCancel = statusPolls(stack, renderId).length;
    // Past the render's end and several poll intervals: no more polls, no video, no progress message.
    await new Promise((resolve) => setTimeout(resolve, RENDER_MS + 600));
    expect(statusPolls(stack, renderId)).toHaveLength(pollsAtCancel);
    expect(chat.calls("sendVideo")).toEqual([]);
    const seen = telegram.chat(chat.chatId).messages.filter((message) => message.from_bot);
    expect(seen.filter((message) => /Rendering/.test(message.text ?? ""))).toEqual([]);
  });
});
