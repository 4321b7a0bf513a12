import { isRecord } from "../shared/is-record";

/**
 * What the agent's output says about a two-stage generation (nemo-api.md §4.4): the raw clip a
 * generation tool made, the extras (music, title, effects) the backend then added on its own, and the
 * trailing "temporary issue" remark that may follow otherwise normal output. Every shape here is an
 * assumption (§19, §21), so everything is read loosely and an unreadable part is skipped.
 */

type Json = Record<string, unknown>;

/** The tools that make a raw clip (the same names the progress stage keys on). */
export function isGenerationTool(name: string): boolean {
  return /generate_video|seedance|video_gen/i.test(name);
}

const VIDEO_PATH = /\.(mp4|mov|webm|m4v|mkv)$/i;
const URL_KEYS = ["video_url", "videoUrl", "url", "output_url", "outputUrl", "cdn_url", "cdnUrl", "src", "video"];
const NOT_THE_CLIP = /thumb|cover|poster|image|preview_image|audio|music/i;

const httpUrl = (value: unknown): string | undefined => {
  if (typeof value !== "string" || !/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value).toString();
  } catch {
    return undefined;
  }
};
const looksLikeVideo = (url: string) => VIDEO_PATH.test(new URL(url).pathname);

/**
 * The clip URL in a generation tool's result: a URL under a clip-like key (`video_url`, `url`, …) or any
 * URL whose path ends in a video extension, searched a few levels deep; thumbnails and audio are skipped.
 */
export function clipUrlInResult(result: unknown, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  if (Array.isArray(result)) {
    for (const item of result) {
      const found = clipUrlInResult(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(result)) return undefined;
  for (const key of URL_KEYS) {
    const url = httpUrl(result[key]);
    if (url) return url;
  }
  for (const [key, value] of Object.entries(result)) {
    if (NOT_THE_CLIP.test(key)) continue;
    const url = httpUrl(value);
    if (url && looksLikeVideo(url)) return url;
    const nested = typeof value === "object" ? clipUrlInResult(value, depth + 1) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

/** The newest video in the state's `generated_media` (a list, or an object holding one), if any. */
export function latestGeneratedClip(generatedMedia: unknown): string | undefined {
  const list = Array.isArray(generatedMedia)
    ? generatedMedia
    : isRecord(generatedMedia)
      ? (Object.values(generatedMedia).find(Array.isArray) ?? [generatedMedia])
      : [];
  for (const entry of [...list].reverse()) {
    if (!isRecord(entry)) continue;
    const kind = String(entry.type ?? entry.kind ?? entry.media_type ?? "");
    const url = URL_KEYS.map((key) => httpUrl(entry[key])).find((value) => value !== undefined);
    if (url && (/video/i.test(kind) || looksLikeVideo(url))) return url;
  }
  return undefined;
}

/** One thing the backend added on its own after the raw clip. */
export type Extra = { kind: "music" | "title" | "text" | "effect"; label?: string };

const numberOf = (value: unknown) =>
  typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
const tracksOf = (draft: unknown): Json[] =>
  isRecord(draft) && Array.isArray(draft.t) ? draft.t.filter(isRecord) : [];
const segmentsOf = (track: Json): Json[] => (Array.isArray(track.sg) ? track.sg.filter(isRecord) : []);
const metaOf = (value: unknown): Json => (isRecord(value) && isRecord(value.m) ? value.m : {});
const short = (value: unknown): string | undefined => {
  const raw = isRecord(value) ? (value.content ?? value.text ?? value.value) : value;
  if (typeof raw !== "string" || !raw.trim()) return undefined;
  const text = raw.trim().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};
const segmentKey = (tt: number, segment: Json) =>
  typeof segment.id === "string"
    ? `id:${segment.id}`
    : `${tt}:${short(metaOf(segment).name)}:${short(metaOf(segment).text)}`;

/**
 * Segments on non-video tracks that are in `after` and not in `before` (matched by id, else by type,
 * name and text), as music, a title, a text or an effect with a short label. Same kind and label once.
 */
export function extrasAdded(before: unknown, after: unknown): Extra[] {
  const known = new Set(
    tracksOf(before).flatMap((track) => segmentsOf(track).map((s) => segmentKey(numberOf(track.tt), s))),
  );
  const extras: Extra[] = [];
  for (const track of tracksOf(after)) {
    const tt = numberOf(track.tt);
    if (tt === 0) continue;
    for (const segment of segmentsOf(track)) {
      if (known.has(segmentKey(tt, segment))) continue;
      const m = metaOf(segment);
      const isTitle = /title/i.test(`${short(metaOf(track).name) ?? ""} ${short(m.name) ?? ""}`);
      const extra: Extra =
        tt === 1
          ? { kind: "music", label: short(m.name) ?? short(m.title) }
          : tt === 7
            ? { kind: isTitle ? "title" : "text", label: short(m.text) ?? short(m.content) }
            : { kind: "effect", label: short(m.name) ?? short(m.effect) ?? short(metaOf(track).name) };
      if (!extras.some((e) => e.kind === extra.kind && e.label === extra.label)) extras.push(extra);
    }
  }
  return extras;
}

const TEMPORARY_ISSUE =
  /[^.!?。！？\n]*(?:temporary|transient|temporarily)\s+(?:issue|problem|error|glitch|hiccup)[^.!?。！？\n]*[.!?。！？]?|[^。！？\n]*(?:临时问题|临时错误|暂时的问题|暂时出现问题)[^。！？\n]*[。！？]?/gi;

/** Whether a text mentions the backend's "temporary issue" remark (§4.4: it can be ignored). */
export function mentionsTemporaryIssue(text: string): boolean {
  TEMPORARY_ISSUE.lastIndex = 0;
  return TEMPORARY_ISSUE.test(text);
}

/** The text without its "temporary issue" sentences. */
export function withoutTemporaryIssue(text: string): string {
  return text
    .replace(TEMPORARY_ISSUE, "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}
