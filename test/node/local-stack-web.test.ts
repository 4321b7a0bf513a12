import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";
import { startWebChat, type WebChat } from "../../web/server";

const SECRET = "web-chat-secret";
const USER_ID = 6_123_456_789;
const GROUP_ID = -4_123_456_789;

/** Stands in for the Worker: records the updates the fake delivers to its webhook. */
async function startBot() {
  const updates: Update[] = [];
  const headers: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    updates.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Update);
    headers.push(String(req.headers["x-telegram-bot-api-secret-token"]));
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`,
    updates,
    headers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the local web chat server", () => {
  let fake: TelegramFake;
  let web: WebChat;
  let bot: Awaited<ReturnType<typeof startBot>>;
  const video = new Uint8Array(Array.from({ length: 5000 }, (_, i) => i % 251));

  beforeAll(async () => {
    bot = await startBot();
    fake = await startTelegramFake({ webhook: { url: bot.url, secret: SECRET } });
    web = await startWebChat({ telegram: fake, port: 0, videoBySha256: (sha) => (sha === "cafe" ? video : undefined) });
  });
  afterAll(async () => {
    await web?.close();
    await fake?.close();
    await bot?.close();
  });

  it("serves the page and its configuration", async () => {
    const page = await fetch(web.url);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('id="file-input"');
    expect((await fetch(`${web.url}/app.js`)).status).toBe(200);
    expect((await fetch(`${web.url}/style.css`)).status).toBe(200);
    const config = (await (await fetch(`${web.url}/api/config`)).json()) as {
      bot: { username: string };
      chats: { private: { id: number }; group: { id: number } };
    };
    expect(config.bot.username).toBe("nemo_test_bot");
    expect(config.chats).toMatchObject({ private: { id: USER_ID }, group: { id: GROUP_ID } });
  });

  it("sends attached files as one album: files in the fake, photo updates sharing a media_group_id, the caption on the first", async () => {
    const before = bot.updates.length;
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const response = await fetch(`${web.url}/api/files`, {
        method: "POST",
        headers: { "content-type": "image/jpeg", "x-file-name": `p${n}.jpg` },
        body: new Uint8Array([0xff, 0xd8, 0xff, n, n, n]),
      });
      ids.push(((await response.json()) as { file_id: string }).file_id);
    }
    const caption = "turn my photos into a 30-second TikTok with trending music and captions";
    const sent = await post(`${web.url}/api/send-media`, {
      chat: USER_ID,
      caption,
      items: ids.map((file_id) => ({ file_id, kind: "photo", width: 960, height: 1280 })),
    });
    expect(sent.status).toBe(200);
    const album = await until(() => (bot.updates.length >= before + 3 ? bot.updates.slice(before) : undefined));
    const messages = album.map((u) => u.message);
    expect(new Set(messages.map((m) => m?.media_group_id)).size).toBe(1);
    expect(messages[0]?.media_group_id).toBeTruthy();
    expect(messages.map((m) => m?.caption)).toEqual([caption, undefined, undefined]);
    expect(messages.map((m) => m?.photo?.at(-1)?.file_id).sort()).toEqual([...ids].sort());
    expect(messages[0]?.photo?.at(-1)).toMatchObject({ width: 960, height: 1280 });
    expect(bot.headers.every((h) => h === SECRET)).toBe(true);
    // Update ids keep growing across restarts of the stack (they start from the clock).
    expect(album[0]?.update_id).toBeGreaterThan(Math.floor(Date.now() / 1000) * 100 - 100_000);
    // The bot can download what the person sent, from the fake's file endpoint.
    const file = (await (await post(`${fake.apiRoot}/bot${fake.token}/getFile`, { file_id: ids[0] })).json()) as {
      result: { file_path: string };
    };
    const bytes = await (await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.result.file_path}`)).arrayBuffer();
    expect([...new Uint8Array(bytes)]).toEqual([0xff, 0xd8, 0xff, 1, 1, 1]);
  });

  it("sends a clip as a video update and other files as documents", async () => {
    const before = bot.updates.length;
    const clip = (await (
      await fetch(`${web.url}/api/files`, {
        method: "POST",
        headers: { "content-type": "video/mp4", "x-file-name": "clip.mp4" },
        body: video,
      })
    ).json()) as { file_id: string };
    await post(`${web.url}/api/send-media`, {
      chat: USER_ID,
      caption: "",
      items: [{ file_id: clip.file_id, kind: "video", width: 720, height: 1280, duration: 4.2 }],
    });
    const [update] = await until(() => (bot.updates.length > before ? bot.updates.slice(before) : undefined));
    expect(update?.message?.video).toMatchObject({
      file_id: clip.file_id,
      mime_type: "video/mp4",
      file_name: "clip.mp4",
      width: 720,
      height: 1280,
      duration: 4,
    });
    expect(update?.message?.media_group_id).toBeUndefined();
  });

  it("in the group, a message naming the bot carries a mention entity; the bot is added to the group first", async () => {
    const before = bot.updates.length;
    await post(`${web.url}/api/send`, { chat: GROUP_ID, text: "@nemo_test_bot make it bigger" });
    const updates = await until(() => (bot.updates.length >= before + 2 ? bot.updates.slice(before) : undefined));
    expect(updates[0]?.my_chat_member?.new_chat_member.status).toBe("member");
    const message = updates[1]?.message;
    expect(message?.chat).toMatchObject({ id: GROUP_ID, type: "group" });
    expect(message?.text).toBe("@nemo_test_bot make it bigger");
    expect(message?.entities).toEqual([{ type: "mention", offset: 0, length: 14 }]);
  });

  it("a private command carries its bot_command entity; a pressed button becomes a callback_query", async () => {
    const before = bot.updates.length;
    await post(`${web.url}/api/send`, { chat: USER_ID, text: "/export" });
    const sent = (await (
      await post(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
        chat_id: USER_ID,
        text: "Ready to export?",
        reply_markup: { inline_keyboard: [[{ text: "🎬 Export", callback_data: "export" }]] },
      })
    ).json()) as { result: { message_id: number } };
    await post(`${web.url}/api/callback`, { chat: USER_ID, messageId: sent.result.message_id, data: "export" });
    const updates = await until(() => (bot.updates.length >= before + 2 ? bot.updates.slice(before) : undefined));
    expect(updates[0]?.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 7 }]);
    expect(updates[1]?.callback_query).toMatchObject({
      data: "export",
      from: { id: USER_ID },
      message: { message_id: sent.result.message_id, text: "Ready to export?" },
    });
  });

  it("streams the chat as a person sees it over SSE, edits included", async () => {
    const controller = new AbortController();
    const response = await fetch(`${web.url}/api/events?chat=${USER_ID}`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const nextSnapshot = async () => {
      for (;;) {
        const end = text.indexOf("\n\n");
        if (end >= 0) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          const data = frame.split("\n").find((line) => line.startsWith("data: "));
          if (data)
            return JSON.parse(data.slice(6)) as { messages: { message_id: number; text?: string; edited: boolean }[] };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
    };
    const first = await nextSnapshot();
    expect(first.messages.some((m) => m.text === "/export")).toBe(true);
    const status = (await (
      await post(`${fake.apiRoot}/bot${fake.token}/sendMessage`, { chat_id: USER_ID, text: "⏳ Rendering… 5%" })
    ).json()) as { result: { message_id: number } };
    await post(`${fake.apiRoot}/bot${fake.token}/editMessageText`, {
      chat_id: USER_ID,
      message_id: status.result.message_id,
      text: "⏳ Rendering… 60%",
    });
    let snapshot = await nextSnapshot();
    while (!snapshot.messages.some((m) => m.text === "⏳ Rendering… 60%")) snapshot = await nextSnapshot();
    expect(snapshot.messages.find((m) => m.message_id === status.result.message_id)).toMatchObject({ edited: true });
    controller.abort();
  });

  it("serves media: people's uploads, and rendered videos by sha256 with Range support", async () => {
    const view = fake.chat(USER_ID).messages.find((m) => m.video);
    const url = `${web.url}/media/${encodeURIComponent(view?.video?.file_id ?? "")}`;
    const whole = await fetch(url);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(video);
    const part = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${video.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(video.subarray(100, 200));
    const rendered = await fetch(`${web.url}/media/unknown-id?sha=cafe`);
    expect(rendered.headers.get("content-type")).toBe("video/mp4");
    expect((await rendered.arrayBuffer()).byteLength).toBe(video.byteLength);
    expect((await fetch(`${web.url}/media/unknown-id`)).status).toBe(404);
  });
});
