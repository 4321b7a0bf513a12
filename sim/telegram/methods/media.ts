import { createHash } from "node:crypto";
import type { Message, PhotoSize } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import type { FileKind, StoredFile } from "../files.js";
import { optionalInt, optionalString } from "../params.js";
import type { FakeState, MethodHandler } from "../state.js";
import type { ParamValue, RecordedFile } from "../types.js";
import { baseMessage, targetChat } from "./common.js";
import { messageCaption } from "./messages.js";

/** Sizes Telegram fetches from an HTTP URL: 5 MB for photos, 20 MB for other files (Bot API "Sending files"). */
const URL_LIMIT: Record<"photo" | "other", number> = { photo: 5 * 1024 * 1024, other: 20 * 1024 * 1024 };
const WRONG_ID = "wrong file identifier/HTTP URL specified";

const isRecordedFile = (value: ParamValue | undefined): value is RecordedFile =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "sha256" in value && "firstByteAt" in value;

const label = (kind: FileKind): string => kind[0]?.toUpperCase() + kind.slice(1);

/** The file a send refers to: an upload, an HTTP URL Telegram fetches, or an existing file_id. */
async function inputFile(state: FakeState, value: ParamValue | undefined, kind: FileKind, signal: AbortSignal) {
  if (value === undefined || value === null || value === "") throw badRequest(`there is no ${kind} in the request`);
  if (isRecordedFile(value)) {
    if (value.size === 0) throw badRequest("file must be non-empty");
    return state.files.addUploaded(value, kind);
  }
  if (typeof value !== "string" || value.startsWith("attach://")) throw badRequest(WRONG_ID);
  if (/^https?:\/\//i.test(value)) return fetchUrl(state, value, kind, signal);
  const stored = state.files.get(value);
  if (!stored) throw badRequest(WRONG_ID);
  // Photos and other media are different storage classes on Telegram; their ids are not interchangeable.
  if ((stored.kind === "photo") !== (kind === "photo")) {
    throw badRequest(`can't use file of type ${label(stored.kind)} as ${label(kind)}`);
  }
  return stored;
}

/** Telegram downloads URL inputs itself; the fake does too, hashing as it streams. */
async function fetchUrl(state: FakeState, url: string, kind: FileKind, signal: AbortSignal): Promise<StoredFile> {
  const limit = URL_LIMIT[kind === "photo" ? "photo" : "other"];
  try {
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > limit) throw new Error("too big");
      hash.update(chunk);
    }
    const mime = response.headers.get("content-type")?.split(";")[0] ?? "application/octet-stream";
    const name = new URL(url).pathname.split("/").pop() || undefined;
    return state.files.addHashOnly(kind, mime, size, hash.digest("hex"), name);
  } catch {
    throw badRequest("failed to get HTTP URL content");
  }
}

function photoSizes(state: FakeState, file: StoredFile, params: Record<string, ParamValue>): PhotoSize[] {
  const width = optionalInt(params, "width") ?? 1280;
  const height = optionalInt(params, "height") ?? 720;
  // Telegram stores downscaled copies; the original is the largest, listed last.
  const smaller = [90, 320].map((side) => {
    const scale = side / Math.max(width, height);
    const copy = state.files.add({
      size: Math.max(1024, Math.round(file.file_size * scale * scale)),
      mimeType: "image/jpeg",
    });
    return {
      file_id: copy.file_id,
      file_unique_id: copy.file_unique_id,
      file_size: copy.file_size,
      width: Math.round(width * scale),
      height: Math.round(height * scale),
    };
  });
  return [
    ...smaller,
    { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width, height },
  ];
}

function mediaSender(kind: "video" | "document" | "photo" | "animation"): MethodHandler {
  return async ({ state, params, signal }) => {
    const chat = targetChat(state, params);
    const caption = messageCaption(params);
    // Like Telegram, take the file first; the message id is only allocated once the file is usable.
    const file = await inputFile(state, params[kind], kind, signal);
    const message: Message = baseMessage(state, chat, params);
    const common = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      mime_type: file.mimeType,
      ...(file.fileName === undefined ? {} : { file_name: file.fileName }),
    };
    // Vertical 9:16 is what this product renders; explicit params win.
    const dims = {
      width: optionalInt(params, "width") ?? 720,
      height: optionalInt(params, "height") ?? 1280,
      duration: optionalInt(params, "duration") ?? 15,
    };
    if (kind === "photo") message.photo = photoSizes(state, file, params);
    if (kind === "video") message.video = { ...common, ...dims };
    if (kind === "document") message.document = common;
    if (kind === "animation") {
      message.animation = { ...common, ...dims };
      message.document = common;
    }
    if (caption) {
      message.caption = caption.text;
      if (caption.entities.length) message.caption_entities = caption.entities;
    }
    state.chats.record(message, true);
    return message;
  };
}

const getFile: MethodHandler = ({ state, params }) => {
  const file = state.files.get(optionalString(params, "file_id") ?? "");
  if (!file) throw badRequest("invalid file_id");
  if (file.file_size > state.limits.downloadBytes) throw badRequest("file is too big");
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.file_size,
    file_path: file.file_path,
  };
};

export const mediaMethods: Record<string, MethodHandler> = {
  sendVideo: mediaSender("video"),
  sendDocument: mediaSender("document"),
  sendPhoto: mediaSender("photo"),
  sendAnimation: mediaSender("animation"),
  getFile,
};
