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
  initialCredits?: number;
  costs?: Partial<TurnCosts>;
  uploadMaxBytes?: number;
  renderBytes?: number;
  renderDurationMs?: number;
  tokenTtlMs?: number;
  /** Fetch URL uploads to learn their size and sha256 (default false: size 0, sha256 ""). */
  fetchUrls?: boolean;
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
  sessions(): string[];
  renders: Map<string, RenderInfo>;
  renderSha256(renderId: string): string;
  /** Fail a render now (by id) or, without id, the next render submitted; `reason` becomes its error. */
  failRender(renderId?: string, reason?: string): void;
  /** Issue a token directly (for tests that skip the anonymous-token call). */
  issueToken(options?: { clientId?: string; credits?: number }): { token: string; userId: string };
  expireToken(token: string): void;
  setCredits(token: string, available: number): void;
  /** Credits of a token's user, or undefined for an unknown token. */
  credits(token: string): { available: number; frozen: number; total: number } | undefined;
  dropSession(sessionId: string): void;
  setDialect(d: Dialect): void;
  setRenderShape(s: RenderShape): void;
  /** Switches flaky connections on (a share of requests reset or stalled, seeded) or off (undefined). */
  setFlaky(options: FlakyOptions | undefined): void;
  /** How many requests each flaky mode hit since the last setFlaky. */
  flakyCounts(): Record<FlakyMode, number>;
  /** Forget requests, faults and scripts; `full` also forgets tokens, sessions and renders. */
  reset(full?: boolean): void;
  close(): Promise<void>;
}
