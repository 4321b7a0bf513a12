import type { FlakyMode, FlakyOptions } from "../flaky/index";
/**
 * Public types of the NemoVideo simulator. Other engineers write end-to-end tests against these names,
 * so they change only together with sim/nemo/README.md.
 */

/** SSE wire dialect: (a) simplified typed events or (b) Google-ADK Event objects (nemo-api.md §4.3). */
export type Dialect = "typed" | "adk";
/** Render status shape: R1 `{success,data:{…outputUrl}}` or R2 flat `{taskId,…,output:{url}}` (§9). */
export type RenderShape = "r1" | "r2";

export type EndpointName =
  | "anonymous-token"
  | "claim-token"
  | "create-session"
  | "run_sse"
  | "state"
  | "upload"
  | "credits"
  | "render-submit"
  | "render-status"
  | "render-cancel"
  | "download"
  | "output";

/** Draft short keys (§5, §21). Loose on purpose: scripted drafts may omit fields to test clients. */
export interface SegmentMeta {
  name?: string;
  text?: string;
  volume?: number;
  src?: string;
  [key: string]: unknown;
}
export interface DraftSegment {
  id?: string;
  st?: number;
  d?: number;
  m?: SegmentMeta;
  [key: string]: unknown;
}
export interface DraftTrack {
  tt?: number;
  sg?: DraftSegment[];
  m?: { name?: string; [key: string]: unknown };
  [key: string]: unknown;
}
export interface Draft {
  t?: DraftTrack[];
  d?: number;
  m?: { title?: string; width?: number; height?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Fault {
  /** How many upcoming calls this fault applies to (default 1). */
  times?: number;
  status?: number;
  code?: number;
  message?: string;
  /** Put the envelope code on HTTP 200 instead of its matching 4xx. */
  codeOnHttp200?: boolean;
  /** Real milliseconds to wait before answering (not scaled by timeScale). */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Raw response body, e.g. malformed JSON. */
  body?: string;
  /** Answer 429 (unless `status` says otherwise) with this Retry-After header. */
  retryAfterS?: number;
}

export interface ScriptedEvent {
  /** Simulated milliseconds before this event (scaled by timeScale). */
  delayMs?: number;
  /** An object is sent as `data: <JSON>`; `{raw}` is written verbatim (e.g. ": ping\n\n"). */
  event: unknown;
}
export interface ScriptedTurn {
  sessionId?: string;
  events: ScriptedEvent[];
  /** Destroy the connection after this many events, mid-turn. */
  cutAfter?: number;
  /** Draft the session holds after the turn (applied when the turn's time has run, even after a cut). */
  draftAfter?: Draft;
  /** Credits charged; default: the cost of the message's default classification. */
  creditsCost?: number;
}

export interface MultipartPartSummary {
  field: string;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  endpoint: EndpointName | "unknown";
  /** Lower-cased header names; authorization is kept so tests can check what was sent. */
  headers: Record<string, string>;
  /** Parsed JSON, a multipart part list, `{bytes}` for other bodies, or undefined when empty. */
  bodySummary: unknown;
  /** HTTP status sent; 0 while not yet answered or when the socket was destroyed. */
  status: number;
  at: number;
  /** Set when a flaky connection (issue 16) reset or stalled this request before it was handled. */
  flaky?: FlakyMode;
}

export interface UploadRecord {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  via: "multipart" | "url";
  url?: string;
  /** Epoch ms when the first byte of this file's content arrived (proves streaming). */
  firstByteAt?: number;
  /** Epoch ms when the last byte of this file's content arrived. */
  lastByteAt?: number;
}

export interface RenderInfo {
  sessionId: string;
  status: string;
  progress: number;
  sha256?: string;
  size: number;
  submittedAt: number;
  completedAt?: number;
}

/** An extra track the backend's post-production may add after a generation. */
export type PostExtra = "bgm" | "title" | "effect";

export interface TurnCosts {
  generation: number;
  edit: number;
  text: number;
}

export interface NemoSimOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
  dialect?: Dialect;
  renderShape?: RenderShape;
  /** Multiplies every simulated delay (turn timing, render time); tests use ~0.01. */
  timeScale?: number;
  /** Seed for deterministic randomness (ids, silent edits, noise). */
  seed?: number;
  /** Probability that an edit turn ends without any text (default 0.3). */
  silentEditRate?: number;
  /** Probability of a trailing "I encountered a temporary issue" text (default 0.03). */
  temporaryIssueRate?: number;
  /** Credits of a new anonymous user (default 100, as the spec says). */
  /**
   * Issue 14: what the backend adds on its own after a generation (§4.4, two-stage generation). Default:
   * a seeded mix of background music, a title and an effect (at least one). Tests that assert exact tracks
   * pin it, e.g. `["bgm", "title"]`.
   */
  extras?: PostExtra[];
  initialCredits?: number;
  /** Credits a turn costs (default generation 100, edit 50, text 2; export is free). */
  costs?: Partial<TurnCosts>;
  /** Share of sessions whose drafts are sent with drifted field types: `tt: "7"`, `volume: "35%"`, … (default 0.3). */
  driftRate?: number;
  /** Within such a session, share of the driftable fields that drift (default 0.3). */
  driftFieldRate?: number;
  uploadMaxBytes?: number;
  renderBytes?: number;
  renderDurationMs?: number;
  tokenTtlMs?: number;
  /** Fetch URL uploads to learn their size and sha256 (default false: size 0, sha256 ""). */
  fetchUrls?: boolean;
  /** Anonymous tokens per caller address per window (default 10, as nemo-api.md §1 says). */
  tokenIpCap?: number;
  /** The cap's window (default 7 days). */
  tokenIpWindowMs?: number;
  /** Anonymous tokens without the render scope: submits answered with this status (default: render allowed). */
  anonymousRenderRefusal?: 402 | 403;
  /** Resets or stalls this share of API connections at random, seeded (issue 16); off by default. */
  flaky?: FlakyOptions;
}

export interface SessionView {
  draft: Draft;
  uploads: UploadRecord[];
  turns: string[];
}

export interface NemoSim {
  url: string;
  requests: RecordedRequest[];
  fault(endpoint: EndpointName | "*", fault: Fault): void;
  scriptTurn(turn: ScriptedTurn): void;
  session(sessionId: string): SessionView | undefined;
  /** The session's draft as the state endpoint sends it (drifted field types included), or undefined. */
  stateDraft(sessionId: string): Draft | undefined;
  sessions(): string[];
  renders: Map<string, RenderInfo>;
  renderSha256(renderId: string): string;
  /** Fail a render now (by id) or, without id, the next render submitted; `reason` becomes its error. */
  failRender(renderId?: string, reason?: string): void;
  /**
   * Make a render never complete (by id, or without id the next one submitted): "never-complete" keeps its
   * progress creeping to 99, "stall" freezes it (the next render's at 40% of its length).
   */
  hangRender(renderId?: string, mode?: "never-complete" | "stall"): void;
  /** Forget a render, as NemoVideo does with an expired or foreign id: its status and cancel answer 404. */
  forgetRender(renderId: string): void;
  /** Issue a token directly (for tests that skip the anonymous-token call). */
  issueToken(options?: { clientId?: string; credits?: number }): { token: string; userId: string };
  expireToken(token: string): void;
  setCredits(token: string, available: number): void;
  /** Credits of a token's user, or undefined for an unknown token. */
  credits(token: string): { available: number; frozen: number; total: number } | undefined;
  dropSession(sessionId: string): void;
  setDialect(d: Dialect): void;
  setRenderShape(s: RenderShape): void;
  /** Changes the per-address anonymous-token cap; raising it lifts a cap already reached. */
  setTokenIpCap(cap: number): void;
  /** Anonymous tokens without the render scope (402 or 403 on submit), or undefined to allow renders. */
  setAnonymousRenderRefusal(status: 402 | 403 | undefined): void;
  /** Switches flaky connections on (a share of requests reset or stalled, seeded) or off (undefined). */
  setFlaky(options: FlakyOptions | undefined): void;
  /** How many requests each flaky mode hit since the last setFlaky. */
  flakyCounts(): Record<FlakyMode, number>;
  /** Forget requests, faults and scripts; `full` also forgets tokens, sessions and renders. */
  reset(full?: boolean): void;
  close(): Promise<void>;
}
