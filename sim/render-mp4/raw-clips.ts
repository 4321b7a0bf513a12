import { Transform } from "node:stream";
import type { Draft } from "../nemo/types";

/**
 * Raw clips of generations for the local stack. The simulator serves a generation's raw clip at
 * `/generated/<id>.mp4` as placeholder bytes, which a browser cannot play. The front makes it real: it
 * rewrites the simulator's address to its own in agent streams and state reads (so the clip URL the bot
 * passes on leads to the front), remembers from each state read which draft a clip belongs to, and
 * encodes that draft's video track (no music, no titles: the clip before post-production) on request.
 */

export const GENERATED = /^\/generated\/([^/]+)$/;

/** Replaces `from` by `to` in a byte stream, also where `from` straddles two chunks. */
export function replacingStream(from: string, to: string): Transform {
  let carry = "";
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = (carry + chunk.toString("utf8")).split(from).join(to);
      // Hold back only a tail that could be the start of `from` (to be completed by the next chunk), so a
      // finished SSE event is passed on at once.
      let keep = Math.min(text.length, from.length - 1);
      while (keep > 0 && !from.startsWith(text.slice(text.length - keep))) keep--;
      carry = text.slice(text.length - keep);
      done(null, text.slice(0, text.length - keep));
    },
    flush(done) {
      done(null, carry);
    },
  });
}

type StateBody = { data?: { state?: { draft?: Draft; generated_media?: unknown } } };

/** The draft of a state read, by each raw clip URL its `generated_media` lists (already rewritten). */
export function clipsOfState(body: string): Map<string, Draft> {
  const clips = new Map<string, Draft>();
  let parsed: StateBody;
  try {
    parsed = JSON.parse(body) as StateBody;
  } catch {
    return clips;
  }
  const state = parsed.data?.state;
  const media = Array.isArray(state?.generated_media) ? state.generated_media : [];
  for (const entry of media) {
    const url = (entry as { url?: unknown }).url;
    if (typeof url === "string" && GENERATED.test(new URL(url, "http://x").pathname) && state?.draft) {
      // Only the video track: the raw clip is what the generation made, before any extras.
      clips.set(new URL(url, "http://x").pathname, {
        ...state.draft,
        t: (state.draft.t ?? []).filter((t) => t.tt === 0),
      });
    }
  }
  return clips;
}
