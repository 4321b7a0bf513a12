import { draftTexts } from "../draft-text";
import { num } from "../format";
import type { DraftFieldWords, DraftTexts, DraftWords } from "../types";

/** English: the timeline summary's and change lines' words (the vendor's wording, nemo-api.md §17.4). */
const words: DraftWords = {
  kinds: { video: "Video", bgm: "BGM", title: "Title", track: "Track" },
  header: (n: number) => `Timeline (${n} ${n === 1 ? "track" : "tracks"}):`,
  colon: ": ",
  open: " (",
  close: ")",
  sep: ", ",
  aside: (s: string) => ` (${s})`,
  quote: (s: string) => `"${s}"`,
  from: (s: string) => `from ${s}`,
  clips: (n: number) => `${n} ${n === 1 ? "clip" : "clips"}`,
  listSep: ", ",
  added: (s: string) => `Added ${s}`,
  removed: (s: string) => `Removed ${s}`,
  segmentsAdded: (kind: string, n: number, labels: string) =>
    `${kind}: added ${n} ${n === 1 ? "clip" : "clips"}${labels ? ` (${labels})` : ""}`,
  segmentsRemoved: (kind: string, n: number, labels: string) =>
    `${kind}: removed ${n} ${n === 1 ? "clip" : "clips"}${labels ? ` (${labels})` : ""}`,
  titleText: "Title text",
  retimed: (n: number) => `${n} clips retimed`,
  volumeOf: (kind: string) => `${kind} volume`,
  canvas: "Canvas",
  duration: "Duration",
  more: (n: number) => `…and ${n} more ${n === 1 ? "change" : "changes"}`,
};

/** English: words for changed fields of a segment or track. */
const fields: DraftFieldWords = {
  names: {
    colour: "colour",
    fontSize: "font size",
    position: "position",
    fadeIn: "fade in",
    fadeOut: "fade out",
    font: "font",
    opacity: "opacity",
    speed: "speed",
    bold: "bold",
    italic: "italic",
    background: "background",
    outline: "outline",
    shadow: "shadow",
    animation: "animation",
    align: "alignment",
    source: "source",
    name: "name",
    text: "text",
    volume: "volume",
  },
  on: "on",
  off: "off",
  removed: " removed",
  changed: " changed",
  items: (n: number) => `${num(n)} ${n === 1 ? "item" : "items"}`,
  settings: (n: number) => `${num(n)} ${n === 1 ? "setting" : "settings"}`,
  clips: (n: number) => `${num(n)} clips`,
  updated: "The project was updated in ways I can't list here — /status shows the timeline.",
};

/** English: the draft reader's findings, worded (plain text; escaped where sent). */
export const draft: DraftTexts = {
  ...draftTexts(words, fields),
  suggestions: {
    start: "Send photos or clips to start",
    describe: "Describe the video you want, e.g. “a 30-second TikTok with trending music”",
    titleStyle: "Make the title bigger or change its colour",
    titleMotion: "Move the title or let it fade in",
    addTitle: "Add a title or captions",
    addMusic: "Add background music",
    quieterMusic: "Turn the music down a little",
    otherMusic: "Try a different music track",
    pace: "Change the pace or add transitions",
    export: "Export the video (/export)",
  },
};
