import type { Rng } from "./random";
import type { Session } from "./state";
import { textMeta } from "./style";
import type { Draft, DraftSegment, DraftTrack } from "./types";
import { kindOf } from "./upload";

/** Track types (§5): 0 video, 1 audio/BGM, 7 text/title. */
export const TT = { video: 0, bgm: 1, text: 7 } as const;

export const TITLES = ["Urban Dreams", "Golden Hour", "Weekend Vibes", "City Lights", "Summer Stories"];
export const SONGS = ["Lo-fi Beats", "Upbeat Pop", "Chill Acoustic", "Epic Cinematic", "Sunny Ukulele"];
export const COLORS: Record<string, string> = {
  red: "#FF3B30",
  yellow: "#FFD60A",
  blue: "#0A84FF",
  green: "#30D158",
  white: "#FFFFFF",
  black: "#000000",
  pink: "#FF2D55",
  orange: "#FF9F0A",
  purple: "#BF5AF2",
};

export const seg = (rng: Rng, st: number, d: number, m: DraftSegment["m"]): DraftSegment => ({
  id: `seg_${rng.hex(10)}`,
  st,
  d,
  m,
});

export function tracks(draft: Draft): DraftTrack[] {
  draft.t ??= [];
  return draft.t;
}

/** A number also when a (drifted) draft gives it as a string ("10000", "48px"); 0 when unreadable. */
export const numberOf = (value: unknown): number => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
};

const end = (s: DraftSegment) => numberOf(s.st) + numberOf(s.d);

export function totalMs(draft: Draft): number {
  return Math.max(0, ...tracks(draft).flatMap((t) => (t.sg ?? []).map(end)));
}

/** "30-second", "30 s", "a 15 sec video" → ms. */
export function requestedMs(text: string): number | undefined {
  const m = /\b(\d{1,3})\s*-?\s*(?:seconds?|secs?|s)\b/i.exec(text);
  const n = m?.[1] === undefined ? undefined : Number(m[1]);
  return n !== undefined && n > 0 && n <= 600 ? n * 1000 : undefined;
}

/** Quoted words in the message: "…", “…” or «…» (not apostrophes, which appear in ordinary English). */
export function quoted(text: string): string | undefined {
  return /["“«]([^"”»]{1,80})["”»]/.exec(text)?.[1];
}

/**
 * Stage one of a generation (§4.4): a video track from the session's unused uploads (photos become a
 * slideshow), or one generated clip when nothing was uploaded. Replaces any earlier video track.
 */
export function generateVideoTrack(session: Session, rng: Rng, text: string): { media: number; totalMs: number } {
  const fresh = session.uploads.slice(session.consumedUploads).filter((u) => kindOf(u.filename) !== "audio");
  session.consumedUploads = session.uploads.length;
  const count = Math.max(1, fresh.length);
  const total = requestedMs(text) ?? (fresh.length > 0 ? Math.min(60_000, Math.max(6_000, count * 3_000)) : 15_000);
  const each = Math.floor(total / count);
  const segments =
    fresh.length > 0
      ? fresh.map((u, i) =>
          seg(rng, i * each, each, {
            name: u.filename,
            src: u.url ?? `upload://${u.sha256.slice(0, 16)}/${u.filename}`,
          }),
        )
      : [
          seg(rng, 0, total, {
            name: "Generated clip",
            src: `https://static1.nemovideo.ai/generated/${rng.hex(16)}.mp4`,
          }),
        ];
  if (fresh.length === 0) {
    session.generatedMedia.push({
      type: "video",
      tool: "generate_video_with_seedance",
      url: segments[0]?.m?.src,
      duration: total / 1000,
    });
  }
  const draft = session.draft;
  draft.t = [{ tt: TT.video, m: { name: "Video" }, sg: segments }, ...tracks(draft).filter((t) => t.tt !== TT.video)];
  draft.d = total;
  draft.m = { title: session.taskName, width: 1080, height: 1920 };
  return { media: fresh.length, totalMs: total };
}

/** Stage two: the backend's own post-production, a BGM track and a 0–3 s title (§4.4). */
export function postProduce(draft: Draft, rng: Rng, text: string): { song: string; title: string } {
  const total = totalMs(draft) || 15_000;
  const song = "Lo-fi Beats";
  const title = quoted(text) ?? TITLES[0] ?? "Urban Dreams";
  draft.t = [
    ...tracks(draft).filter((t) => t.tt === TT.video),
    { tt: TT.bgm, m: { name: "BGM" }, sg: [seg(rng, 0, total, { name: song, volume: 0.35, src: songUrl(song) })] },
    {
      tt: TT.text,
      m: { name: "Title" },
      sg: [seg(rng, 0, 3_000, textMeta(rng, { name: "Title", text: title }, { size: 48, color: "#FFFFFF" }))],
    },
  ];
  draft.d = total;
  return { song, title };
}

export const songUrl = (name: string) =>
  `https://static1.nemovideo.ai/music/${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.mp3`;

export function trackOf(draft: Draft, tt: number, name?: string): DraftTrack | undefined {
  return tracks(draft).find((t) => t.tt === tt && (name === undefined || t.m?.name === name));
}

export function removeTrack(draft: Draft, track: DraftTrack | undefined): boolean {
  if (!track) return false;
  draft.t = tracks(draft).filter((t) => t !== track);
  return true;
}

/** Sets every video segment's duration by `factor`, laying the clips end to end again. */
export function retime(draft: Draft, factor: number): void {
  let st = 0;
  for (const s of trackOf(draft, TT.video)?.sg ?? []) {
    s.st = st;
    s.d = Math.max(500, Math.round((s.d ?? 3_000) * factor));
    st += s.d;
  }
  const total = st || totalMs(draft);
  for (const s of trackOf(draft, TT.bgm)?.sg ?? []) s.d = Math.max(0, total - (s.st ?? 0));
  draft.d = total;
}
