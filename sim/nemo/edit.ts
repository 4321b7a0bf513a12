import {
  COLORS,
  quoted,
  removeTrack,
  requestedMs,
  retime,
  SONGS,
  seg,
  songUrl,
  TITLES,
  TT,
  totalMs,
  trackOf,
  tracks,
} from "./draft";
import type { Rng } from "./random";
import { requestedPosition, styleKey, styleOf, textMeta } from "./style";
import type { Draft, DraftSegment } from "./types";

/**
 * The default `edit_multitrack` behaviour: reads the request loosely and really changes the draft, so a
 * client that diffs state after a silent edit (§4.4, §17.3) finds a concrete change. Returns one sentence
 * per change; there is always at least one.
 */
export function applyEdit(draft: Draft, text: string, rng: Rng): string[] {
  const lower = text.toLowerCase();
  const has = (re: RegExp) => re.test(lower);
  const removing = has(/\b(remove|delete|drop|without|get rid of)\b/);
  const changes: string[] = [];

  if (has(/\b(music|bgm|song|soundtrack)\b/)) changes.push(editMusic(draft, lower, removing, rng));
  if (has(/\b(captions?|subtitles?)\b/)) changes.push(editCaptions(draft, removing, rng));
  if (has(/\b(title|heading|bigger|larger|smaller|font|colou?r|fade)\b/) || (quoted(text) && changes.length === 0)) {
    changes.push(editTitle(draft, text, lower, removing, rng));
  }
  if (has(/\b(faster|speed up|quicker)\b/)) changes.push(speed(draft, 0.75, "sped up the clips by 25%"));
  if (has(/\b(slower|slow down)\b/)) changes.push(speed(draft, 1.25, "slowed the clips down by 25%"));
  const ms = requestedMs(text);
  if (ms !== undefined && has(/\b(trim|shorter|longer|cut|make it)\b/)) {
    const before = totalMs(draft);
    if (before > 0) changes.push(speed(draft, ms / before, `set the video length to ${ms / 1000} seconds`));
  }
  if (changes.length === 0) changes.push(addOverlay(draft, rng));
  return changes;
}

function editMusic(draft: Draft, lower: string, removing: boolean, rng: Rng): string {
  const track = trackOf(draft, TT.bgm);
  const current = track?.sg?.[0];
  if (removing)
    return removeTrack(draft, track) ? "I removed the background music." : "There was no music; nothing to remove.";
  if (current && /\b(quieter|lower|softer|down)\b/.test(lower)) {
    current.m = { ...current.m, volume: round2(Math.max(0.05, (current.m?.volume ?? 0.5) - 0.15)) };
    return `I lowered the music volume to ${Math.round((current.m.volume ?? 0) * 100)}%.`;
  }
  if (current && /\b(louder|higher|up)\b/.test(lower)) {
    current.m = { ...current.m, volume: round2(Math.min(1, (current.m?.volume ?? 0.5) + 0.15)) };
    return `I raised the music volume to ${Math.round((current.m.volume ?? 0) * 100)}%.`;
  }
  const others = SONGS.filter((s) => s !== current?.m?.name);
  const song = rng.pick(others);
  const segment = seg(rng, 0, totalMs(draft) || 15_000, { name: song, volume: 0.35, src: songUrl(song) });
  if (track) track.sg = [segment];
  else tracks(draft).push({ tt: TT.bgm, m: { name: "BGM" }, sg: [segment] });
  return current ? `I replaced the music with "${song}".` : `I added background music "${song}" at 35% volume.`;
}

function editCaptions(draft: Draft, removing: boolean, rng: Rng): string {
  const track = trackOf(draft, TT.text, "Captions");
  if (removing) return removeTrack(draft, track) ? "I removed the captions." : "There were no captions to remove.";
  if (track) {
    for (const s of track.sg ?? []) s.m = { ...s.m, [styleKey(s.m, "color", rng)]: "#FFD60A" };
    return "I made the captions yellow so they stand out.";
  }
  const total = totalMs(draft) || 15_000;
  const lines = ["Welcome!", "Check this out", "Thanks for watching"];
  const each = Math.floor(total / lines.length);
  const sg = lines.map((text, i) =>
    seg(rng, i * each, each, textMeta(rng, { name: "Caption", text }, { size: 32, color: "#FFFFFF" })),
  );
  tracks(draft).push({ tt: TT.text, m: { name: "Captions" }, sg });
  return `I added captions across the video (${lines.length} lines).`;
}

function editTitle(draft: Draft, text: string, lower: string, removing: boolean, rng: Rng): string {
  let track =
    trackOf(draft, TT.text, "Title") ?? tracks(draft).find((t) => t.tt === TT.text && t.m?.name !== "Captions");
  if (removing && /\btitle\b/.test(lower))
    return removeTrack(draft, track) ? "I removed the title." : "There was no title.";
  if (!track) {
    track = { tt: TT.text, m: { name: "Title" }, sg: [] };
    tracks(draft).push(track);
  }
  let title: DraftSegment | undefined = track.sg?.[0];
  const created = title === undefined;
  if (!title) {
    title = seg(
      rng,
      0,
      3_000,
      textMeta(rng, { name: "Title", text: TITLES[0] ?? "Title" }, { size: 48, color: "#FFFFFF" }),
    );
    track.sg = [title];
  }
  const m = { ...title.m };
  const parts: string[] = [];
  const newText = quoted(text);
  if (newText !== undefined && newText !== m.text) {
    parts.push(`changed the title from "${m.text ?? ""}" to "${newText}"`);
    m.text = newText;
  }
  // Styles keep the spelling the segment already uses (color / colour / fontColor, …), see style.ts.
  const sizeKey = styleKey(m, "size", rng);
  const size = typeof m[sizeKey] === "number" ? (m[sizeKey] as number) : 48;
  if (/\b(bigger|larger)\b/.test(lower)) {
    m[sizeKey] = Math.round(size * 1.25);
    parts.push(`made the title bigger (${size} → ${m[sizeKey]} px)`);
  } else if (/\bsmaller\b/.test(lower)) {
    m[sizeKey] = Math.round(size * 0.8);
    parts.push(`made the title smaller (${size} → ${m[sizeKey]} px)`);
  }
  const color = Object.keys(COLORS).find((c) => new RegExp(`\\b${c}\\b`).test(lower));
  if (color && COLORS[color] !== styleOf(m, "color")) {
    m[styleKey(m, "color", rng)] = COLORS[color];
    parts.push(`made the title ${color}`);
  }
  const position = /\b(move|put|place|position)\b/.test(lower) ? requestedPosition(lower) : undefined;
  if (position && position !== m.position) {
    m.position = position;
    parts.push(`moved the title to the ${position}`);
  }
  if (/\bfade\b/.test(lower)) {
    const fadeKey = styleKey(m, "fadeIn", rng);
    const fade = m[fadeKey] === 0.5 ? 1 : 0.5;
    m[fadeKey] = fade;
    parts.push(`gave the title a ${fade} s fade-in`);
  }
  if (parts.length === 0) {
    const next = rng.pick(TITLES.filter((t) => t !== m.text));
    parts.push(`changed the title from "${m.text ?? ""}" to "${next}"`);
    m.text = next;
  }
  title.m = m;
  return `I ${created ? `added a title "${m.text}" (0–3 s) and ` : ""}${parts.join(" and ")}.`;
}

function speed(draft: Draft, factor: number, what: string): string {
  const before = totalMs(draft);
  retime(draft, factor);
  return `I ${what} (${(before / 1000).toFixed(1)} s → ${(totalMs(draft) / 1000).toFixed(1)} s).`;
}

function addOverlay(draft: Draft, rng: Rng): string {
  const total = totalMs(draft) || 15_000;
  const st = Math.max(0, total - 2_000);
  tracks(draft).push({
    tt: TT.text,
    m: { name: "Text" },
    sg: [
      seg(rng, st, 2_000, textMeta(rng, { name: "Text", text: "Follow for more!" }, { size: 36, color: "#FFFFFF" })),
    ],
  });
  return `I added a text overlay "Follow for more!" for the last 2 seconds.`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
