/** Next-step suggestions after an edit, picked from what the timeline still lacks. */

import { isExportable } from "./read";
import { describeTimeline } from "./timeline";
import type { DraftChange, Lang, TrackKind } from "./types";

const SUGGESTIONS = {
  en: {
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
  zh: {
    start: "发送照片或片段开始制作",
    describe: "描述你想要的视频，比如“配热门音乐的 30 秒 TikTok 视频”",
    titleStyle: "把标题放大或换个颜色",
    titleMotion: "移动标题位置或加上淡入效果",
    addTitle: "添加标题或字幕",
    addMusic: "添加背景音乐",
    quieterMusic: "把音乐调小一点",
    otherMusic: "换一首背景音乐",
    pace: "调整节奏或添加转场",
    export: "导出视频（/export）",
  },
} as const;

/** Two or three short next steps that fit the timeline after an edit. Plain text. */
export function suggestNextSteps(after: unknown, changes: readonly DraftChange[], lang: Lang): string[] {
  const s = SUGGESTIONS[lang];
  if (!isExportable(after)) return [s.start, s.describe];
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

  const picks: string[] = [];
  if (restyledTitle && has("title")) picks.push(s.titleMotion);
  else if (touchedTitle && has("title")) picks.push(s.titleStyle);
  if (!has("bgm")) picks.push(s.addMusic);
  if (!has("title")) picks.push(s.addTitle);
  if (has("title") && !restyledTitle && !picks.includes(s.titleStyle)) picks.push(s.titleStyle);
  if (has("bgm")) picks.push(bgmVolume !== undefined && bgmVolume > 60 ? s.quieterMusic : s.otherMusic);
  picks.push(s.pace);
  return [...picks.slice(0, 2), s.export];
}
