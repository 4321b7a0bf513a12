import type { Sim } from "./context";
import { type Ctx, head } from "./http";
import { mp4Chunks, mp4Sha256 } from "./mp4";

/**
 * GET `/generated/<id>.mp4`: the raw clip of a generation (stage one of §4.4), at the URL the tool result
 * and `generated_media` name. Like render outputs it needs no auth (a CDN URL) and is a deterministic
 * placeholder MP4 seeded by its file name. Unknown clips are 404.
 */
export const GENERATED_CLIP_BYTES = 96 * 1024;

export function generatedClip(ctx: Ctx, sim: Sim): void {
  const file = ctx.params.file ?? "";
  const url = `${sim.url}/generated/${file}`;
  const known = [...sim.store.sessions.values()].some((s) => s.generatedMedia.some((m) => m.url === url));
  if (!known) {
    head(ctx, 404, { "content-type": "text/plain" });
    ctx.res.end("Not Found");
    return;
  }
  head(ctx, 200, { "content-type": "video/mp4", "content-length": GENERATED_CLIP_BYTES });
  if (ctx.req.method === "HEAD") {
    ctx.res.end();
    return;
  }
  for (const chunk of mp4Chunks(`generated/${file}`, GENERATED_CLIP_BYTES)) ctx.res.write(chunk);
  ctx.res.end();
}

/** The sha256 of a served raw clip, for tests that check what reached the chat. */
export function generatedClipSha256(url: string): string {
  const file = url.split("/generated/")[1] ?? "";
  return mp4Sha256(`generated/${file}`, GENERATED_CLIP_BYTES);
}
