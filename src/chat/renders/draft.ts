import { canvasOf, type DraftLike, titleOf, totalDurationMs } from "../../nemo/draft";
import { isRecord } from "../../shared/is-record";
import { truncate } from "../../telegram/text";
import type { RenderJob } from "../storage";

/** Canvas size and length the draft declares, for sendVideo when the render status does not say. */
export function videoOf(draft: DraftLike): RenderJob["video"] {
  const totalMs = totalDurationMs(draft);
  const canvas = canvasOf(draft);
  return {
    width: canvas?.width,
    height: canvas?.height,
    duration: totalMs !== undefined && totalMs > 0 ? totalMs / 1000 : undefined,
  };
}

/**
 * Identifies a draft's content: SHA-256 of its JSON with object keys sorted at every level, so the same
 * draft read twice (NemoVideo does not promise a key order) hashes the same. Stored with each render job.
 */
export async function hashOf(draft: DraftLike): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stableJson(draft)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A title bold in a caption reads as a title up to about a line or two; the agent or a person can make it far
 * longer, and Telegram refuses a caption over 1,024 characters (and the video with it).
 */
const CAPTION_TITLE_LIMIT = 200;

/** The video's title for its caption, read through the one draft reader (nemo/draft), at most a short line. */
export function captionTitleOf(draft: DraftLike): string | undefined {
  const title = titleOf(draft);
  return title === undefined ? undefined : truncate(title, CAPTION_TITLE_LIMIT);
}

/** JSON.stringify with sorted keys (arrays keep their order: track and segment order is content). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, inner[key]]),
        )
      : inner,
  );
}
