import type { Draft, DraftSegment } from "../nemo/types";
import type { Caption, RenderSpec, Slide } from "./render";

/** Track types of the draft's short keys: 0 video, 1 audio, 7 text. */
const TT_VIDEO = 0;
const TT_TEXT = 7;
/** Drafts are laid out for 1080 px wide video; the local render is 720 px wide. */
const FONT_SCALE = 720 / 1080;

/** Looks an upload's bytes up by its sha256 (or a prefix of it, as the simulator's `upload://` sources carry). */
export type ImageLookup = (sha256Prefix: string) => Uint8Array | undefined;

const ms = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/** `upload://<sha256 prefix>/<name>` → the prefix. */
export function uploadHash(src: unknown): string | undefined {
  return typeof src === "string" ? /^upload:\/\/([0-9a-f]{8,64})\//i.exec(src)?.[1]?.toLowerCase() : undefined;
}

/**
 * What to encode for a draft: one slide per video-track segment (the uploaded photo when its bytes are known,
 * else a colour card named after it) and every text-track segment as a timed caption.
 */
export function planFromDraft(draft: Draft | undefined, lookup: ImageLookup): RenderSpec {
  const tracks = Array.isArray(draft?.t) ? draft.t : [];
  const title = typeof draft?.m?.title === "string" ? draft.m.title : undefined;
  const videoSegments = tracks
    .filter((track) => track.tt === TT_VIDEO)
    .flatMap((track) => track.sg ?? [])
    .sort((a, b) => ms(a.st, 0) - ms(b.st, 0));
  const slides: Slide[] = videoSegments.map((segment: DraftSegment) => {
    const seconds = ms(segment.d, 3000) / 1000;
    const hash = uploadHash(segment.m?.src);
    const image = hash ? lookup(hash) : undefined;
    if (image) return { image, seconds };
    const name = typeof segment.m?.name === "string" ? segment.m.name : undefined;
    return { seconds, label: hash ? (name ?? "Clip") : (title ?? name ?? "NemoVideo") };
  });
  const captions: Caption[] = tracks
    .filter((track) => track.tt === TT_TEXT)
    .flatMap((track) =>
      (track.sg ?? []).map((segment): Caption | undefined => {
        const text = segment.m?.text;
        if (typeof text !== "string" || !text.trim()) return undefined;
        const isTitle = track.m?.name === "Title" || segment.m?.name === "Title";
        const start = ms(segment.st, 0) / 1000;
        const size = Math.round(ms(segment.m?.size, isTitle ? 48 : 32) * FONT_SCALE * 1.5);
        return {
          text,
          start,
          end: start + ms(segment.d, 3000) / 1000,
          position: isTitle ? "top" : "bottom",
          size: Math.max(20, Math.min(110, size)),
          ...(typeof segment.m?.color === "string" ? { color: segment.m.color } : {}),
        };
      }),
    )
    .filter((caption): caption is Caption => caption !== undefined);
  if (slides.length === 0) slides.push({ seconds: 5, label: title ?? "NemoVideo" });
  return { slides, captions };
}
