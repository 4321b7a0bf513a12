import { num } from "../format";
import type { DraftTexts } from "../types";

/** English: words for draft changes found by comparing the timeline (plain text; escaped where sent). */
export const draft: DraftTexts = {
  draftFields: {
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
  },
};
