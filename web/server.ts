import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Update } from "@grammyjs/types";
import type { ChatMedia, ChatViewMessage, TelegramFake } from "../sim/telegram/index";
import { checkRequest } from "./request-guard";

/**
 * The local web chat: a small node:http server that plays the person in a Telegram chat. It serves the
 * static page (web/index.html, app.js, style.css), turns what the person does into updates built with the
 * Telegram fake's builders and delivered to the bot's webhook, and streams the chat as the fake holds it
 * (after the bot's edits and deletes) to the page over Server-Sent Events.
 */
export interface WebChatOptions {
  telegram: TelegramFake;
  /** Port on 127.0.0.1 (default: a free port). */
  port?: number;
  host?: string;
  /** The person chatting (default: the fake's default user, Alice). */
  user?: { id?: number; first_name?: string; username?: string; language_code?: string };
  /** The group chat shown by the switch (default: the fake's default basic group). */
  groupId?: number;
  /** A rendered video's bytes by sha256, for videos whose bytes the fake did not keep. */
  videoBySha256?: (sha256: string) => Uint8Array | undefined;
  /** How often the chat is compared for changes (ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface StoredUpload {
  bytes: Buffer;
  mimeType: string;
  fileName: string;
  sha256: string;
}

export interface WebChat {
  url: string;
  /** Files people sent, by file_id. */
  uploads: Map<string, StoredUpload>;
  /** An upload's bytes by (a prefix of) its sha256 — what NemoVideo's `upload://` sources carry. */
  uploadBySha256(prefix: string): Buffer | undefined;
  close(): Promise<void>;
}

const webRoot = dirname(fileURLToPath(import.meta.url));
const STATIC: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
  "/favicon.svg": "favicon.svg",
};
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};
const MAX_UPLOAD = 200 * 1024 * 1024;
const DEFAULT_GROUP_ID = -4_123_456_789;

interface MediaItem {
  file_id: string;
  kind: "photo" | "video" | "document";
  width?: number;
  height?: number;
  duration?: number;
}

export async function startWebChat(options: WebChatOptions): Promise<WebChat> {
  const { telegram } = options;
  const log = options.log ?? (() => {});
  const user = {
    id: 6_123_456_789,
    first_name: "Alice",
    username: "alice_tg",
    language_code: "en",
    ...options.user,
  };
  const groupId = options.groupId ?? DEFAULT_GROUP_ID;
  const uploads = new Map<string, StoredUpload>();
  const clients = new Set<{ chatId: number; res: ServerResponse; last: string }>();
  const notices: Array<{ chatId: number; text: string }> = [];
  const joinedGroups = new Set<number>();
  // Update ids only grow, also across restarts of the stack, as a persisted Worker may remember old ones.
  let nextUpdateId = Math.floor(Date.now() / 1000) * 100;
  const withId = (update: Update): Update => ({ ...update, update_id: nextUpdateId++ });

  const allowedChat = (chatId: number) => chatId === user.id || chatId === groupId;

  /** Delivers without holding up the page: the bubble shows at once, delivery problems as a notice. */
  function deliver(chatId: number, updates: Update[]): void {
    const items = updates.map(withId);
    const job =
      items.length > 1
        ? telegram.deliverAlbum(items).then(() => undefined)
        : telegram.deliver(items[0] as Update).then((result) => {
            if (result.status !== 200 && result.status !== 0) {
              throw new Error(`the bot's webhook answered HTTP ${result.status} after ${result.attempts} attempts`);
            }
            if (result.status === 0 && result.attempts > 0) {
              throw new Error(`the bot's webhook could not be reached (${result.attempts} attempts)`);
            }
          });
    job.catch((error: unknown) => {
      const text = `Delivery failed: ${error instanceof Error ? error.message : String(error)}`;
      log(`[web-chat] ${text}`);
      notices.push({ chatId, text });
    });
  }

  /** The first visit to the group: the bot is added to it, as a person would do in Telegram. */
  function ensureGroup(chatId: number): void {
    if (chatId > 0 || joinedGroups.has(chatId)) return;
    joinedGroups.add(chatId);
    deliver(chatId, [telegram.updates.myChatMember("member", chatId, { from: user })]);
  }

  function mediaUrl(media: ChatMedia): string {
    return `/media/${encodeURIComponent(media.file_id)}${media.sha256 ? `?sha=${media.sha256}` : ""}`;
  }

  function viewMessage(message: ChatViewMessage) {
    const media = message.video
      ? { kind: "video", ...message.video }
      : message.animation
        ? { kind: "animation", ...message.animation }
        : message.photo
          ? { kind: "photo", ...message.photo }
          : message.document
            ? { kind: "document", ...message.document }
            : undefined;
    return {
      ...message,
      media: media && {
        kind: media.kind,
        url: mediaUrl(media),
        file_name: media.file_name,
        mime_type: media.mime_type,
        size: media.size,
      },
    };
  }

  function snapshot(chatId: number): string {
    const view = telegram.chat(chatId);
    return JSON.stringify({
      chatId,
      messages: view.messages.map(viewMessage),
      actions: view.chatActions.length,
      lastAction: view.chatActions.at(-1),
      draft: view.draft,
      notices: notices.filter((notice) => notice.chatId === chatId).map((notice) => notice.text),
    });
  }

  const timer = setInterval(() => {
    for (const client of clients) {
      const next = snapshot(client.chatId);
      if (next === client.last) continue;
      client.last = next;
      client.res.write(`event: chat\ndata: ${next}\n\n`);
    }
  }, options.pollMs ?? 150);
  const keepAlive = setInterval(() => {
    for (const client of clients) client.res.write(": keep-alive\n\n");
  }, 15_000);

  async function commands(languageCode: string | undefined, scope: string) {
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getMyCommands`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: { type: scope }, ...(languageCode ? { language_code: languageCode } : {}) }),
    }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      | { ok: boolean; result?: Array<{ command: string; description: string }> }
      | undefined;
    return body?.ok ? (body.result ?? []) : [];
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, fileId: string, sha: string | null) {
    let bytes: Uint8Array | undefined = uploads.get(fileId)?.bytes;
    let type = uploads.get(fileId)?.mimeType;
    if (!bytes && sha) {
      bytes = options.videoBySha256?.(sha);
      if (bytes) type = "video/mp4";
    }
    if (!bytes) {
      // Files the bot sent: the fake keeps small uploads downloadable like Telegram's file endpoint.
      const info = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getFile`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ file_id: fileId }),
      })
        .then((r) => r.json() as Promise<{ ok: boolean; result?: { file_path?: string } }>)
        .catch(() => undefined);
      const path = info?.ok ? info.result?.file_path : undefined;
      if (path) {
        const file = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${path}`).catch(() => undefined);
        if (file?.ok) {
          bytes = new Uint8Array(await file.arrayBuffer());
          type = file.headers.get("content-type") ?? undefined;
        }
      }
    }
    if (!bytes) return sendJson(res, 404, { error: "This file's bytes are not available locally." });
    sendBytes(req, res, Buffer.from(bytes), type ?? "application/octet-stream");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkRequest(req, options.host);
    if (!verdict.ok) return sendJson(res, verdict.status, { error: verdict.reason });
    const url = new URL(req.url ?? "/", "http://web-chat");
    const path = url.pathname;
    const method = req.method ?? "GET";

    const asset = STATIC[path];
    if (asset && (method === "GET" || method === "HEAD")) {
      const body = await readFile(join(webRoot, asset));
      res.writeHead(200, {
        "content-type": TYPES[extname(asset)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(method === "HEAD" ? undefined : body);
      return;
    }

    if (path === "/api/config" && method === "GET") {
      const [enPrivate, zhPrivate, enGroup] = await Promise.all([
        commands(undefined, "all_private_chats"),
        commands("zh", "all_private_chats"),
        commands(undefined, "all_group_chats"),
      ]);
      return sendJson(res, 200, {
        bot: telegram.botInfo,
        user,
        chats: {
          private: { id: user.id, title: telegram.botInfo.first_name },
          group: { id: groupId, title: "Video Makers" },
        },
        commands: { private: user.language_code?.startsWith("zh") ? zhPrivate : enPrivate, group: enGroup },
      });
    }

    if (path === "/api/events" && method === "GET") {
      const chatId = Number(url.searchParams.get("chat"));
      if (!allowedChat(chatId)) return sendJson(res, 400, { error: "unknown chat" });
      ensureGroup(chatId);
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      });
      const client = { chatId, res, last: snapshot(chatId) };
      res.write(`retry: 1000\nevent: chat\ndata: ${client.last}\n\n`);
      clients.add(client);
      req.on("close", () => clients.delete(client));
      return;
    }

    if (path === "/api/state" && method === "GET") {
      const chatId = Number(url.searchParams.get("chat"));
      if (!allowedChat(chatId)) return sendJson(res, 400, { error: "unknown chat" });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(snapshot(chatId));
      return;
    }

    if (path === "/api/send" && method === "POST") {
      const body = (await readJson(req)) as { chat?: number; text?: string; replyTo?: number };
      const chatId = Number(body.chat);
      const text = String(body.text ?? "").trim();
      if (!allowedChat(chatId) || !text) return sendJson(res, 400, { error: "chat and text are required" });
      ensureGroup(chatId);
      const replyTo = typeof body.replyTo === "number" ? body.replyTo : undefined;
      const update =
        chatId > 0
          ? telegram.updates.privateText(text, { from: user, ...(replyTo ? { replyToMessageId: replyTo } : {}) })
          : telegram.updates.groupText(text, {
              chatId,
              from: user,
              ...(replyTo ? { replyToBotMessageId: replyTo } : {}),
            });
      deliver(chatId, [update]);
      return sendJson(res, 200, { ok: true });
    }

    if (path === "/api/files" && method === "POST") {
      const bytes = await readBody(req, MAX_UPLOAD);
      if (bytes.byteLength === 0) return sendJson(res, 400, { error: "empty file" });
      const mimeType = (req.headers["content-type"] ?? "application/octet-stream").split(";")[0]?.trim() ?? "";
      const fileName = decodeURIComponent(String(req.headers["x-file-name"] ?? "file")).slice(0, 200) || "file";
      const added = telegram.addFile({ bytes: new Uint8Array(bytes), mimeType });
      uploads.set(added.file_id, { bytes, mimeType, fileName, sha256: added.sha256 });
      return sendJson(res, 200, { file_id: added.file_id, file_size: added.file_size, sha256: added.sha256 });
    }

    if (path === "/api/send-media" && method === "POST") {
      const body = (await readJson(req)) as { chat?: number; caption?: string; items?: MediaItem[] };
      const chatId = Number(body.chat);
      const items = Array.isArray(body.items) ? body.items.filter((item) => uploads.has(item.file_id)) : [];
      if (!allowedChat(chatId) || items.length === 0)
        return sendJson(res, 400, { error: "chat and files are required" });
      ensureGroup(chatId);
      const caption = String(body.caption ?? "").trim() || undefined;
      // Telegram albums hold up to 10 items; a bigger selection becomes several albums, like in the apps.
      for (let start = 0; start < items.length; start += 10) {
        const batch = items.slice(start, start + 10);
        const mediaGroupId = batch.length > 1 ? `13${Date.now()}${start}`.slice(0, 18) : undefined;
        const updates = batch.map((item, index) =>
          mediaUpdate(item, {
            chatId,
            caption: start === 0 && index === 0 ? caption : undefined,
            mediaGroupId,
          }),
        );
        deliver(chatId, updates);
      }
      return sendJson(res, 200, { ok: true });
    }

    if (path === "/api/callback" && method === "POST") {
      const body = (await readJson(req)) as { chat?: number; messageId?: number; data?: string };
      const chatId = Number(body.chat);
      if (!allowedChat(chatId) || typeof body.messageId !== "number" || typeof body.data !== "string") {
        return sendJson(res, 400, { error: "chat, messageId and data are required" });
      }
      deliver(chatId, [telegram.updates.callback(body.data, { chatId, messageId: body.messageId, from: user })]);
      return sendJson(res, 200, { ok: true });
    }

    const media = /^\/media\/([^/]+)$/.exec(path);
    if (media && (method === "GET" || method === "HEAD")) {
      return serveMedia(req, res, decodeURIComponent(media[1] ?? ""), url.searchParams.get("sha"));
    }

    sendJson(res, 404, { error: "not found" });
  }

  function mediaUpdate(
    item: MediaItem,
    where: { chatId: number; caption: string | undefined; mediaGroupId: string | undefined },
  ): Update {
    const stored = uploads.get(item.file_id) as StoredUpload;
    const common = {
      chatId: where.chatId,
      from: user,
      fileId: item.file_id,
      size: stored.bytes.byteLength,
      ...(where.caption ? { caption: where.caption } : {}),
      ...(where.mediaGroupId ? { mediaGroupId: where.mediaGroupId } : {}),
    };
    if (item.kind === "photo") {
      return telegram.updates.photo({
        ...common,
        fileIds: [item.file_id],
        sizes: [{ width: item.width ?? 1280, height: item.height ?? 960, fileSize: stored.bytes.byteLength }],
      });
    }
    if (item.kind === "video") {
      return telegram.updates.video({
        ...common,
        mimeType: stored.mimeType,
        fileName: stored.fileName,
        ...(item.width ? { width: item.width } : {}),
        ...(item.height ? { height: item.height } : {}),
        ...(item.duration ? { duration: Math.max(1, Math.round(item.duration)) } : {}),
      });
    }
    return telegram.updates.document({ ...common, fileName: stored.fileName, mimeType: stored.mimeType });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[web-chat] ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolvePromise());
  });
  const address = server.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";

  return {
    url: `http://${host}:${address.port}`,
    uploads,
    uploadBySha256(prefix) {
      const wanted = prefix.toLowerCase();
      for (const upload of uploads.values()) if (upload.sha256.startsWith(wanted)) return upload.bytes;
      return undefined;
    },
    async close() {
      clearInterval(timer);
      clearInterval(keepAlive);
      for (const client of clients) client.res.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Bytes with HTTP Range support, which <video> uses to seek. */
function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, type: string): void {
  const etag = `"${createHash("sha1").update(bytes).digest("hex")}"`;
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ""));
  const headers = { "content-type": type, "accept-ranges": "bytes", etag, "cache-control": "private, max-age=3600" };
  if (range && (range[1] || range[2])) {
    const size = bytes.byteLength;
    let start = range[1] ? Number(range[1]) : size - Number(range[2]);
    let end = range[1] && range[2] ? Number(range[2]) : size - 1;
    start = Math.max(0, start);
    end = Math.min(size - 1, end);
    if (start > end || start >= size) {
      res.writeHead(416, { "content-range": `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, {
      ...headers,
      "content-range": `bytes ${start}-${end}/${size}`,
      "content-length": String(end - start + 1),
    });
    res.end(req.method === "HEAD" ? undefined : bytes.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, "content-length": String(bytes.byteLength) });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new Error(`upload larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, 1024 * 1024)).toString("utf8");
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}

/** The folder holding the static page, for tests and tooling. */
export const webDirectory = resolve(webRoot);
