import { ids, type Rng } from "./random";
import type { Dialect, Draft, NemoSimOptions, PostExtra, RenderShape, TurnCosts, UploadRecord } from "./types";

/** Options with every default filled in; read once at start. */
export interface SimConfig {
  timeScale: number;
  silentEditRate: number;
  temporaryIssueRate: number;
  /** Issue 14: fixed post-production extras; undefined = a seeded mix per generation. */
  extras?: PostExtra[];
  initialCredits: number;
  costs: TurnCosts;
  /** Share of sessions whose drafts are sent with drifted field types (drift.ts). */
  driftRate: number;
  /** Within such a session, share of the driftable fields that drift. */
  driftFieldRate: number;
  /** The seed every seeded decision derives from (random when none was given). */
  seed: number;
  uploadMaxBytes: number;
  renderBytes: number;
  renderDurationMs: number;
  tokenTtlMs: number;
  fetchUrls: boolean;
  dialect: Dialect;
  renderShape: RenderShape;
  /** Anonymous tokens one caller address may obtain per `tokenIpWindowMs` (§1: about 10 per 7 days). */
  tokenIpCap: number;
  tokenIpWindowMs: number;
  /** Set: anonymous tokens lack the `render` scope and render submits are refused with this status (§1, v1.8). */
  anonymousRenderRefusal: 402 | 403 | undefined;
}

export function resolveConfig(o: NemoSimOptions, seed: number): SimConfig {
  return {
    timeScale: o.timeScale ?? 1,
    silentEditRate: o.silentEditRate ?? 0.3,
    temporaryIssueRate: o.temporaryIssueRate ?? 0.03,
    // As the spec gives them (nemo-api.md §1, §7): 100 free credits, ~100 a generation, ~50 an edit, export
    // free. A long conversation needs more credits: tests and `npm start` pass `initialCredits`.
    ...(o.extras ? { extras: o.extras } : {}),
    initialCredits: o.initialCredits ?? 100,
    costs: { generation: 100, edit: 50, text: 2, ...o.costs },
    driftRate: o.driftRate ?? 0.3,
    driftFieldRate: o.driftFieldRate ?? 0.3,
    seed,
    uploadMaxBytes: o.uploadMaxBytes ?? 500 * 1024 * 1024,
    renderBytes: o.renderBytes ?? 300 * 1024,
    renderDurationMs: o.renderDurationMs ?? 30_000,
    tokenTtlMs: o.tokenTtlMs ?? 7 * 24 * 3600 * 1000,
    fetchUrls: o.fetchUrls ?? false,
    dialect: o.dialect ?? "adk",
    renderShape: o.renderShape ?? "r1",
    tokenIpCap: o.tokenIpCap ?? 10,
    tokenIpWindowMs: o.tokenIpWindowMs ?? 7 * 24 * 3600 * 1000,
    anonymousRenderRefusal: o.anonymousRenderRefusal,
  };
}

/** One anonymous (or directly issued) user: the token and the credits live together, one token per user. */
export interface Account {
  token: string;
  userId: string;
  clientId?: string;
  /** Issued by the anonymous-token route (not by a test's direct issue): subject to the render scope option. */
  anonymous?: boolean;
  expiresAt: number;
  available: number;
  frozen: number;
}

export interface Session {
  sessionId: string;
  taskId: string;
  taskName: string;
  language?: string;
  userId: string;
  draft: Draft;
  uploads: UploadRecord[];
  /** Uploads already turned into clips by a generation turn; the next generation uses the rest. */
  consumedUploads: number;
  turns: string[];
  videoInfos: Record<string, unknown>[];
  videoAnalyses: Record<string, unknown>;
  generatedMedia: Record<string, unknown>[];
}

/** Tokens, client ids and sessions: the part of the world `reset()` keeps unless asked for a full reset. */
export class Store {
  readonly accounts = new Map<string, Account>();
  /** Client id → token most recently issued for it (the 1-per-7-days quota, §1). */
  readonly byClient = new Map<string, string>();
  readonly sessions = new Map<string, Session>();
  /** Caller address → times anonymous tokens were issued to it (the per-IP cap, §1). */
  readonly issuedByAddress = new Map<string, number[]>();

  constructor(
    private readonly config: SimConfig,
    private readonly rng: Rng,
  ) {}

  issue(clientId: string | undefined, credits = this.config.initialCredits): Account {
    // The anonymous user belongs to the client id: a token re-issued after expiry continues the same
    // user, its credits and its projects (that is why clients keep the id for life, nemo-api.md §1).
    const previous = clientId === undefined ? undefined : this.accounts.get(this.byClient.get(clientId) ?? "");
    const account: Account = {
      token: ids.token(this.rng),
      userId: previous?.userId ?? ids.userId(this.rng),
      expiresAt: Date.now() + this.config.tokenTtlMs,
      available: previous?.available ?? credits,
      frozen: 0,
      ...(clientId === undefined ? {} : { clientId }),
    };
    this.accounts.set(account.token, account);
    if (clientId !== undefined) this.byClient.set(clientId, account.token);
    return account;
  }

  /** The live account for a token, or undefined when unknown or expired (→ 1001). */
  live(token: string | undefined): Account | undefined {
    const account = token === undefined ? undefined : this.accounts.get(token);
    return account && account.expiresAt > Date.now() ? account : undefined;
  }

  /** True when the client id already holds an unexpired token (→ 429). */
  clientHasLiveToken(clientId: string): boolean {
    return this.live(this.byClient.get(clientId)) !== undefined;
  }

  /** Issues counted against `address` within the cap's window; older ones are dropped as they age out. */
  issuesFrom(address: string, now = Date.now()): number {
    const recent = (this.issuedByAddress.get(address) ?? []).filter((at) => at > now - this.config.tokenIpWindowMs);
    this.issuedByAddress.set(address, recent);
    return recent.length;
  }

  noteIssueFrom(address: string, now = Date.now()): void {
    this.issuedByAddress.set(address, [...(this.issuedByAddress.get(address) ?? []), now]);
  }

  createSession(account: Account, taskName: string, language: string | undefined): Session {
    const session: Session = {
      sessionId: ids.sessionId(this.rng),
      taskId: ids.taskId(this.rng),
      taskName,
      userId: account.userId,
      draft: { t: [] },
      uploads: [],
      consumedUploads: 0,
      turns: [],
      videoInfos: [],
      videoAnalyses: {},
      generatedMedia: [],
      ...(language === undefined ? {} : { language }),
    };
    this.sessions.set(session.sessionId, session);
    return session;
  }

  /** A session visible to this account; another user's session counts as not found (→ 1002). */
  sessionFor(account: Account, sessionId: string | undefined): Session | undefined {
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    return session && session.userId === account.userId ? session : undefined;
  }

  clear(): void {
    this.accounts.clear();
    this.byClient.clear();
    this.sessions.clear();
    this.issuedByAddress.clear();
  }
}
