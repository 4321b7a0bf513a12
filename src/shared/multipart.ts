/**
 * A streaming multipart/form-data body (RFC 7578). Workers have 128 MB of memory and videos can be
 * larger, so file parts are piped chunk by chunk from their source streams and never buffered whole.
 * Used for NemoVideo uploads and Telegram sendVideo alike, hence nothing here knows either API.
 */

export type MultipartPart = {
  /** Form field name, e.g. "files" (repeat the name for several files). */
  name: string;
  /** Present for file parts. */
  filename?: string;
  /** Defaults to application/octet-stream for file parts; omitted for plain text fields. */
  contentType?: string;
  value: string | ReadableStream<Uint8Array>;
  /** Byte length of a stream value. When every stream part has one, the body's length is known. */
  size?: number;
};

export type MultipartBody = {
  body: ReadableStream<Uint8Array>;
  /** The Content-Type header, boundary included. */
  contentType: string;
  /** Exact body length in bytes, when known: enough for a FixedLengthStream or Content-Length. */
  length?: number;
};

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");

// The HTML form encoding (WHATWG "multipart/form-data encoding algorithm") escapes only these three,
// which is what servers parsing browser uploads expect; other characters go through as UTF-8.
function quoted(value: string): string {
  return value.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}

function partHeader(boundary: string, part: MultipartPart): Uint8Array {
  let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"`;
  if (part.filename !== undefined) head += `; filename="${quoted(part.filename)}"`;
  head += "\r\n";
  const contentType = part.contentType ?? (part.filename !== undefined ? "application/octet-stream" : undefined);
  if (contentType) head += `Content-Type: ${contentType.replace(/[\r\n]/g, "")}\r\n`;
  return encoder.encode(`${head}\r\n`);
}

/** A boundary that cannot occur by chance in the file bytes (RFC 2046 allows up to 70 characters). */
function randomBoundary(): string {
  return `----NemoFormBoundary${crypto.randomUUID().replace(/-/g, "")}`;
}

/** The body's byte count, known only when every stream part declared its `size`. */
function bodyLength(parts: MultipartPart[], headers: Uint8Array[], trailer: Uint8Array): number | undefined {
  let length = trailer.byteLength;
  for (const [index, part] of parts.entries()) {
    const valueLength = typeof part.value === "string" ? encoder.encode(part.value).byteLength : part.size;
    if (valueLength === undefined) return undefined;
    length += (headers[index]?.byteLength ?? 0) + valueLength + CRLF.byteLength;
  }
  return length;
}

/**
 * Builds the body as a pull-driven stream: each read pulls at most one chunk from the current source,
 * so backpressure from the consumer reaches the sources. A stream part that declared `size` is checked
 * against the bytes it actually produced, because a wrong size would only surface later as an opaque
 * FixedLengthStream failure.
 */
export function multipartStream(parts: MultipartPart[], options: { boundary?: string } = {}): MultipartBody {
  const boundary = options.boundary ?? randomBoundary();
  const trailer = encoder.encode(`--${boundary}--\r\n`);
  const headers = parts.map((part) => partHeader(boundary, part));

  const length = bodyLength(parts, headers, trailer);
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let sent = 0;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (true) {
        const part = parts[index];
        if (!part) {
          controller.enqueue(trailer);
          controller.close();
          return;
        }
        if (typeof part.value === "string") {
          controller.enqueue(headers[index] ?? new Uint8Array());
          controller.enqueue(encoder.encode(part.value));
          controller.enqueue(CRLF);
          index++;
          return;
        }
        if (!reader) {
          reader = part.value.getReader();
          sent = 0;
          controller.enqueue(headers[index] ?? new Uint8Array());
          return;
        }
        const { done, value } = await reader.read();
        if (!done) {
          if (value.byteLength === 0) continue;
          sent += value.byteLength;
          controller.enqueue(value);
          return;
        }
        reader.releaseLock();
        reader = undefined;
        if (part.size !== undefined && sent !== part.size) {
          throw new Error(`multipart part "${part.name}" produced ${sent} bytes but declared ${part.size}`);
        }
        controller.enqueue(CRLF);
        index++;
        return;
      }
    },
    async cancel(reason) {
      // Release every source still pending, so upstream fetches (e.g. a Telegram file download) close too.
      await reader?.cancel(reason).catch(() => {});
      for (const part of parts.slice(reader ? index + 1 : index)) {
        if (typeof part.value !== "string") await part.value.cancel(reason).catch(() => {});
      }
    },
  });

  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length };
}
