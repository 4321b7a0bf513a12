import { describe, expect, it } from "vitest";
import { type MultipartPart, multipartStream } from "../../src/shared/multipart";
import { chunkedStream, controlledStream, readAll, streamOf } from "./nemo-fakes";

const encoder = new TextEncoder();
const bytes = (length: number, seed = 7) => new Uint8Array(length).map((_, i) => (i * seed + 3) % 256);

async function parse(body: ReadableStream<Uint8Array>, contentType: string) {
  return new Response(body, { headers: { "content-type": contentType } }).formData();
}

async function fileBytes(value: File | string | null | undefined): Promise<Uint8Array> {
  if (!(value instanceof File)) throw new Error("expected a file part");
  return new Uint8Array(await value.arrayBuffer());
}

describe("multipart bodies", () => {
  it("parse back into the same fields, filenames, types and bytes", async () => {
    const video = bytes(200_000);
    const image = bytes(1234, 13);
    const { body, contentType } = multipartStream([
      { name: "chat_id", value: "-1001234567890" },
      { name: "caption", value: 'Ready ✅ «quoted» "text"' },
      { name: "files", filename: "clip.mp4", contentType: "video/mp4", value: chunkedStream(video, [1, 4096, 70_000]) },
      { name: "files", filename: 'weird "name"\r\n.jpg', contentType: "image/jpeg", value: streamOf(image) },
      { name: "files", filename: "видео.mov", value: streamOf(new Uint8Array()) },
    ]);
    const form = await parse(body, contentType);
    expect(form.get("chat_id")).toBe("-1001234567890");
    expect(form.get("caption")).toBe('Ready ✅ «quoted» "text"');
    const files = form.getAll("files");
    expect(files.map((f) => (f instanceof File ? [f.name, f.type] : f))).toEqual([
      ["clip.mp4", "video/mp4"],
      ["weird %22name%22%0D%0A.jpg", "image/jpeg"],
      ["видео.mov", "application/octet-stream"],
    ]);
    expect(await fileBytes(files[0])).toEqual(video);
    expect(await fileBytes(files[1])).toEqual(image);
    expect(await fileBytes(files[2])).toEqual(new Uint8Array());
  });

  it.each<[string, () => MultipartPart[], boolean]>([
    [
      "text fields only",
      () => [
        { name: "a", value: "ü" },
        { name: "b", value: "" },
      ],
      true,
    ],
    [
      "files with sizes",
      () => [
        { name: "f", filename: "x.bin", value: streamOf(bytes(5000)), size: 5000 },
        { name: "t", value: "1" },
      ],
      true,
    ],
    ["a file without a size", () => [{ name: "f", filename: "x.bin", value: streamOf(bytes(10)) }], false],
    ["no parts", () => [], true],
  ])("computes the exact length for %s (known: %s)", async (_label, parts, known) => {
    const { body, length } = multipartStream(parts());
    const actual = (await readAll(body)).byteLength;
    if (known) expect(length).toBe(actual);
    else expect(length).toBeUndefined();
  });

  it("streams: the first bytes are readable before the source has closed", async () => {
    const source = controlledStream();
    const { body } = multipartStream(
      [{ name: "files", filename: "a.mp4", contentType: "video/mp4", value: source.stream }],
      {
        boundary: "XyZ",
      },
    );
    const reader = body.getReader();
    const header = new TextDecoder().decode((await reader.read()).value);
    expect(header).toBe(
      '--XyZ\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n',
    );
    source.push("chunk one");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("chunk one");
    source.push("chunk two");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("chunk two");
    source.close();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("\r\n--XyZ--\r\n");
  });

  it("fails loudly when a file yields a different size than declared", async () => {
    const { body } = multipartStream([{ name: "f", filename: "x", value: streamOf(bytes(10)), size: 11 }]);
    await expect(readAll(body)).rejects.toThrow(/produced 10 bytes but declared 11/);
  });

  it("cancelling the body cancels the pending sources", async () => {
    const cancelled: string[] = [];
    const source = (label: string) =>
      new ReadableStream<Uint8Array>({
        pull: (c) => c.enqueue(encoder.encode(label)),
        cancel: () => {
          cancelled.push(label);
        },
      });
    const { body } = multipartStream([
      { name: "f", filename: "1", value: source("one") },
      { name: "f", filename: "2", value: source("two") },
    ]);
    const reader = body.getReader();
    await reader.read(); // the first part's header
    await reader.read(); // a chunk of "one"
    await reader.cancel("user went away");
    expect(cancelled.sort()).toEqual(["one", "two"]);
  });

  it("uses a fresh random boundary per body", () => {
    const a = multipartStream([]).contentType;
    const b = multipartStream([]).contentType;
    expect(a).toMatch(/^multipart\/form-data; boundary=-+NemoFormBoundary[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
