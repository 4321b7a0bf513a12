import type { Config } from "../../config";
import type { Lang } from "../../i18n";
import type { NemoClient } from "../../nemo/client";
import {
  NemoHttpError,
  NemoMissingClientIdError,
  NemoRateLimitedError,
  NemoSessionNotFoundError,
  NemoTokenInvalidError,
  NemoTransportError,
} from "../../nemo/errors";
import type { Clock } from "../../shared/clock";
import type { ChatRecord, ChatStore } from "../../store/chat-record";
import { AnonymousTokensExhaustedError, OwnTokenNeededError, OwnTokenRefusedError } from "./account-errors";

/** A chat's authenticated NemoVideo client and the project it works on. */
export type Project = { client: NemoClient; record: ChatRecord & { sessionId: string; token: string } };

export type SessionDeps = {
  config: Config;
  store: ChatStore;
  nemo: NemoClient;
  chatId: number;
  newClientId: () => string;
  now: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Told when the old project could not be found and a new one was started. */
  onSessionReplaced: () => Promise<void>;
  /** Shared watch over the anonymous-token cap (the STATS object): told of every refusal and issue. */
  anonymousTokens?: { refused(): Promise<void>; issued(): Promise<void> };
};

/** Whose NemoVideo account a chat works in, by precedence: the user's own token, NEMO_TOKEN, anonymous. */
export type TokenSource = "own" | "operator" | "anonymous";

export function tokenSourceOf(record: ChatRecord, config: Pick<Config, "NEMO_TOKEN">): TokenSource {
  if (record.ownToken) return "own";
  return config.NEMO_TOKEN ? "operator" : "anonymous";
}

/** A failure worth another try for a call that changes nothing: the server erred or the answer was lost. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof NemoTransportError || (error instanceof NemoHttpError && error.isServerError);
}

/**
 * Token and session lifecycle for one chat, with the seeds' recovery rules: 1001 → a new anonymous
 * token for the same client id, then once more; 1002 → a new session, then once more; 429 → wait
 * RATE_LIMIT_WAIT_MS, then once more. `call` must be safe to repeat when it fails with these errors,
 * which holds because NemoVideo refuses them before doing any work.
 */
export function createNemoSession(deps: SessionDeps) {
  const { config, store, nemo, chatId } = deps;
  let cached: ChatRecord | undefined;

  async function record(): Promise<ChatRecord> {
    cached ??= await store.read(chatId);
    if (!cached) {
      cached = { clientId: deps.newClientId() };
      await store.write(chatId, cached);
    }
    return cached;
  }

  async function save(next: ChatRecord): Promise<ChatRecord> {
    cached = next;
    await store.write(chatId, next);
    return next;
  }

  async function ensureToken(force = false): Promise<ChatRecord & { token: string }> {
    const current = await record();
    const source = tokenSourceOf(current, config);
    if (source === "own" && current.ownToken) return { ...current, token: current.ownToken };
    if (config.NEMO_TOKEN) return { ...current, token: config.NEMO_TOKEN };
    if (config.ANONYMOUS_TOKENS === "off") throw new OwnTokenNeededError();
    const expired = current.tokenExpiresAt !== undefined && Date.parse(current.tokenExpiresAt) <= deps.now();
    if (current.token && !force && !expired) return { ...current, token: current.token };
    const issued = await issueAnonymousToken(current);
    const next = await save({
      ...(cached ?? current),
      token: issued.token,
      tokenExpiresAt: issued.expiresAt,
      anonUserId: issued.userId ?? current.anonUserId,
    });
    return { ...next, token: issued.token };
  }

  /**
   * The anonymous-token call with its recovery rules: a 400 (client id missing or rejected, §13) gets a
   * new client id, persisted, and one retry; a 429 (the per-client or per-address cap) one retry after
   * RATE_LIMIT_WAIT_MS, then AnonymousTokensExhaustedError, and the shared watch is told either way.
   */
  async function issueAnonymousToken(current: ChatRecord) {
    let clientId = current.clientId;
    let clientIdReplaced = false;
    const attempt = async () => {
      try {
        return await nemo.anonymousToken(clientId);
      } catch (error) {
        if (!(error instanceof NemoMissingClientIdError) || clientIdReplaced) throw error;
        clientIdReplaced = true;
        clientId = deps.newClientId();
        await save({ ...(cached ?? current), clientId });
        return nemo.anonymousToken(clientId);
      }
    };
    try {
      const issued = await withRateLimitRetry(attempt);
      await deps.anonymousTokens?.issued().catch(() => undefined);
      return issued;
    } catch (error) {
      if (!(error instanceof NemoRateLimitedError)) throw error;
      await deps.anonymousTokens?.refused().catch(() => undefined);
      throw new AnonymousTokensExhaustedError({ cause: error });
    }
  }

  async function ensureProject(lang: Lang, options: { forceToken?: boolean; forceSession?: boolean } = {}) {
    const withToken = await ensureToken(options.forceToken);
    const client = nemo.withToken(withToken.token);
    if (withToken.sessionId && !options.forceSession) {
      return { client, record: { ...withToken, sessionId: withToken.sessionId } };
    }
    const created = await withRateLimitRetry(() =>
      client.createSession({ language: lang === "zh" ? "zh-CN" : (withToken.languageCode ?? "en") }),
    );
    const { token: _inUse, ...rest } = withToken;
    const saved = await save({
      ...rest,
      // Only the anonymous token is the chat's to keep: the operator's lives in the Worker's secrets and
      // the user's own token in its own field.
      token: tokenSourceOf(withToken, config) === "anonymous" ? withToken.token : (cached ?? withToken).token,
      sessionId: created.sessionId,
      taskId: created.taskId,
      anonUserId: created.userId ?? withToken.anonUserId,
    });
    return { client, record: { ...saved, token: withToken.token, sessionId: created.sessionId } };
  }

  async function withRateLimitRetry<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof NemoRateLimitedError)) throw error;
      await deps.sleep(config.RATE_LIMIT_WAIT_MS);
      return call();
    }
  }

  return {
    record,
    save,
    /** Runs `call` with a ready project, applying the 1001 / 1002 / 429 recovery once each. */
    async run<T>(lang: Lang, call: (project: Project) => Promise<T>): Promise<T> {
      let project = await ensureProject(lang);
      let tokenRetried = false;
      let sessionRetried = false;
      let rateRetried = false;
      for (;;) {
        try {
          return await call(project);
        } catch (error) {
          if (error instanceof NemoTokenInvalidError && project.record.ownToken) {
            // The user's own token was revoked or expired: theirs to renew, never replaced behind their back.
            throw new OwnTokenRefusedError({ cause: error });
          }
          if (error instanceof NemoTokenInvalidError && !tokenRetried && !config.NEMO_TOKEN) {
            tokenRetried = true;
            project = await ensureProject(lang, { forceToken: true });
            continue;
          }
          if (error instanceof NemoSessionNotFoundError && !sessionRetried) {
            sessionRetried = true;
            project = await ensureProject(lang, { forceSession: true });
            await deps.onSessionReplaced();
            continue;
          }
          if (error instanceof NemoRateLimitedError && !rateRetried) {
            rateRetried = true;
            await deps.sleep(config.RATE_LIMIT_WAIT_MS);
            continue;
          }
          throw error;
        }
      }
    },
    /**
     * `run` for calls that only read (state, credits, render status). The client itself retries those
     * reads after a 5xx or a lost answer (NEMO_READ_RETRY_DELAYS_MS, src/nemo/read-retry.ts), so a second
     * layer of retries here would multiply the attempts. Never use it for /run_sse or uploads.
     */
    read<T>(lang: Lang, call: (project: Project) => Promise<T>): Promise<T> {
      return this.run(lang, call);
    },
    /**
     * Switches the chat to the user's own token (or back, with undefined): the next call creates a new
     * project under that account; the old project stays reachable through its claim link.
     */
    async useOwnToken(token: string | undefined): Promise<void> {
      const current = await record();
      const { ownToken: _old, sessionId: _s, taskId: _t, ...rest } = current;
      await save(token === undefined ? rest : { ...rest, ownToken: token });
    },
    /** Starts a fresh project (the /new command). */
    async newProject(lang: Lang) {
      return ensureProject(lang, { forceSession: true });
    },
    ensureProject,
  };
}

export type NemoSession = ReturnType<typeof createNemoSession>;
