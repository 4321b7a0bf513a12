import { createHash, type Hash } from "node:crypto";

/**
 * A small streaming multipart/form-data parser (RFC 7578). It never holds a part's content: each chunk is
 * hashed and counted as it arrives, and only a delimiter-sized tail is kept between chunks, so a 500 MB
 * upload costs a few KB of memory. It also notes when each part's first and last content byte arrived,
 * which lets a test prove that the client streamed the upload instead of buffering it.
 */
export interface MultipartPart {
  field: string;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
  firstByteAt?: number;
  lastByteAt?: number;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? "");
  return m?.[1] ?? m?.[2];
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

interface OpenPart {
  part: MultipartPart;
  hash: Hash;
}

export async function parseMultipart(body: AsyncIterable<Buffer>, boundary: string): Promise<MultipartPart[]> {
  // Starting with CRLF lets the opening "--boundary" match the same delimiter as every later one.
  const delim = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let buf: Buffer = CRLF;
  let state: "preamble" | "after-delim" | "headers" | "body" | "done" = "preamble";
  let open: OpenPart | undefined;

  const emit = (data: Buffer) => {
    if (!open || data.length === 0) return;
    const now = Date.now();
    open.part.firstByteAt ??= now;
    open.part.lastByteAt = now;
    open.part.size += data.length;
    open.hash.update(data);
  };

  for await (const chunk of body) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (let progressed = true; progressed; ) {
      progressed = false;
      if (state === "preamble" || state === "body") {
        const idx = buf.indexOf(delim);
        if (idx === -1) {
          // Keep a tail that might be the start of a delimiter split across chunks.
          const keep = Math.min(buf.length, delim.length - 1);
          if (state === "body") emit(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
          break;
        }
        if (state === "body" && open) {
          emit(buf.subarray(0, idx));
          open.part.sha256 = open.hash.digest("hex");
          parts.push(open.part);
          open = undefined;
        }
        buf = buf.subarray(idx + delim.length);
        state = "after-delim";
        progressed = true;
      } else if (state === "after-delim") {
        if (buf.length < 2) break;
        const two = buf.subarray(0, 2).toString("latin1");
        if (two === "--") {
          state = "done";
        } else if (two === "\r\n") {
          buf = buf.subarray(2);
          state = "headers";
          progressed = true;
        } else {
          throw new MultipartError("malformed multipart delimiter");
        }
      } else if (state === "headers") {
        const idx = buf.indexOf(HEADER_END);
        if (idx === -1) {
          if (buf.length > MAX_HEADER_BYTES) throw new MultipartError("multipart part headers too large");
          break;
        }
        open = {
          part: { ...parseHeaders(buf.subarray(0, idx).toString("utf8")), size: 0, sha256: "" },
          hash: createHash("sha256"),
        };
        buf = buf.subarray(idx + HEADER_END.length);
        state = "body";
        progressed = true;
      } else {
        buf = Buffer.alloc(0); // epilogue: ignored
      }
    }
  }
  if (state !== "done") throw new MultipartError("truncated multipart body");
  return parts;
}

function parseHeaders(text: string): { field: string; filename?: string; contentType?: string } {
  let field: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-type") contentType = value;
    if (name !== "content-disposition") continue;
    field = /\bname="([^"]*)"/i.exec(value)?.[1] ?? /\bname=([^;\s]+)/i.exec(value)?.[1];
    const star = /\bfilename\*=(?:UTF-8|utf-8)''([^;\s]+)/.exec(value)?.[1];
    filename = star
      ? decodeURIComponent(star)
      : (/\bfilename="([^"]*)"/i.exec(value)?.[1] ?? /\bfilename=([^;\s]+)/i.exec(value)?.[1]);
  }
  if (field === undefined) throw new MultipartError("multipart part without a form-data name");
  return {
    field,
    ...(filename === undefined ? {} : { filename }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}
