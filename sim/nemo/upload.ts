import { createHash } from "node:crypto";
import { authenticate, type Sim, userSegmentOk } from "./context";
import { type Ctx, isObject, readJson, sendCode, sendDetail, sendOk, sendValidation } from "./http";
import { boundaryOf, MultipartError, type MultipartPart, parseMultipart } from "./multipart";
import type { Session } from "./state";
import type { UploadRecord } from "./types";

/** Accepted extensions (§6, plus `.jpeg` which the CLI sends). */
const KINDS: Record<string, "video" | "image" | "audio"> = {
  mp4: "video",
  mov: "video",
  avi: "video",
  webm: "video",
  mkv: "video",
  jpg: "image",
  jpeg: "image",
  png: "image",
  gif: "image",
  webp: "image",
  mp3: "audio",
  wav: "audio",
  m4a: "audio",
  aac: "audio",
};

export function kindOf(filename: string): "video" | "image" | "audio" | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : KINDS[ext];
}

/** POST /api/upload-video/nemo_agent/{me|user}/{session} (§6): multipart `files` or JSON `{urls, source_type}`. */
export async function upload(ctx: Ctx, sim: Sim): Promise<void> {
  const account = authenticate(ctx, sim);
  if (!account) return;
  const session = userSegmentOk(account, ctx.params.user)
    ? sim.store.sessionFor(account, ctx.params.session)
    : undefined;
  if (!session) {
    sendCode(ctx, 1002);
    return;
  }
  const type = ctx.req.headers["content-type"] ?? "";
  if (/^application\/json/i.test(type)) return uploadUrls(ctx, sim, session);
  const boundary = boundaryOf(type);
  if (!boundary) {
    sendValidation(ctx, ["files"], "expected multipart/form-data with a `files` field, or JSON {urls, source_type}");
    return;
  }
  // A declared length far above the limit is refused before reading a byte, like a gateway would.
  const declared = Number(ctx.req.headers["content-length"] ?? Number.NaN);
  if (declared > sim.config.uploadMaxBytes + 1024 * 1024) {
    sendCode(ctx, 4002);
    return;
  }
  let parts: MultipartPart[];
  try {
    parts = await parseMultipart(ctx.req, boundary);
  } catch (e) {
    if (!(e instanceof MultipartError)) throw e;
    sendValidation(ctx, ["files"], e.message);
    return;
  }
  ctx.record.bodySummary = parts.map(({ field, filename, contentType, size, sha256 }) => ({
    field,
    filename,
    contentType,
    size,
    sha256,
  }));
  const files = parts.filter((p) => p.field === "files" && p.filename !== undefined);
  if (files.length === 0) {
    sendValidation(ctx, ["files"], "Field required");
    return;
  }
  // All or nothing: one bad file refuses the whole request and attaches nothing.
  if (files.some((f) => kindOf(f.filename ?? "") === undefined)) return sendCode(ctx, 4001);
  if (files.some((f) => f.size > sim.config.uploadMaxBytes)) return sendCode(ctx, 4002);
  const records = files.map(
    (f): UploadRecord => ({
      filename: f.filename ?? "",
      contentType: f.contentType ?? "application/octet-stream",
      size: f.size,
      sha256: f.sha256,
      via: "multipart",
      ...(f.firstByteAt === undefined ? {} : { firstByteAt: f.firstByteAt, lastByteAt: f.lastByteAt }),
    }),
  );
  sendOk(ctx, { files: attach(sim, session, records), session_state_applied: true });
}

async function uploadUrls(ctx: Ctx, sim: Sim, session: Session): Promise<void> {
  const body = await readJson(ctx);
  if (body === undefined) return;
  const urls = isObject(body) ? body.urls : undefined;
  if (!isObject(body) || body.source_type !== "url" || !Array.isArray(urls) || urls.length === 0) {
    sendValidation(ctx, ["urls"], 'expected {"urls": [..], "source_type": "url"}');
    return;
  }
  const parsed: URL[] = [];
  for (const u of urls) {
    const url = typeof u === "string" && URL.canParse(u) ? new URL(u) : undefined;
    if (!url || !/^https?:$/.test(url.protocol)) return sendDetail(ctx, 422, `not a http(s) URL: ${String(u)}`);
    parsed.push(url);
  }
  const names = parsed.map((u) => decodeURIComponent(u.pathname.split("/").pop() ?? ""));
  if (names.some((n) => kindOf(n) === undefined)) return sendCode(ctx, 4001);
  const records: UploadRecord[] = [];
  for (const [i, url] of parsed.entries()) {
    const filename = names[i] ?? "file";
    const fetched = sim.config.fetchUrls ? await fetchInfo(url) : { size: 0, sha256: "" };
    if (fetched.size > sim.config.uploadMaxBytes) return sendCode(ctx, 4002);
    records.push({ filename, contentType: mimeOf(filename), ...fetched, via: "url", url: url.href });
  }
  sendOk(ctx, { files: attach(sim, session, records), session_state_applied: true });
}

/** Streams a URL through sha256; an unreachable URL is accepted with size 0 (the real import is asynchronous). */
async function fetchInfo(url: URL): Promise<{ size: number; sha256: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const hash = createHash("sha256");
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.length;
        hash.update(chunk);
      }
    }
    return { size, sha256: hash.digest("hex") };
  } catch {
    return { size: 0, sha256: "" };
  }
}

function mimeOf(filename: string): string {
  const ext = filename.split(".").pop()?.toLowerCase() ?? "";
  const kind = kindOf(filename) ?? "application";
  const sub: Record<string, string> = {
    mov: "quicktime",
    avi: "x-msvideo",
    mkv: "x-matroska",
    jpg: "jpeg",
    mp3: "mpeg",
    m4a: "mp4",
  };
  return `${kind}/${sub[ext] ?? ext}`;
}

/** Records uploads on the session and in `video_infos`; returns the response's `files` entries. */
function attach(sim: Sim, session: Session, records: UploadRecord[]): Record<string, unknown>[] {
  return records.map((r) => {
    const kind = kindOf(r.filename) ?? "video";
    const hash = r.sha256 || sim.rng.hex(32);
    const info = {
      filename: r.filename,
      file_type: kind,
      cdn_url: `https://static1.nemovideo.ai/upload/${session.sessionId}/${hash.slice(0, 12)}/${encodeURIComponent(r.filename)}`,
      duration: kind === "image" ? 0 : sim.rng.int(50, 300) / 10,
      width: 1080,
      height: kind === "image" ? 1350 : 1920,
      ...(kind === "video" ? { fps: 30 } : {}),
      hash,
    };
    session.uploads.push(r);
    session.videoInfos.push(info);
    session.videoAnalyses[r.filename] = { summary: `A ${kind} named ${r.filename}`, tags: [kind] };
    return info;
  });
}
