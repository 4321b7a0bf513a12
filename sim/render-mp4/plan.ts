import { tidyDraft } from "../nemo/drift";
import type { Draft } from "../nemo/types";
import { colourOf, fontSizeOf, metaOf, positionOf, textOf, timingOf, trackTypeOf, volumeOf } from "./draft-fields";
import type { Music } from "./music";
import type { Caption, RenderSpec, Slide } from "./render";

/** Track types of the draft's short keys: 0 video, 1 audio, 7 text. */
const TT_VIDEO = 0;
const TT_AUDIO = 1;
const TT_TEXT = 7;
/** Drafts are laid out for 1080 px wide video; the local render is 720 px wide. */
const FONT_SCALE = 720 / 1080;

/** Looks an upload's bytes up by its sha256 (or a prefix of it, as the simulator's `upload://` sources carry). */
export type ImageLookup = (sha256Prefix: string) => Uint8Array | undefined;

/** `upload://<sha256 prefix>/<name>` → the prefix. */
export function uploadHash(src: unknown): string | undefined {
  return typeof src === "string" ? /^upload:\/\/([0-9a-f]{8,64})\//i.exec(src)?.[1]?.toLowerCase() : undefined;
}

type Track = { tt?: unknown; sg?: unknown; m?: unknown };

const segmentsOf = (track: Track): unknown[] => (Array.isArray(track.sg) ? track.sg : []);
const nameOf = (value: unknown): string | undefined => {
  const name = metaOf({ m: value }).name;
  return typeof name === "string" ? name : undefined;
};

/**
 * What to encode for a draft: one slide per video-track segment (the uploaded photo when its bytes are known,
 * else a colour card named after it), every text-track segment as a timed caption with its own colour, size
 * and position, and every audio-track segment as background music at its volume.
 */
export function planFromDraft(submitted: Draft | undefined, lookup: ImageLookup): RenderSpec {
  // Drafts arrive as the state sent them, drifted types and word track types included (sim/nemo/drift.ts).
  const draft = submitted === undefined ? undefined : tidyDraft(submitted);
  const tracks: Track[] = Array.isArray(draft?.t) ? draft.t : [];
  const title = typeof draft?.m?.title === "string" ? draft.m.title : undefined;
  const ofType = (tt: number) => tracks.filter((track) => trackTypeOf(track) === tt);
  const videoSegments = ofType(TT_VIDEO)
    .flatMap(segmentsOf)
    .sort((a, b) => (timingOf(a).st ?? 0) - (timingOf(b).st ?? 0));
  const slides: Slide[] = videoSegments.map((segment) => {
    const seconds = (timingOf(segment).d ?? 3000) / 1000;
    const meta = metaOf(segment);
    const hash = uploadHash(meta.src);
    const image = hash ? lookup(hash) : undefined;
    if (image) return { image, seconds };
    const name = typeof meta.name === "string" ? meta.name : undefined;
    return { seconds, label: hash ? (name ?? "Clip") : (title ?? name ?? "NemoVideo") };
  });
  const captions: Caption[] = ofType(TT_TEXT).flatMap((track) =>
    segmentsOf(track).flatMap((segment): Caption[] => {
      const meta = metaOf(segment);
      const text = textOf(meta);
      if (!text) return [];
      const isTitle = nameOf(track.m) === "Title" || meta.name === "Title";
      const { st, d } = timingOf(segment);
      const start = (st ?? 0) / 1000;
      const size = Math.round((fontSizeOf(meta) ?? (isTitle ? 48 : 32)) * FONT_SCALE * 1.5);
      const colour = colourOf(meta);
      return [
        {
          text,
          start,
          end: start + (d ?? 3000) / 1000,
          position: positionOf(meta) ?? (isTitle ? "top" : "bottom"),
          size: Math.max(20, Math.min(110, size)),
          ...(colour ? { color: colour } : {}),
        },
      ];
    }),
  );
  const music: Music[] = ofType(TT_AUDIO).flatMap((track) =>
    segmentsOf(track).flatMap((segment): Music[] => {
      const meta = metaOf(segment);
      const { st, d } = timingOf(segment);
      const volume = volumeOf(meta) ?? 1;
      const start = (st ?? 0) / 1000;
      // A segment without a duration plays to the end of the video.
      return [{ start, end: d === undefined ? Number.POSITIVE_INFINITY : start + d / 1000, volume }];
    }),
  );
  if (slides.length === 0) slides.push({ seconds: 5, label: title ?? "NemoVideo" });
  return { slides, captions, ...(music.length > 0 ? { music } : {}) };
}
