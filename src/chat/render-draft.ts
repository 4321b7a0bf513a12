import { canvasOf, type DraftLike, totalDurationMs } from "../nemo/draft";
import type { RenderJob } from "./state";

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

/** Identifies a draft's content, so a second export of an unchanged draft joins the render already running. */
export async function hashOf(draft: DraftLike): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(draft)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The video's title for its caption, read through the one draft reader (nemo/draft-read.ts). */
export { titleOf } from "../nemo/draft";
