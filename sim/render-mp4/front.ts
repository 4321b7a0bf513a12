import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Draft } from "../nemo/types";
import { type ImageLookup, planFromDraft } from "./plan";
import { clipsOfState, GENERATED, replacingStream } from "./raw-clips";
import { renderMp4 } from "./render";

/**
 * A transparent HTTP front for the NemoVideo simulator that swaps its placeholder render bytes for a real,
 * playable MP4. The simulator (sim/nemo) streams a seeded `ftyp` + random `mdat` file and has no hook for
 * custom render bytes, so this front sits where the Worker expects NemoVideo and:
 *
 * - forwards every request unchanged (SSE streams included) and answers with the simulator's answer;
 * - reads the draft of each render submit (`POST /api/render/proxy/lambda`) and starts encoding it at once
 *   (photos by the `upload://<sha256>` sources, captions from the text tracks);
 * - rewrites the simulator's own address in render status bodies to its own, so `outputUrl` leads here;
 * - on a successful download (`/render-result/<id>.mp4`, `/api/render/proxy/<id>/download`) sends the
 *   encoded MP4 instead of the simulator's bytes (the simulator still decides auth, faults and readiness).
 */
export interface RenderFrontOptions {
  /** The simulator's base URL. */
  upstream: string;
  /** Port on 127.0.0.1; random when omitted. */
  port?: number;
  /** Bytes of an upload by (a prefix of) its sha256; the local web chat keeps what people sent. */
  lookupImage: ImageLookup;
  /** Called with errors of the encoder (the simulator's own bytes are sent instead). */
  onError?: (error: unknown) => void;
}

export interface RenderedVideo {
  renderId: string;
  bytes: Buffer;
  sha256: string;
}

export interface RenderFront {
  url: string;
  /** Encoded renders by render id (a promise while encoding). */
  renders: Map<string, Promise<RenderedVideo | undefined>>;
  /** A finished render's bytes by sha256 (what Telegram reports for the uploaded video). */
  videoBySha256(sha256: string): Buffer | undefined;
  close(): Promise<void>;
}

const SUBMIT = /^\/api\/render\/proxy\/lambda\/?$/;
const STATUS = /^\/api\/render\/proxy\/lambda\/([^/]+)\/?$/;
const DOWNLOAD = /^\/api\/render\/proxy\/([^/]+)\/download\/?$/;
const OUTPUT = /^\/render-result\/([^/]+)\.mp4$/;
const RUN_SSE = /^\/run_sse$/;
const STATE = /^\/api\/state\/nemo_agent\/[^/]+\/[^/]+\/latest$/;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te"]);

export async function startRenderFront(options: RenderFrontOptions): Promise<RenderFront> {
  const upstream = new URL(options.upstream);
  const renders = new Map<string, Promise<RenderedVideo | undefined>>();
  const bySha = new Map<string, Buffer>();
  /** Raw clips (issue 14): the draft each was made from, by path, and their encodings. */
  const clipDrafts = new Map<string, Draft>();
  const clipVideos = new Map<string, Promise<Buffer | undefined>>();
  let selfUrl = "";

  function encode(renderId: string, draft: Draft | undefined): Promise<RenderedVideo | undefined> {
    const existing = renders.get(renderId);
    if (existing) return existing;
    const job = renderMp4(planFromDraft(draft, options.lookupImage)).then(
      (bytes) => {
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        bySha.set(sha256, bytes);
        return { renderId, bytes, sha256 };
      },
      (error: unknown) => {
        options.onError?.(error);
        return undefined;
      },
    );
    renders.set(renderId, job);
    return job;
  }

  /** Sends the request upstream; `body` replaces the incoming body when it was read already. */
  function forward(req: IncomingMessage, body?: Buffer): Promise<IncomingMessage> {
    return new Promise((resolvePromise, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      if (body) headers["content-length"] = String(body.byteLength);
      const upstreamReq = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
        },
        resolvePromise,
      );
      upstreamReq.on("error", reject);
      req.on("aborted", () => upstreamReq.destroy());
      if (body) upstreamReq.end(body);
      else req.pipe(upstreamReq);
    });
  }

  function copyHeaders(from: IncomingMessage, skip: string[] = []): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(from.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || skip.includes(name)) continue;
      headers[name] = value;
    }
    return headers;
  }

  function pipeBack(upstreamRes: IncomingMessage, res: ServerResponse, rewrite = false): void {
    res.writeHead(upstreamRes.statusCode ?? 502, copyHeaders(upstreamRes, rewrite ? ["content-length"] : []));
    res.flushHeaders();
    if (rewrite) upstreamRes.pipe(replacingStream(options.upstream, selfUrl)).pipe(res);
    else upstreamRes.pipe(res);
    // A socket the simulator destroyed on purpose (a fault) is destroyed here too.
    upstreamRes.on("close", () => {
      if (!upstreamRes.complete) res.destroy();
    });
  }

  const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://front").pathname;
    const method = req.method ?? "GET";

    // The simulator's control routes (/__sim/*: credits, faults, scripted turns) stay on its own port:
    // the front is where the Worker and the browser's media links point, so it never forwards them.
    if (isControlPath(req.url ?? "/") || isControlPath(path)) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not found" }));
      return;
    }

    if (method === "POST" && SUBMIT.test(path)) {
      const body = await readAll(req);
      const upstreamRes = await forward(req, body);
      if (upstreamRes.statusCode === 200) {
        try {
          const submitted = JSON.parse(body.toString("utf8")) as { id?: unknown; draft?: Draft };
          if (typeof submitted.id === "string") void encode(submitted.id, submitted.draft);
        } catch {
          // The simulator accepted it, so it was JSON; nothing to encode otherwise.
        }
      }
      return pipeBack(upstreamRes, res);
    }

    const status = method === "GET" ? STATUS.exec(path) : null;
    if (status) {
      const upstreamRes = await forward(req);
      const text = (await readAll(upstreamRes)).toString("utf8").split(options.upstream).join(selfUrl);
      res.writeHead(upstreamRes.statusCode ?? 502, {
        ...copyHeaders(upstreamRes, ["content-length"]),
        "content-length": String(Buffer.byteLength(text)),
      });
      res.end(text);
      return;
    }

    // Agent streams name raw clips by the simulator's address: it becomes the front's (issue 14).
    if (method === "POST" && RUN_SSE.test(path)) return pipeBack(await forward(req), res, true);
    if (method === "GET" && STATE.test(path)) {
      const upstreamRes = await forward(req);
      const text = (await readAll(upstreamRes)).toString("utf8").split(options.upstream).join(selfUrl);
      for (const [clip, draft] of clipsOfState(text)) clipDrafts.set(clip, draft);
      res.writeHead(upstreamRes.statusCode ?? 502, {
        ...copyHeaders(upstreamRes, ["content-length"]),
        "content-length": String(Buffer.byteLength(text)),
      });
      res.end(text);
      return;
    }
    const draft = (method === "GET" || method === "HEAD") && GENERATED.test(path) ? clipDrafts.get(path) : undefined;
    if (draft) {
      const upstreamRes = await forward(req);
      if (upstreamRes.statusCode !== 200) return pipeBack(upstreamRes, res);
      upstreamRes.destroy();
      let video = clipVideos.get(path);
      if (!video) {
        video = renderMp4(planFromDraft(draft, options.lookupImage)).catch((error: unknown) => {
          options.onError?.(error);
          return undefined;
        });
        clipVideos.set(path, video);
      }
      const bytes = await video;
      if (!bytes) return pipeBack(await forward(req), res);
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(bytes.byteLength) });
      res.end(method === "HEAD" ? undefined : bytes);
      return;
    }

    const download = method === "GET" || method === "HEAD" ? (DOWNLOAD.exec(path) ?? OUTPUT.exec(path)) : null;
    if (download) {
      const renderId = decodeURIComponent(download[1] ?? "");
      const upstreamRes = await forward(req);
      if (upstreamRes.statusCode !== 200) return pipeBack(upstreamRes, res);
      // The simulator says the render is ready and this caller may have it: send the real MP4.
      const video = await encode(renderId, undefined);
      if (!video) return pipeBack(upstreamRes, res);
      upstreamRes.destroy();
      res.writeHead(200, {
        "content-type": "video/mp4",
        "content-length": String(video.bytes.byteLength),
        "content-disposition": `attachment; filename="${renderId}.mp4"`,
      });
      res.end(method === "HEAD" ? undefined : video.bytes);
      return;
    }

    pipeBack(await forward(req), res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The simulator destroyed the socket on purpose (a `reset` fault): do the same to the caller.
      if ((error as { code?: string }).code === "ECONNRESET") return void req.socket.destroy();
      options.onError?.(error);
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: "render front: upstream failed" }));
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolvePromise());
  });
  selfUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: selfUrl,
    renders,
    videoBySha256: (sha256) => bySha.get(sha256),
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}

/** /__sim/… in any spelling a server might decode to it (percent-encoded, doubled slashes, any case). */
function isControlPath(raw: string): boolean {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Malformed escapes: judge the raw text.
  }
  return /^\/*__sim(\/|$|\?)/i.test(decoded.split("?")[0] ?? "") || /^[a-z]+:\/\/[^/]*\/+__sim/i.test(decoded);
}
