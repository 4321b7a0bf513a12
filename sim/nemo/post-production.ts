import type { Sim } from "./context";
import { quoted, SONGS, seg, songUrl, TITLES, TT, totalMs, tracks } from "./draft";
import type { Rng } from "./random";
import type { Session } from "./state";
import type { Draft, PostExtra } from "./types";

/**
 * Stage two of a generation (nemo-api.md §4.4): after the raw clip the backend adds background music, a
 * title and effects on its own. Which extras it adds varies (seeded); `extras` pins them for a test. The
 * segments it added are remembered per session so "remove the extras" takes exactly those away again.
 */

const EFFECTS = ["Glow", "Film Grain", "Zoom Pulse", "Light Leak"];
const added = new WeakMap<Session, Set<string>>();

export type PostProduction = { song?: string; title?: string; effect?: string };

/** The extras of this generation: the pinned ones, or a seeded mix with at least one. */
export function pickExtras(sim: Sim): PostExtra[] {
  if (sim.config.extras) return [...sim.config.extras];
  const { rng } = sim;
  const picked: PostExtra[] = [];
  if (rng.chance(0.85)) picked.push("bgm");
  if (rng.chance(0.75)) picked.push("title");
  if (rng.chance(0.4)) picked.push("effect");
  return picked.length > 0 ? picked : ["bgm"];
}

/** Adds the extras to the draft (after the video track), replacing earlier ones of the same kind. */
export function postProduce(session: Session, rng: Rng, text: string, extras: PostExtra[]): PostProduction {
  const draft = session.draft;
  const total = totalMs(draft) || 15_000;
  const ids = added.get(session) ?? new Set<string>();
  added.set(session, ids);
  const result: PostProduction = {};
  const keep = tracks(draft).filter((t) => t.tt === TT.video || !extras.includes(kindOf(t.tt)));
  const extra: Draft["t"] = [];
  if (extras.includes("bgm")) {
    const song = SONGS[0] ?? "Lo-fi Beats";
    const segment = seg(rng, 0, total, { name: song, volume: 0.35, src: songUrl(song) });
    extra.push({ tt: TT.bgm, m: { name: "BGM" }, sg: [segment] });
    result.song = song;
  }
  if (extras.includes("title")) {
    const title = quoted(text) ?? TITLES[0] ?? "Urban Dreams";
    extra.push({
      tt: TT.text,
      m: { name: "Title" },
      sg: [seg(rng, 0, 3_000, { name: "Title", text: title, size: 48, color: "#FFFFFF" })],
    });
    result.title = title;
  }
  if (extras.includes("effect")) {
    const effect = rng.pick(EFFECTS);
    // Effects have no documented track type; 2 stands for "other" and readers must cope (§21).
    extra.push({
      tt: EFFECT_TT,
      m: { name: "Effects" },
      sg: [seg(rng, 0, total, { name: effect, effect: slug(effect) })],
    });
    result.effect = effect;
  }
  for (const track of extra) for (const segment of track.sg ?? []) if (segment.id) ids.add(segment.id);
  draft.t = [...keep, ...extra];
  draft.d = total;
  return result;
}

const EFFECT_TT = 2;
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "_");
const kindOf = (tt: number | undefined): PostExtra => (tt === TT.bgm ? "bgm" : tt === TT.text ? "title" : "effect");

/** "Remove the extras you added after the raw clip…" (the bot's Remove extras button), or a person saying so. */
export function asksToRemoveExtras(text: string): boolean {
  return (
    /\b(remove|delete|drop|strip|get rid of)\b/i.test(text) &&
    /\b(extras?|added (?:on your own|after|automatically))\b/i.test(text)
  );
}

/** Takes away every segment post-production added (tracks left empty go too); one sentence per change. */
export function removeExtras(session: Session): string[] {
  const ids = added.get(session);
  const draft = session.draft;
  const removed: string[] = [];
  draft.t = tracks(draft).flatMap((track) => {
    const before = track.sg ?? [];
    const kept = before.filter((s) => !(s.id && ids?.has(s.id)));
    if (kept.length === before.length) return [track];
    removed.push(track.tt === TT.bgm ? "the background music" : track.tt === TT.text ? "the title" : "the effects");
    return kept.length > 0 || track.tt === TT.video ? [{ ...track, sg: kept }] : [];
  });
  ids?.clear();
  return removed.length > 0
    ? [`I removed ${sentenceList(removed)} and kept your raw clip as it was.`]
    : ["There were no extras left to remove; your clip is unchanged."];
}

/** "I'm adding music and a title" / "I added background music ("…"), a title ("…") and a "Glow" effect". */
export function describeExtras(done: PostProduction, extras: PostExtra[]): { planned: string; finished: string } {
  const planned = extras.map((e) => (e === "bgm" ? "music" : e === "title" ? "a title" : "an effect"));
  const finished = [
    ...(done.song ? [`background music ("${done.song}")`] : []),
    ...(done.title ? [`a title ("${done.title}")`] : []),
    ...(done.effect ? [`a "${done.effect}" effect`] : []),
  ];
  return { planned: sentenceList(planned), finished: sentenceList(finished) };
}

function sentenceList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
