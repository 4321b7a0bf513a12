/** Next-step suggestions after an edit, picked from what the timeline still lacks. */

import { isExportable } from "./read";
import { describeTimeline } from "./timeline";
import type { DraftChange, Suggestion, TrackKind } from "./types";

/** Two or three short next steps that fit the timeline after an edit (worded by src/i18n). */
export function suggestNextSteps(after: unknown, changes: readonly DraftChange[]): Suggestion[] {
  if (!isExportable(after)) return ["start", "describe"];
  const lines = describeTimeline(after);
  const has = (kind: TrackKind) => lines.some((line) => line.kind === kind);
  const touchedTitle = changes.some(
    (c) =>
      c.kind === "title_text" ||
      ((c.kind === "track_added" || c.kind === "track_removed") && c.line.kind === "title") ||
      (c.kind === "timing" && c.trackKind === "title"),
  );
  const bgmVolume = lines.find((line) => line.kind === "bgm")?.volumePct;
  // Just restyled: suggesting "change its colour" again would echo the request back.
  const restyledTitle = changes.some((c) => c.kind === "fields" && c.trackKind === "title");

  const picks: Suggestion[] = [];
  if (restyledTitle && has("title")) picks.push("titleMotion");
  else if (touchedTitle && has("title")) picks.push("titleStyle");
  if (!has("bgm")) picks.push("addMusic");
  if (!has("title")) picks.push("addTitle");
  if (has("title") && !restyledTitle && !picks.includes("titleStyle")) picks.push("titleStyle");
  if (has("bgm")) picks.push(bgmVolume !== undefined && bgmVolume > 60 ? "quieterMusic" : "otherMusic");
  picks.push("pace");
  return [...picks.slice(0, 2), "export"];
}
