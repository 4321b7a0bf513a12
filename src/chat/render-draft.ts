import { type DraftLike, totalDurationMs } from "../nemo/draft";
import type { RenderJob } from "./state";

/** The task name the client gives new projects (createSession): NemoVideo echoes it as `draft.m.title`. */
const GENERIC_TITLES = new Set(["project"]);

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : undefined);
const positive = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * The video's title for the caption: the title track's text (what the viewer sees), else a real project
 * title. `draft.m.title` usually holds the task name the bot created the project with, which is no title.
 */
export function titleOf(draft: DraftLike): string | undefined {
  const textTracks = (draft.t ?? []).filter((track) => record(track) && track.tt === 7);
  const titleTrack =
    textTracks.find((track) => /title|标题/i.test(textOf(track.m?.name) ?? "")) ??
    (textTracks.length === 1 && (textTracks[0]?.sg?.length ?? 0) === 1 ? textTracks[0] : undefined);
  const fromTrack = (titleTrack?.sg ?? [])
    .map((segment) => (record(segment) && record(segment.m) ? textOf(segment.m.text) : undefined))
    .find((text) => text !== undefined);
  if (fromTrack) return fromTrack;
  const explicit = textOf(draft.m?.title);
  return explicit && !GENERIC_TITLES.has(explicit.toLowerCase()) ? explicit : undefined;
}

/** Canvas size and length the draft declares, for sendVideo when the render status does not say. */
export function videoOf(draft: DraftLike): RenderJob["video"] {
  const totalMs = totalDurationMs(draft);
  return {
    width: positive(draft.m?.width),
    height: positive(draft.m?.height),
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

/** JSON.stringify with sorted keys (arrays keep their order: track and segment order is content). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    record(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, inner[key]]),
        )
      : inner,
  );
}
