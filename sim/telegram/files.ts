import { createHash, randomBytes } from "node:crypto";
import { retainedBytes } from "./body.js";
import type { AddedFile, AddFileInput, RecordedFile } from "./types.js";

export type FileKind = "photo" | "video" | "animation" | "document" | "audio" | "voice" | "sticker";

/** A file Telegram would host; bytes are kept, regenerated on demand, or (big uploads) not available. */
export interface StoredFile extends AddedFile {
  kind: FileKind;
  mimeType: string;
  fileName?: string;
  source: { kind: "bytes"; bytes: Uint8Array } | { kind: "generated"; seed: string } | { kind: "hashOnly" };
}

const BLOCK = 64 * 1024;
/** file_id prefixes of real Bot API ids per media type, so ids look like what the bot meets in production. */
const ID_PREFIX: Record<FileKind, string> = {
  photo: "AgACAgIAAxkBAAI",
  video: "BAACAgIAAxkBAAI",
  animation: "CgACAgIAAxkBAAI",
  document: "BQACAgIAAxkBAAI",
  audio: "CQACAgIAAxkBAAI",
  voice: "AwACAgIAAxkBAAI",
  sticker: "CAACAgIAAxkBAAI",
};
const FOLDER: Record<FileKind, [string, string]> = {
  photo: ["photos", "jpg"],
  video: ["videos", "mp4"],
  animation: ["animations", "mp4"],
  document: ["documents", "dat"],
  audio: ["music", "mp3"],
  voice: ["voice", "oga"],
  sticker: ["stickers", "webp"],
};
/** Leading bytes real files start with, so content sniffing in the bot sees a plausible type. */
const MAGIC: Record<string, number[]> = {
  "image/jpeg": [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00],
  "image/png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  "video/mp4": [0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32],
};

export function kindOfMime(mimeType: string): FileKind {
  if (mimeType.startsWith("image/")) return "photo";
  if (mimeType.startsWith("video/")) return "video";
  if (mimeType.startsWith("audio/ogg")) return "voice";
  if (mimeType.startsWith("audio/")) return "audio";
  return "document";
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  add(input: AddFileInput & { kind?: FileKind; fileName?: string }): StoredFile {
    const mimeType = input.mimeType ?? "image/jpeg";
    const kind = input.kind ?? kindOfMime(mimeType);
    let source: StoredFile["source"];
    let size: number;
    let sha256: string;
    if (input.bytes) {
      source = { kind: "bytes", bytes: input.bytes };
      size = input.bytes.byteLength;
      sha256 = createHash("sha256").update(input.bytes).digest("hex");
    } else {
      const seed = input.seed ?? `file-${this.counter}`;
      source = { kind: "generated", seed };
      size = input.size ?? 64 * 1024;
      const hash = createHash("sha256");
      // Hashing consumes each block at once, so one reused block suffices: no 30 MB of garbage for a 30 MB file.
      for (const chunk of generateBytes(seed, size, mimeType, true)) hash.update(chunk);
      sha256 = hash.digest("hex");
    }
    return this.store({ kind, mimeType, size, sha256, source, filePath: input.filePath, fileName: input.fileName });
  }

  /** Registers a file the bot uploaded; small ones stay downloadable. */
  addUploaded(file: RecordedFile, kind: FileKind): StoredFile {
    const bytes = retainedBytes.get(file);
    const mimeType = file.contentType === "application/octet-stream" ? defaultMime(kind) : file.contentType;
    return this.store({
      kind,
      mimeType,
      size: file.size,
      sha256: file.sha256,
      source: bytes ? { kind: "bytes", bytes } : { kind: "hashOnly" },
      fileName: file.filename,
    });
  }

  /** Registers a file known only by its hash and size (fetched from a URL). */
  addHashOnly(kind: FileKind, mimeType: string, size: number, sha256: string, fileName?: string): StoredFile {
    return this.store({ kind, mimeType, size, sha256, source: { kind: "hashOnly" }, fileName });
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(path: string): StoredFile | undefined {
    return this.byPath.get(path);
  }

  clear(): void {
    this.byId.clear();
    this.byPath.clear();
  }

  private store(spec: {
    kind: FileKind;
    mimeType: string;
    size: number;
    sha256: string;
    source: StoredFile["source"];
    filePath?: string | undefined;
    fileName?: string | undefined;
  }): StoredFile {
    const n = this.counter++;
    const [folder, ext] = FOLDER[spec.kind];
    const extension = spec.fileName?.includes(".") ? spec.fileName.split(".").pop() : ext;
    const file: StoredFile = {
      file_id:
        ID_PREFIX[spec.kind] +
        randomBytes(48)
          .toString("base64url")
          .slice(0, 56 + (n % 8)),
      file_unique_id: `AQAD${randomBytes(9).toString("base64url")}`,
      file_size: spec.size,
      file_path: spec.filePath ?? `${folder}/file_${n}.${extension}`,
      sha256: spec.sha256,
      kind: spec.kind,
      mimeType: spec.mimeType,
      source: spec.source,
      ...(spec.fileName === undefined ? {} : { fileName: spec.fileName }),
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }
}

function defaultMime(kind: FileKind): string {
  return (
    { photo: "image/jpeg", video: "video/mp4", animation: "video/mp4", sticker: "image/webp" }[kind as string] ??
    "application/octet-stream"
  );
}

/** The public shape of addFile's answer. */
export const addedFile = (file: StoredFile): AddedFile => ({
  file_id: file.file_id,
  file_unique_id: file.file_unique_id,
  file_size: file.file_size,
  file_path: file.file_path,
  sha256: file.sha256,
});

/**
 * Deterministic pseudo-random bytes in 64 KB blocks. Each block is derived from (seed, index) alone,
 * so a 30 MB file is produced while streaming and never exists in memory as a whole.
 */
export function* generateBytes(seed: string, size: number, mimeType = "", reuseBlock = false): Generator<Uint8Array> {
  const base = createHash("sha256").update(seed).digest().readUInt32LE(0);
  const magic = MAGIC[mimeType] ?? [];
  const shared = reuseBlock ? new Uint32Array(BLOCK / 4) : undefined;
  for (let offset = 0, index = 0; offset < size; offset += BLOCK, index++) {
    // Streams keep written chunks until flushed, so only synchronous consumers may reuse the block.
    const words = shared ?? new Uint32Array(BLOCK / 4);
    let x = (base ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0 || 1;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    const block = new Uint8Array(words.buffer, 0, Math.min(BLOCK, size - offset));
    if (index === 0) block.set(magic.slice(0, block.length));
    yield block;
  }
}

/** The file's bytes as a stream of chunks, or undefined when the fake kept only its hash. */
export function fileChunks(file: StoredFile): Iterable<Uint8Array> | undefined {
  switch (file.source.kind) {
    case "bytes":
      return chunked(file.source.bytes);
    case "generated":
      return generateBytes(file.source.seed, file.file_size, file.mimeType);
    case "hashOnly":
      return undefined;
  }
}

function* chunked(bytes: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += BLOCK) yield bytes.subarray(offset, offset + BLOCK);
}
