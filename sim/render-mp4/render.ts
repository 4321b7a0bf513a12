import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { audioArgs, type Music } from "./music";

/**
 * Real, playable MP4s for the local stack: a vertical slideshow of still images (or colour cards) with
 * timed captions and the draft's music as a generated tune (music.ts), encoded by the ffmpeg binary shipped
 * in @ffmpeg-installer/linux-x64 (works offline).
 */

export interface Slide {
  /** Encoded image bytes (JPEG, PNG, WebP…); without them the slide is a colour card. */
  image?: Uint8Array;
  /** Card colour as `#rrggbb`, used when there is no image (default: a palette colour). */
  color?: string;
  /** Text drawn in the middle of a colour card (e.g. a clip's file name). */
  label?: string;
  seconds: number;
}

export interface Caption {
  text: string;
  /** Seconds from the start of the video. */
  start: number;
  end: number;
  /** Where on screen: the title sits near the top, captions near the bottom. */
  position?: "top" | "bottom" | "middle";
  /** Font size in pixels at 720 px width (default 52). */
  size?: number;
  color?: string;
}

export interface RenderSpec {
  slides: Slide[];
  captions?: Caption[];
  /** Background music: without any, the MP4 has no audio stream (a silent draft stays silent). */
  music?: Music[];
  width?: number;
  height?: number;
  fps?: number;
  /** Longest video produced; slides are shortened proportionally beyond it (default 60 s). */
  maxSeconds?: number;
}

const PALETTE = ["#FF2D55", "#0A84FF", "#30D158", "#FF9F0A", "#BF5AF2", "#FFD60A"];
const BACKGROUND = "#111827";
const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
  "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
  "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
  "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the ffmpeg binary from @ffmpeg-installer/linux-x64 (or $FFMPEG_PATH when set). */
export function ffmpegPath(): string {
  const fromEnv = process.env.FFMPEG_PATH;
  if (fromEnv) return fromEnv;
  return join(root, "node_modules/@ffmpeg-installer/linux-x64/ffmpeg");
}

/** Whether the shipped ffmpeg binary exists on this machine (it is Linux x64 only). */
export function ffmpegAvailable(): boolean {
  return existsSync(ffmpegPath());
}

/** A bold TrueType font for captions, or undefined when none is installed (then no text is drawn). */
export function findFont(): string | undefined {
  return FONT_CANDIDATES.find((path) => existsSync(path));
}

function run(binary: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(binary, args, { cwd, maxBuffer: 4 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`ffmpeg failed: ${error.message}\n${String(stderr).slice(-2000)}`));
      else resolvePromise();
    });
  });
}

/** Breaks text into lines of at most `width` characters at spaces (long words are kept whole). */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines.slice(0, 6).join("\n");
}

const hex = (color: string) => `0x${color.replace(/^#/, "").slice(0, 6).padEnd(6, "0")}`;

/** Encodes the spec to an H.264 MP4 (yuv420p, faststart) and returns its bytes. */
export async function renderMp4(spec: RenderSpec): Promise<Buffer> {
  const width = spec.width ?? 720;
  const height = spec.height ?? 1280;
  const fps = spec.fps ?? 12;
  const slides = spec.slides.length > 0 ? spec.slides : [{ seconds: 5 }];
  const total = slides.reduce((sum, slide) => sum + Math.max(0.5, slide.seconds), 0);
  const scale = Math.min(1, (spec.maxSeconds ?? 60) / total);
  const ffmpeg = ffmpegPath();
  const font = findFont();
  const dir = await mkdtemp(join(tmpdir(), "render-mp4-"));
  try {
    // 1. One 720x1280 still per slide: the photo fitted on a dark background, or a colour card.
    const list: string[] = [];
    for (const [index, slide] of slides.entries()) {
      const still = `slide-${index}.png`;
      const fit = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=${hex(BACKGROUND)},setsar=1`;
      if (slide.image) {
        const input = `input-${index}`;
        await writeFile(join(dir, input), slide.image);
        try {
          await run(
            ffmpeg,
            ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-frames:v", "1", "-vf", fit, still],
            dir,
          );
        } catch {
          // Not an image ffmpeg can read (a clip, a broken file): a colour card stands in for it.
          await colourCard(ffmpeg, dir, still, slide, index, width, height, font);
        }
      } else {
        await colourCard(ffmpeg, dir, still, slide, index, width, height, font);
      }
      list.push(`file '${still}'`, `duration ${(Math.max(0.5, slide.seconds) * scale).toFixed(3)}`);
    }
    // The concat demuxer ignores the last duration unless the last file is listed once more.
    list.push(`file 'slide-${slides.length - 1}.png'`);
    await writeFile(join(dir, "list.txt"), `${list.join("\n")}\n`);

    // 2. Captions as drawtext filters, each shown only between its start and end.
    const filters = [`fps=${fps}`, "format=yuv420p"];
    if (font) {
      for (const [index, caption] of (spec.captions ?? []).entries()) {
        if (!caption.text.trim()) continue;
        const size = caption.size ?? 52;
        const file = `caption-${index}.txt`;
        await writeFile(join(dir, file), wrapText(caption.text, Math.max(8, Math.floor((width * 1.7) / size))));
        const y = caption.position === "top" ? "h*0.12" : caption.position === "middle" ? "(h-th)/2" : "h*0.78-th/2";
        filters.push(
          [
            `drawtext=fontfile=${font}`,
            `textfile=${file}`,
            "expansion=none",
            `fontsize=${size}`,
            `fontcolor=${hex(caption.color ?? "#FFFFFF")}`,
            "line_spacing=10",
            "box=1",
            "boxcolor=black@0.45",
            "boxborderw=18",
            "x=(w-tw)/2",
            `y=${y}`,
            `enable='between(t,${(caption.start * scale).toFixed(3)},${(caption.end * scale).toFixed(3)})'`,
          ].join(":"),
        );
      }
    }
    // 3. The draft's music as a real audio stream (AAC), as long as the video.
    const audio = audioArgs(spec.music ?? [], total * scale, scale);
    // 4. Encode: still frames compress to almost nothing, so the result stays small (≈ 100-500 KB).
    await run(
      ffmpeg,
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        "list.txt",
        ...audio,
        "-vf",
        filters.join(","),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-crf",
        "30",
        "-g",
        String(fps * 4),
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        "out.mp4",
      ],
      dir,
    );
    return await readFile(join(dir, "out.mp4"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function colourCard(
  ffmpeg: string,
  dir: string,
  still: string,
  slide: Slide,
  index: number,
  width: number,
  height: number,
  font: string | undefined,
): Promise<void> {
  const color = slide.color ?? PALETTE[index % PALETTE.length] ?? "#0A84FF";
  const filters: string[] = [];
  if (font && slide.label) {
    const file = `label-${index}.txt`;
    await writeFile(join(dir, file), wrapText(slide.label, 18));
    filters.push(
      `drawtext=fontfile=${font}:textfile=${file}:expansion=none:fontsize=64:fontcolor=white:line_spacing=12:x=(w-tw)/2:y=(h-th)/2:shadowcolor=black@0.4:shadowx=3:shadowy=3`,
    );
  }
  await run(
    ffmpeg,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `color=c=${hex(color)}:s=${width}x${height}`,
      ...(filters.length ? ["-vf", filters.join(",")] : []),
      "-frames:v",
      "1",
      still,
    ],
    dir,
  );
}
