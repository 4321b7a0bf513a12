import { array, boolean, looseObject, number, type output, string, union, unknown } from "zod";
import { isRecord } from "../shared/is-record";
import { redact } from "./errors";

/**
 * zod schemas for every NemoVideo payload (nemo-api.md §1-§9, §21). They are deliberately tolerant:
 * loose objects, optional fields, `null` accepted where a Python backend might send it, so a new or
 * missing field degrades a feature instead of failing the call. Only fields we act on are required.
 */

// --- Draft (§5, §21). No transforms here: a parsed draft must serialise back to exactly what the
// server sent, because it is handed to the render call unchanged and persisted by other modules.

export const SegmentSchema = looseObject({
  id: union([string(), number()]).nullish(),
  /** start, ms */
  st: number().nullish(),
  /** duration, ms */
  d: number().nullish(),
  m: looseObject({
    name: string().nullish(),
    text: string().nullish(),
    /** 0..1 */
    volume: number().nullish(),
    src: string().nullish(),
  }).nullish(),
});

export const TrackSchema = looseObject({
  /** 0 video, 1 audio/BGM, 7 text/title; other numbers undocumented */
  tt: number().nullish(),
  sg: array(SegmentSchema).nullish(),
  m: looseObject({ name: string().nullish() }).nullish(),
});

/** The timeline as NemoVideo stores it in session state; exported so drafts read from storage are validated too. */
export const DraftSchema = looseObject({
  t: array(TrackSchema).nullish(),
  /** total duration, ms */
  d: number().nullish(),
  m: looseObject({ title: string().nullish(), width: number().nullish(), height: number().nullish() }).nullish(),
});

export type Segment = output<typeof SegmentSchema>;
export type Track = output<typeof TrackSchema>;
export type Draft = output<typeof DraftSchema>;

// --- Endpoint payloads (the `data` of the business envelope), mapped to camelCase.

const text = string().nullish();
const num = number().nullish();
/** Ids are strings, but a 19-digit snowflake could arrive as a JSON number; either way we keep a string. */
const id = union([string().min(1), number()]).transform(String);
const u = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export const AnonymousTokenSchema = looseObject({
  token: string().min(1),
  user_id: text,
  expires_at: text,
  credits: num,
}).transform((d) => ({ token: d.token, userId: u(d.user_id), expiresAt: u(d.expires_at), credits: u(d.credits) }));

export const ClaimTokenSchema = looseObject({ claim_token: string().min(1), expires_in: num }).transform((d) => ({
  claimToken: d.claim_token,
  expiresIn: u(d.expires_in),
}));

export const SessionSchema = looseObject({ session_id: id, task_id: id.nullish(), user_id: text }).transform((d) => ({
  sessionId: d.session_id,
  taskId: u(d.task_id),
  userId: u(d.user_id),
}));

export const CreditsSchema = looseObject({ available: number(), frozen: num, total: num }).transform((d) => {
  const frozen = d.frozen ?? 0;
  return { available: d.available, frozen, total: d.total ?? d.available + frozen };
});

const UploadedFileSchema = looseObject({
  filename: text,
  file_type: text,
  cdn_url: text,
  url: text,
  duration: num,
  width: num,
  height: num,
}).transform((f) => ({
  filename: u(f.filename),
  fileType: u(f.file_type),
  cdnUrl: u(f.cdn_url ?? f.url),
  duration: u(f.duration),
  width: u(f.width),
  height: u(f.height),
}));

/** Official docs say `files[]`; one spin-off expects `uploaded_files[]` with `url` (§6). Both are read. */
export const UploadSchema = looseObject({
  files: array(UploadedFileSchema).nullish(),
  uploaded_files: array(UploadedFileSchema).nullish(),
  session_state_applied: boolean().nullish(),
}).transform((d) => ({
  files: [...(d.files ?? []), ...(d.uploaded_files ?? [])],
  sessionStateApplied: u(d.session_state_applied),
}));

export type UploadResult = output<typeof UploadSchema>;
export type UploadedFile = UploadResult["files"][number];

export const CanvasConfigSchema = looseObject({ width: num, height: num });
export type CanvasConfig = output<typeof CanvasConfigSchema>;

const StateInnerSchema = looseObject({
  video_infos: unknown().optional(),
  draft: unknown().optional(),
  canvas_config: unknown().optional(),
  generated_media: unknown().optional(),
});

/**
 * Session state (§5). Only `data.state` is documented in full by one source, so each part is read on
 * its own: an unreadable draft becomes `undefined` (the original stays in `raw`) instead of failing the call.
 */
export const StateSchema = looseObject({
  session_id: id.nullish(),
  task_id: id.nullish(),
  state: StateInnerSchema.nullish(),
}).transform((d) => {
  const inner: Partial<output<typeof StateInnerSchema>> = d.state ?? {};
  const canvas = inner.canvas_config == null ? undefined : CanvasConfigSchema.safeParse(inner.canvas_config);
  return {
    sessionId: u(d.session_id),
    taskId: u(d.task_id),
    // The draft exactly as NemoVideo sent it: it goes back unchanged to the render call (§8), and one
    // field of an unexpected type must not hide the whole timeline. It is read field by field
    // (nemo/draft/read.ts) wherever it is shown or compared.
    draft: isRecord(inner.draft) ? inner.draft : undefined,
    videoInfos: Array.isArray(inner.video_infos) ? inner.video_infos : [],
    generatedMedia: inner.generated_media,
    canvasConfig: canvas?.success ? canvas.data : undefined,
  };
});

export type ProjectState = output<typeof StateSchema> & { raw: unknown };

// --- Render status (§8, §9). Two shapes are documented and both must be read:
//   R1 {success, data:{id, status, progress, outputUrl, createdAt, completedAt, error}}
//   R2 {taskId, status, progress, output:{url, duration, size}}

type RenderCommon = { id?: string; progress?: number };
/** Where a render stands: a union the caller switches on, never an exception (a failed render is an outcome). */
export type RenderStatus =
  | (RenderCommon & { status: "pending" })
  | (RenderCommon & { status: "processing" })
  | (RenderCommon & {
      status: "completed";
      outputUrl?: string;
      duration?: number;
      size?: number;
      width?: number;
      height?: number;
    })
  | (RenderCommon & { status: "failed"; error?: string });

const RenderEnvelopeSchema = looseObject({
  success: boolean().nullish(),
  data: unknown().optional(),
  error: unknown().optional(),
});

const RenderOutputSchema = looseObject({ url: text, duration: num, size: num, width: num, height: num });

const RenderPayloadSchema = looseObject({
  id: id.nullish(),
  taskId: id.nullish(),
  task_id: id.nullish(),
  render_id: id.nullish(),
  status: text,
  progress: num,
  outputUrl: text,
  output_url: text,
  output: RenderOutputSchema.nullish(),
  duration: num,
  size: num,
  width: num,
  height: num,
  error: unknown().optional(),
});

// The documented values are pending/processing/completed/failed; the synonyms cost nothing and keep a
// renamed status from stalling a poll loop until its timeout.
const STATUS_WORDS: Record<string, RenderStatus["status"]> = {
  pending: "pending",
  queued: "pending",
  waiting: "pending",
  processing: "processing",
  running: "processing",
  rendering: "processing",
  in_progress: "processing",
  completed: "completed",
  complete: "completed",
  succeeded: "completed",
  success: "completed",
  done: "completed",
  finished: "completed",
  failed: "failed",
  error: "failed",
  cancelled: "failed",
  canceled: "failed",
};

function errorText(value: unknown): string | undefined {
  if (typeof value === "string" && value) return redact(value);
  const parsed = looseObject({ message: string() }).safeParse(value);
  return parsed.success ? redact(parsed.data.message) : undefined;
}

/**
 * Reads a render-proxy answer in either shape. `{success:false, error}` is a render that failed (the
 * caller retries with a new id, §8), so it is returned as `failed` rather than thrown. `pendingIfSilent`
 * is for the submit call, whose body is barely documented: no status there means "accepted".
 */
export function parseRenderStatus(
  body: unknown,
  options: { fallbackId?: string; pendingIfSilent?: boolean } = {},
): { ok: true; value: RenderStatus } | { ok: false; problems: string[] } {
  const envelope = RenderEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, problems: ["body: not an object"] };
  const inner = RenderEnvelopeSchema.safeParse(envelope.data.data).success ? envelope.data.data : body;
  const parsed = RenderPayloadSchema.safeParse(inner);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`) };
  const p = parsed.data;
  const renderId = u(p.id ?? p.taskId ?? p.task_id ?? p.render_id) ?? options.fallbackId;
  const common: RenderCommon = {};
  if (renderId !== undefined) common.id = renderId;
  if (p.progress != null) common.progress = Math.min(100, Math.max(0, p.progress));

  if (envelope.data.success === false) {
    return {
      ok: true,
      value: { ...common, status: "failed", error: errorText(envelope.data.error) ?? errorText(p.error) },
    };
  }
  const word = p.status?.trim().toLowerCase();
  const status = word ? STATUS_WORDS[word] : options.pendingIfSilent ? "pending" : undefined;
  if (!status) return { ok: false, problems: [word ? `status: unknown value` : "status: missing"] };
  switch (status) {
    case "completed":
      return {
        ok: true,
        value: {
          ...common,
          status,
          outputUrl: u(p.outputUrl ?? p.output_url ?? p.output?.url),
          duration: u(p.output?.duration ?? p.duration),
          size: u(p.output?.size ?? p.size),
          width: u(p.output?.width ?? p.width),
          height: u(p.output?.height ?? p.height),
        },
      };
    case "failed":
      return { ok: true, value: { ...common, status, error: errorText(p.error) ?? errorText(envelope.data.error) } };
    default:
      return { ok: true, value: { ...common, status } };
  }
}
