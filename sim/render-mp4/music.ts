/**
 * The draft's music for the local renderer. The simulator's songs are only names, so a generated tune
 * stands in for them: real audio, switched on for each stretch at its volume.
 */

/** A stretch of background music; the local renderer plays a generated tune at `volume` (0..1). */
export interface Music {
  /** Seconds from the start of the video. */
  start: number;
  /** Seconds; Infinity = to the end of the video. */
  end: number;
  volume: number;
}

/**
 * A generated stand-in for the draft's music (the simulator's songs are only names): an A-major chord with
 * a slow pulse, switched on between each stretch's start and end and scaled by its volume. An `aevalsrc`
 * expression; the quotes keep its commas away from ffmpeg's filter-graph parser.
 */
export function musicExpression(music: Music[], totalSeconds: number, timeScale = 1): string {
  const tune = "(0.25*sin(2*PI*220*t)+0.2*sin(2*PI*277.18*t)+0.15*sin(2*PI*329.63*t))*(0.6+0.4*sin(2*PI*1.5*t))";
  const parts = music
    .filter((m) => m.volume > 0 && m.end > m.start)
    .map((m) => {
      const start = (m.start * timeScale).toFixed(3);
      const end = (Math.min(m.end, totalSeconds / timeScale) * timeScale).toFixed(3);
      return `${Math.min(1, m.volume).toFixed(3)}*between(t,${start},${end})*${tune}`;
    });
  return parts.length > 0 ? parts.join("+") : "0";
}

/** ffmpeg arguments adding the music as an AAC stream (input 1) as long as the video; none without music. */
export function audioArgs(music: Music[], seconds: number, timeScale: number): string[] {
  if (music.length === 0) return [];
  return [
    "-f",
    "lavfi",
    "-i",
    `aevalsrc=exprs='${musicExpression(music, seconds, timeScale)}':s=44100:d=${seconds.toFixed(3)}`,
    "-map",
    "0:v",
    "-map",
    "1:a",
    "-c:a",
    "aac",
    "-b:a",
    "96k",
    "-t",
    seconds.toFixed(3),
  ];
}
