import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { EndpointName, RecordedRequest } from "./types";

/** Everything a handler needs about one request. Every response goes through `head` so the record's status is right. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  endpoint: EndpointName;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** HTTP status an envelope error rides on by default (README: "Envelope errors"). 2001 uses 403 so 402 keeps meaning "export blocked". */
const STATUS_FOR_CODE: Record<number, number> = { 1001: 401, 1002: 404, 2001: 403, 4001: 415, 4002: 413 };

export function statusForCode(code: number): number {
  return STATUS_FOR_CODE[code] ?? 400;
}

export const MESSAGES: Record<number, string> = {
  1001: "token invalid or expired",
  1002: "session not found",
  2001: "insufficient credits",
  4001: "unsupported file type",
  4002: "file too large",
};

export function head(ctx: Ctx, status: number, headers: OutgoingHttpHeaders): void {
  ctx.record.status = status;
  ctx.res.writeHead(status, headers);
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendRaw(ctx, status, JSON.stringify(body), headers);
}

export function sendRaw(ctx: Ctx, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  const buf = Buffer.from(text);
  head(ctx, status, { "content-type": "application/json", "content-length": buf.length, ...headers });
  ctx.res.end(buf);
}

/** Business envelope success `{code:0, message, data}` (§0.6 style 1). */
export function sendOk(ctx: Ctx, data: unknown): void {
  sendJson(ctx, 200, { code: 0, message: "success", data });
}

/** Business envelope error; on its matching 4xx unless `onHttp200`. */
export function sendCode(ctx: Ctx, code: number, message = MESSAGES[code] ?? "error", onHttp200 = false): void {
  sendJson(ctx, onHttp200 ? 200 : statusForCode(code), { code, message, data: null });
}

/** FastAPI-style framework error `{detail}` (§0.6 style 3). */
export function sendDetail(ctx: Ctx, status: number, detail: unknown): void {
  sendJson(ctx, status, { detail });
}

/** FastAPI's 422 for a body that fails validation. */
export function sendValidation(ctx: Ctx, loc: string[], msg: string): void {
  sendDetail(ctx, 422, [{ type: "value_error", loc: ["body", ...loc], msg }]);
}

/** Render-proxy envelope error `{success:false, error}` (§0.6 style 2). */
export function sendRenderError(ctx: Ctx, status: number, error: string, extra: Record<string, unknown> = {}): void {
  sendJson(ctx, status, { success: false, error, ...extra });
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

/** Reads a small body whole (JSON requests); uploads use the streaming multipart parser instead. */
export async function readBody(req: IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error("body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body and records it; answers 422 itself and returns undefined when it is not JSON. */
export async function readJson(ctx: Ctx): Promise<unknown> {
  const buf = await readBody(ctx.req);
  if (buf.length === 0) {
    sendValidation(ctx, [], "Field required");
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(buf.toString("utf8"));
    ctx.record.bodySummary = value;
    return value;
  } catch {
    ctx.record.bodySummary = { bytes: buf.length };
    sendDetail(ctx, 422, [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error" }]);
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Resolves after `ms`, or early (without rejecting) when the signal aborts, so a closing sim never hangs. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
