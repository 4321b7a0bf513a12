import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";

describe("photos in, video out", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } as never });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a photo with a caption is uploaded, the caption goes to the agent and the MP4 comes back", async () => {
    const { telegram, nemo } = stack;
    const update = telegram.updates.photo({
      caption: "turn my photos into a 30-second TikTok with trending music and captions",
      size: 150_000,
    });
    const chatId = update.message?.chat.id ?? 0;
    await telegram.deliver(update);
    const video = await telegram.waitFor((call) => call.method === "sendVideo", { timeoutMs: 25_000 });
    const sessionId = nemo.sessions()[0] ?? "";
    const session = nemo.session(sessionId);
    expect(session?.uploads).toHaveLength(1);
    expect(session?.turns).toEqual(["turn my photos into a 30-second TikTok with trending music and captions"]);
    const renderId = [...nemo.renders.keys()][0] ?? "";
    const uploaded = (video.params.video as { sha256?: string }) ?? {};
    expect(uploaded.sha256).toBe(nemo.renderSha256(renderId));
    const seen = telegram.chat(chatId).messages.filter((message) => message.from_bot);
    expect(seen.some((message) => message.video)).toBe(true);
    if (process.env.SHOW_TRANSCRIPT) console.log(JSON.stringify(telegram.chat(chatId).messages, null, 1));
  });
});
