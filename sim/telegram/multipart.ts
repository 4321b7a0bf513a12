/**
 * A streaming multipart/form-data parser. Request bodies may be 50 MB videos, so parts are handed out as
 * chunks while they arrive and the parser never holds more than one chunk plus a boundary's worth of bytes.
 */

export interface PartHeaders {
  name: string;
  filename?: string;
  contentType?: string;
}

export interface PartSink {
  data(chunk: Buffer): void;
  end(): void;
}

const CRLF2 = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

export class MultipartError extends Error {}

export class MultipartParser {
  private readonly delimiter: Buffer;
  // A virtual CRLF lets the first boundary match the same "\r\n--boundary" pattern as later ones.
  private buf: Buffer = Buffer.from("\r\n");
  private state: "preamble" | "afterDelimiter" | "headers" | "body" | "done" = "preamble";
  private sink: PartSink | undefined;

  constructor(
    boundary: string,
    private readonly onPart: (headers: PartHeaders) => PartSink,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  write(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.process();
  }

  /** Throws when the body ended before the closing boundary. */
  end(): void {
    if (this.state !== "done") throw new MultipartError("multipart body ended before its closing boundary");
  }

  private process(): void {
    for (;;) {
      switch (this.state) {
        case "preamble":
        case "body": {
          const index = this.buf.indexOf(this.delimiter);
          if (index === -1) {
            // Keep a tail that may be the start of a delimiter split across chunks.
            const keep = Math.min(this.buf.length, this.delimiter.length - 1);
            if (this.state === "body" && this.buf.length > keep)
              this.sink?.data(this.buf.subarray(0, this.buf.length - keep));
            this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
            return;
          }
          if (this.state === "body") {
            if (index > 0) this.sink?.data(this.buf.subarray(0, index));
            this.sink?.end();
            this.sink = undefined;
          }
          this.buf = this.buf.subarray(index + this.delimiter.length);
          this.state = "afterDelimiter";
          break;
        }
        case "afterDelimiter": {
          if (this.buf.length < 2) return;
          const next = this.buf.toString("latin1", 0, 2);
          if (next === "--") {
            this.state = "done";
          } else if (next === "\r\n") {
            this.state = "headers";
            this.buf = this.buf.subarray(2);
          } else {
            throw new MultipartError("malformed multipart boundary");
          }
          break;
        }
        case "headers": {
          const index = this.buf.indexOf(CRLF2);
          if (index === -1) {
            if (this.buf.length > MAX_HEADER_BYTES) throw new MultipartError("multipart part headers too long");
            return;
          }
          const headers = parsePartHeaders(this.buf.toString("utf8", 0, index));
          this.buf = this.buf.subarray(index + CRLF2.length);
          this.sink = this.onPart(headers);
          this.state = "body";
          break;
        }
        case "done":
          this.buf = Buffer.alloc(0);
          return;
      }
    }
  }
}

/** Parses part headers leniently: grammY writes `content-disposition:form-data;name="x";filename=y` without spaces or quotes. */
export function parsePartHeaders(block: string): PartHeaders {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  const params = new Map<string, string>();
  for (const piece of disposition.split(";").slice(1)) {
    const eq = piece.indexOf("=");
    if (eq === -1) continue;
    let value = piece.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params.set(piece.slice(0, eq).trim().toLowerCase(), value);
  }
  const extended = params.get("filename*");
  const filename = extended ? decodeURIComponent(extended.replace(/^[^']*'[^']*'/, "")) : params.get("filename");
  const contentType = headers.get("content-type");
  return {
    name: params.get("name") ?? "",
    ...(filename === undefined ? {} : { filename }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}
