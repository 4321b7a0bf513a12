import { describe, expect, it } from "vitest";
import { MultipartParser, parsePartHeaders } from "../../sim/telegram/multipart";

const BOUNDARY = "----------abc123";

/** A grammY-style body whose file content contains near-delimiters, the classic place where streaming parsers break. */
function body(): { bytes: Buffer; file: Buffer } {
  const file = Buffer.concat([
    Buffer.from("\r\n--"),
    Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}`),
    Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)),
    Buffer.from("\r\n-"),
  ]);
  const bytes = Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42`),
    Buffer.from(`\r\n--${BOUNDARY}\r\ncontent-disposition:form-data;name="video"\r\n\r\nattach://f1`),
    Buffer.from(
      `\r\n--${BOUNDARY}\r\ncontent-disposition:form-data;name="f1";filename=clip one.mp4\r\ncontent-type:application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return { bytes, file };
}

function parse(bytes: Buffer, chunkSizes: (index: number) => number) {
  const parts: Array<{ name: string; filename?: string; data: Buffer }> = [];
  const parser = new MultipartParser(BOUNDARY, (headers) => {
    const chunks: Buffer[] = [];
    return {
      data: (chunk) => chunks.push(Buffer.from(chunk)),
      end: () => parts.push({ ...headers, data: Buffer.concat(chunks) }),
    };
  });
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, chunkSizes(i));
    parser.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  parser.end();
  return parts;
}

describe("streaming multipart parser", () => {
  const { bytes, file } = body();

  it.each([1, 2, 3, 7, 16, 17, 64, 1000])("parses identically when fed in %i-byte chunks", (size) => {
    const parts = parse(bytes, () => size);
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ["chat_id", undefined],
      ["video", undefined],
      ["f1", "clip one.mp4"],
    ]);
    expect(parts[0]?.data.toString()).toBe("42");
    expect(parts[1]?.data.toString()).toBe("attach://f1");
    expect(parts[2]?.data.equals(file)).toBe(true);
  });

  it("parses identically for every split point of a two-chunk body", () => {
    for (let split = 1; split < bytes.length; split++) {
      const parts = parse(bytes, (i) => (i === 0 ? split : bytes.length));
      expect(parts[2]?.data.equals(file)).toBe(true);
    }
  });

  it("rejects a body without its closing boundary", () => {
    const parser = new MultipartParser(BOUNDARY, () => ({ data: () => undefined, end: () => undefined }));
    parser.write(bytes.subarray(0, bytes.length - 10));
    expect(() => parser.end()).toThrow(/closing boundary/);
  });

  it("reads quoted, unquoted and RFC 5987 filenames", () => {
    expect(
      parsePartHeaders('Content-Disposition: form-data; name="a"; filename="x y.mp4"\r\nContent-Type: video/mp4'),
    ).toEqual({
      name: "a",
      filename: "x y.mp4",
      contentType: "video/mp4",
    });
    expect(
      parsePartHeaders("content-disposition:form-data;name=\"b\";filename*=UTF-8''%F0%9F%8E%AC.mp4").filename,
    ).toBe("🎬.mp4");
  });
});
