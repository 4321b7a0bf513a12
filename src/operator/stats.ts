import { DurableObject } from "cloudflare:workers";
import { type Clock, systemClock } from "../shared/clock";
import { type AnonymousTokensStatus, anonymousTokenLedger } from "./anonymous-tokens";
import type { StatsEvent, StatsEventKind, StatsSummary, StatsWindow } from "./usage";

/**
 * Usage across all chats, for /stats. Chat objects report events to the one instance named "stats"
 * (a single writer keeps counts exact and queries cheap at a bot's volume); events are rows in the
 * object's SQLite storage and expire after eight days. Chats are known only by the hash the logs use.
 */

export type { StatsEvent, StatsEventKind, StatsSummary };

const DAY_MS = 24 * 60 * 60 * 1000;
const KEEP_MS = 8 * DAY_MS;

export class StatsDurableObject extends DurableObject<Env> {
  /** The one clock this object reads; the system clock, created here at the edge. */
  protected readonly clock: Clock = systemClock;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS events (at INTEGER NOT NULL, chat TEXT NOT NULL, kind TEXT NOT NULL, amount REAL NOT NULL)",
    );
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS events_at ON events (at)");
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS user_turns (day TEXT NOT NULL, user TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (day, user))",
    );
  }

  async record(events: StatsEvent[]): Promise<void> {
    const now = this.clock();
    for (const event of events) {
      this.ctx.storage.sql.exec(
        "INSERT INTO events (at, chat, kind, amount) VALUES (?, ?, ?, ?)",
        now,
        event.chat,
        event.kind,
        event.amount ?? 1,
      );
    }
    this.ctx.storage.sql.exec("DELETE FROM events WHERE at < ?", now - KEEP_MS);
  }

  async summary(): Promise<StatsSummary> {
    const now = this.clock();
    return {
      day: this.window(now - DAY_MS),
      week: this.window(now - 7 * DAY_MS),
      anonymousTokens: await this.anonymousTokens.status(),
    };
  }

  // --- issue 17: the anonymous-token cap, shared by every chat (src/operator/anonymous-tokens.ts) ---
  private readonly anonymousTokens = anonymousTokenLedger(this.ctx.storage, () => this.clock());

  async anonymousTokenRefused(): Promise<{ warn: boolean; status: AnonymousTokensStatus }> {
    return this.anonymousTokens.refused();
  }

  async anonymousTokenIssued(): Promise<void> {
    await this.anonymousTokens.issued();
  }

  async anonymousTokenStatus(): Promise<AnonymousTokensStatus> {
    return this.anonymousTokens.status();
  }

  /**
   * Issue 19.3: counts one agent turn of `user` (a hash) on `day` against `limit`, across all chats; a
   * single writer, so the count is exact. Kept through /forget: forgetting a chat does not refill a day.
   */
  async takeUserTurn(user: string, day: string, limit: number): Promise<{ allowed: boolean; used: number }> {
    const row = this.ctx.storage.sql
      .exec<{ used: number }>("SELECT used FROM user_turns WHERE day = ? AND user = ?", day, user)
      .toArray()[0];
    const used = row?.used ?? 0;
    if (used >= limit) return { allowed: false, used };
    this.ctx.storage.sql.exec(
      "INSERT INTO user_turns (day, user, used) VALUES (?, ?, 1) ON CONFLICT (day, user) DO UPDATE SET used = used + 1",
      day,
      user,
    );
    // Days long past are dropped (ISO dates compare as text).
    this.ctx.storage.sql.exec(
      "DELETE FROM user_turns WHERE day < ?",
      new Date(this.clock() - 3 * DAY_MS).toISOString().slice(0, 10),
    );
    return { allowed: true, used: used + 1 };
  }

  /** /forget: the chat's events go too. */
  async forgetChat(chat: string): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM events WHERE chat = ?", chat);
  }

  private window(since: number): StatsWindow {
    const totals: Record<string, number> = {};
    for (const row of this.ctx.storage.sql.exec<{ kind: string; total: number }>(
      "SELECT kind, SUM(amount) AS total FROM events WHERE at >= ? GROUP BY kind",
      since,
    )) {
      totals[row.kind] = row.total;
    }
    const chats = this.ctx.storage.sql
      .exec<{ chats: number }>("SELECT COUNT(DISTINCT chat) AS chats FROM events WHERE at >= ?", since)
      .one().chats;
    return {
      chats,
      turns: totals.turn ?? 0,
      renders: totals.render ?? 0,
      failures: totals.failure ?? 0,
      credits: totals.credits ?? 0,
    };
  }
}

/** The chat side: fire-and-forget reports, so a stats hiccup never slows or breaks a chat. */
export type StatsReporter = {
  report(kind: StatsEventKind, amount?: number): void;
  /** `report`, awaited: for the rare event an answer depends on (a chat counted as active). */
  reportNow(kind: StatsEventKind): Promise<void>;
  forgetChat(): Promise<void>;
};

export function createStatsReporter(deps: {
  namespace: DurableObjectNamespace<StatsDurableObject>;
  chat: string;
  runInBackground: (promise: Promise<unknown>) => void;
}): StatsReporter {
  const stub = () => deps.namespace.get(deps.namespace.idFromName("stats"));
  return {
    report(kind, amount) {
      deps.runInBackground(
        stub()
          .record([{ kind, chat: deps.chat, ...(amount === undefined ? {} : { amount }) }])
          .catch(() => undefined),
      );
    },
    reportNow: (kind) =>
      stub()
        .record([{ kind, chat: deps.chat }])
        .catch(() => undefined),
    forgetChat: () => stub().forgetChat(deps.chat),
  };
}
