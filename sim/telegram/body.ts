import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ApiError, badRequest } from "./errors.js";
import { MultipartError, MultipartParser, type PartSink } from "./multipart.js";
import type { Params, ParamValue, RecordedFile } from "./types.js";

/** Small uploads keep their bytes so the bot can download what it sent; bigger ones are hash-only. */
const RETAIN_BYTES = 1024 * 1024;
/** Non-file form fields are text; anything bigger than this is a client bug, not a message. */
const MAX_FIELD_BYTES = 1024 * 1024;

/** Bytes of uploaded files that were small enough to keep, keyed by their record (kept out of `calls`). */
export const retainedBytes = new WeakMap<RecordedFile, Buffer>();

export interface ParsedRequest {
  params: Params;
  files: RecordedFile[];
}

/** Form fields Telegram reads as numbers or booleans; coerced so recorded params look the same for JSON and forms. */
const NUMERIC = new Set([
  "chat_id",
  "message_id",
  "message_thread_id",
  "reply_to_message_id",
  "offset",
  "limit",
  "timeout",
  "duration",
  "width",
  "height",
  "max_connections",
  "cache_time",
  "user_id",
  "from_chat_id",
]);
const BOOLEAN = new Set([
  "supports_streaming",
  "disable_notification",
  "protect_content",
  "drop_pending_updates",
  "show_alert",
  "has_spoiler",
  "allow_sending_without_reply",
  "disable_content_type_detection",
  "disable_web_page_preview",
  "show_caption_above_media",
]);

/** Reads query and body (JSON, urlencoded or multipart, the latter streamed) into params. */
export async function readRequest(req: IncomingMessage, url: URL, uploadLimitBytes: number): Promise<ParsedRequest> {
  const fields = new Map<string, string>(url.searchParams);
  const files: RecordedFile[] = [];
  const contentType = req.headers["content-type"] ?? "";
  let body: Params = {};
  if (contentType.startsWith("multipart/form-data")) {
    await readMultipart(req, contentType, uploadLimitBytes, fields, files);
  } else {
    const raw = await readSmallBody(req, uploadLimitBytes);
    if (contentType.startsWith("application/json") && raw.length > 0) {
      const parsed = tryJson(raw.toString("utf8"));
      if (parsed === undefined || typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw badRequest("can't parse JSON object");
      }
      body = parsed as Params;
    } else if (raw.length > 0) {
      for (const [key, value] of new URLSearchParams(raw.toString("utf8"))) fields.set(key, value);
    }
  }
  const params: Params = {};
  for (const [key, value] of fields) params[key] = coerceField(key, value);
  Object.assign(params, body);
  const resolved = resolveAttachments(params, files) as Params;
  // A part sent straight under the parameter's name (curl -F video=@clip.mp4) is that parameter.
  for (const file of files) resolved[file.field] ??= file;
  return { params: resolved, files };
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) throw new ApiError(413, "Request Entity Too Large");
  return Buffer.concat(chunks);
}

async function readMultipart(
  req: IncomingMessage,
  contentType: string,
  limit: number,
  fields: Map<string, string>,
  files: RecordedFile[],
): Promise<void> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundaryValue = boundary?.[1] ?? boundary?.[2];
  if (!boundaryValue) throw badRequest("multipart boundary is missing");
  const parser = new MultipartParser(boundaryValue.trim(), (headers): PartSink => {
    if (headers.filename === undefined) return fieldSink(headers.name, fields);
    return fileSink(headers.name, headers.filename, headers.contentType ?? "application/octet-stream", files);
  });
  let size = 0;
  let failure: ApiError | undefined;
  // Read to the end even after a failure: answering before the client finished sending breaks its socket.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (failure) continue;
    if (size > limit) {
      failure = new ApiError(413, "Request Entity Too Large");
      continue;
    }
    try {
      parser.write(chunk);
    } catch (error) {
      failure = error instanceof MultipartError ? badRequest(error.message) : toApiError(error);
    }
  }
  if (failure) throw failure;
  try {
    parser.end();
  } catch (error) {
    throw error instanceof MultipartError ? badRequest(error.message) : error;
  }
}

const toApiError = (error: unknown): ApiError => (error instanceof ApiError ? error : badRequest(String(error)));

function fieldSink(name: string, fields: Map<string, string>): PartSink {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    data(chunk) {
      size += chunk.length;
      if (size > MAX_FIELD_BYTES) throw badRequest(`field "${name}" is too long`);
      chunks.push(chunk);
    },
    end() {
      fields.set(name, Buffer.concat(chunks).toString("utf8"));
    },
  };
}

function fileSink(field: string, filename: string, contentType: string, files: RecordedFile[]): PartSink {
  const hash = createHash("sha256");
  let retained: Buffer[] | undefined = [];
  let size = 0;
  let firstByteAt = 0;
  let lastByteAt = 0;
  return {
    data(chunk) {
      const now = Date.now();
      if (size === 0) firstByteAt = now;
      lastByteAt = now;
      size += chunk.length;
      hash.update(chunk);
      if (retained && size <= RETAIN_BYTES) retained.push(Buffer.from(chunk));
      else retained = undefined;
    },
    end() {
      if (size === 0) firstByteAt = lastByteAt = Date.now();
      const file: RecordedFile = {
        field,
        filename,
        contentType,
        size,
        sha256: hash.digest("hex"),
        firstByteAt,
        lastByteAt,
      };
      if (retained) retainedBytes.set(file, Buffer.concat(retained));
      files.push(file);
    },
  };
}

function coerceField(key: string, value: string): ParamValue {
  if (NUMERIC.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN.has(key) && (value === "true" || value === "false")) return value === "true";
  // Forms carry objects (reply_markup, reply_parameters, media, commands, scope) as JSON text.
  if (/^\s*[[{]/.test(value)) return (tryJson(value) as ParamValue | undefined) ?? value;
  return value;
}

/** grammY sends `video: "attach://<id>"` plus a file part named <id>; params then show the file itself. */
function resolveAttachments(value: ParamValue, files: RecordedFile[]): ParamValue {
  if (typeof value === "string" && value.startsWith("attach://")) {
    return files.find((file) => file.field === value.slice("attach://".length)) ?? value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveAttachments(item, files));
  if (value && typeof value === "object" && !("sha256" in value && "firstByteAt" in value)) {
    const out: Params = {};
    for (const [key, inner] of Object.entries(value)) out[key] = resolveAttachments(inner, files);
    return out;
  }
  return value;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
