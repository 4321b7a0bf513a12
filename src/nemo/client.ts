import type { ZodType } from "zod";
import { isRecord } from "../shared/is-record";
import { multipartStream } from "../shared/multipart";
import { failureOf, type NemoEndpoint, NemoError, NemoSchemaError, NemoTransportError, redact } from "./errors";
import { type ReadRetry, retryRead } from "./read-retry";
import {
  AnonymousTokenSchema,
  ClaimTokenSchema,
  CreditsSchema,
  type Draft,
  type ProjectState,
  parseRenderStatus,
  type RenderStatus,
  SessionSchema,
  StateSchema,
  type UploadResult,
  UploadSchema,
} from "./schemas";
import { type AgentEvent, readAgentEvents } from "./sse";

/**
 * HTTP client for NemoVideo's mega-api (nemo-api.md). Every response is validated with zod where it
 * enters and returned in camelCase; every failure is a typed NemoError. `fetch` is injected so tests pass
 * canned responses and the Worker passes its own.
 */

export type NemoClientOptions = {
  /** e.g. https://mega-api-prod.nemovideo.ai, without a trailing slash */
  baseUrl: string;
  fetch: typeof fetch;
  /** Attribution headers (§0.3); without them the backend answers renders with 402. */
  skill: { source: string; version: string; platform: string };
  /** Bearer token; absent only for the anonymous-token call. */
  token?: string;
  /** Clock for Retry-After dates; injected for tests. */
  now?: () => number;
  /** Retries of the idempotent reads (state, render status, credits) after a transport failure or 5xx. */
  readRetry?: ReadRetry;
};

/** A file to upload, read from its stream as the request is sent. */
export type UploadFile = { filename: string; contentType: string; body: ReadableStream<Uint8Array>; size?: number };

export type NemoClient = ReturnType<typeof createNemoClient>;

/** The agent/app name; also the path segment of session, state and upload routes (§3). */
const APP = "nemo_agent";

type Send = { method: string; path: string; headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal };

/** Builds a client bound to one token (or none); `withToken` derives another without repeating options. */
export function createNemoClient(options: NemoClientOptions) {
  const { token, skill } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  const secrets = [token];

  /** Calls the injected fetch as a plain function: workerd throws "Illegal invocation" when it is a method. */
  async function send(endpoint: NemoEndpoint, request: Send, auth = true): Promise<Response> {
    const f = options.fetch;
    const headers: Record<string, string> = {
      "X-Skill-Source": skill.source,
      "X-Skill-Version": skill.version,
      "X-Skill-Platform": skill.platform,
      ...request.headers,
    };
    if (auth && token) headers.Authorization = `Bearer ${token}`;
    try {
      return await f(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body,
        signal: request.signal,
      });
    } catch (error) {
      throw transportError(endpoint, error, request.signal);
    }
  }

  function transportError(endpoint: NemoEndpoint, error: unknown, signal?: AbortSignal): unknown {
    // A caller's own abort stays an AbortError, as with plain fetch: it is a decision, not a failure.
    if (signal?.aborted) return error;
    const reason = error instanceof Error ? redact(error.message, secrets) : "unknown reason";
    return new NemoTransportError(`NemoVideo ${endpoint} failed in transit: ${reason}`, endpoint, undefined, {
      cause: error,
    });
  }

  /** Reads a body as JSON; `undefined` when it is not JSON (an HTML error page, an empty 2xx). */
  async function readBody(endpoint: NemoEndpoint, response: Response): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(endpoint, error);
    }
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  function throwIfFailed(endpoint: NemoEndpoint, response: Response, body: unknown): void {
    const failure = failureOf({
      endpoint,
      status: response.status,
      headers: response.headers,
      body,
      secrets,
      now: now(),
    });
    if (failure) throw failure;
  }

  /** Business-envelope call (§0.6): checks status and `code`, then validates `data` with the schema. */
  async function call<T>(endpoint: NemoEndpoint, request: Send, schema: ZodType<T>, auth = true): Promise<T> {
    return (await callWithData(endpoint, request, schema, auth)).value;
  }

  /** `call`, also returning the unparsed `data` for callers that keep the original (state diffing). */
  async function callWithData<T>(
    endpoint: NemoEndpoint,
    request: Send,
    schema: ZodType<T>,
    auth = true,
  ): Promise<{ value: T; data: unknown }> {
    const response = await send(endpoint, request, auth);
    const body = await readBody(endpoint, response);
    throwIfFailed(endpoint, response, body);
    // A body without `data` is read whole: one third-party client saw fields at the top level (§3).
    const data = isRecord(body) && isRecord(body.data) ? body.data : body;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new NemoSchemaError(
        endpoint,
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.code}`),
        response.status,
      );
    }
    return { value: parsed.data, data };
  }

  async function render(endpoint: NemoEndpoint, request: Send, fallbackId?: string): Promise<RenderStatus> {
    const response = await send(endpoint, request);
    const body = await readBody(endpoint, response);
    throwIfFailed(endpoint, response, body);
    const result = parseRenderStatus(body, { fallbackId, pendingIfSilent: endpoint === "submitRender" });
    if (!result.ok) throw new NemoSchemaError(endpoint, result.problems, response.status);
    return result.value;
  }

  const json = (value: unknown) => ({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
  const sid = (sessionId: string) => encodeURIComponent(sessionId);

  return {
    /** A client for another token (e.g. after anonymousToken), with the same base URL, fetch and skill. */
    withToken(newToken: string) {
      return createNemoClient({ ...options, token: newToken });
    },

    /** §1: a free 7-day token; the client id should be stable per user (one token per id per 7 days). */
    anonymousToken(clientId: string) {
      const request = { method: "POST", path: "/api/auth/anonymous-token", headers: { "X-Client-Id": clientId } };
      return call("anonymousToken", request, AnonymousTokenSchema, false);
    },

    /** §2: a browser hand-off token (clm_…), so the user token never goes into a link. */
    claimToken(input: { taskId: string; sessionId: string }) {
      const body = json({ task_id: input.taskId, session_id: input.sessionId });
      return call("claimToken", { method: "POST", path: "/api/auth/claim-token", ...body }, ClaimTokenSchema);
    },

    /** §3: one task + agent session per project. */
    createSession(input: { language: string; taskName?: string }) {
      const body = json({ task_name: input.taskName ?? "project", language: input.language });
      return call(
        "createSession",
        { method: "POST", path: `/api/tasks/me/with-session/${APP}`, ...body },
        SessionSchema,
      );
    },

    /**
     * §4: sends one user message. Resolves once the stream has started (errors before that are thrown
     * here), then yields events as they arrive; the turn is over when iteration ends.
     */
    async runTurn(input: {
      sessionId: string;
      text: string;
      signal?: AbortSignal;
    }): Promise<AsyncIterable<AgentEvent>> {
      const body = JSON.stringify({
        app_name: APP,
        user_id: "me",
        session_id: input.sessionId,
        new_message: { parts: [{ text: input.text }] },
      });
      const headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
      const request = { method: "POST", path: "/run_sse", headers, body, signal: input.signal };
      const response = await send("runTurn", request);
      const isJson = /\bjson\b/i.test(response.headers.get("content-type") ?? "");
      if (!response.ok || isJson || !response.body) {
        // An error envelope arrived instead of a stream (§21).
        const errorBody = await readBody("runTurn", response);
        throwIfFailed("runTurn", response, errorBody);
        throw new NemoSchemaError("runTurn", ["body: not an event stream"], response.status);
      }
      return readAgentEvents(response.body, {
        secrets,
        onReadError: (error) => transportError("runTurn", error, input.signal),
      });
    },

    /** §5: the project state; missing parts are tolerated, `raw` keeps the whole `data` for diffing. */
    async state(sessionId: string): Promise<ProjectState> {
      const request = { method: "GET", path: `/api/state/${APP}/me/${sid(sessionId)}/latest` };
      const { value, data } = await retryRead(options.readRetry, () => callWithData("state", request, StateSchema));
      return { ...value, raw: data };
    },

    /**
     * §6: multipart upload, streamed part by part so a large video never sits in memory. `signal` lets the
     * caller give up on an upload NemoVideo never answers.
     */
    uploadFiles(sessionId: string, files: UploadFile[], signal?: AbortSignal): Promise<UploadResult> {
      const form = multipartStream(
        files.map((file) => ({
          name: "files",
          filename: file.filename,
          contentType: file.contentType,
          value: file.body,
          size: file.size,
        })),
      );
      let body: ReadableStream<Uint8Array> = form.body;
      if (form.length !== undefined) {
        // A known length lets workerd send Content-Length instead of chunked encoding, which some
        // upload front-ends refuse.
        const fixed = new FixedLengthStream(form.length);
        form.body.pipeTo(fixed.writable).catch(() => {});
        body = fixed.readable;
      }
      const request = {
        method: "POST",
        path: `/api/upload-video/${APP}/me/${sid(sessionId)}`,
        headers: { "Content-Type": form.contentType },
        body,
        signal,
      };
      return call("uploadFiles", request, UploadSchema).catch(async (error: unknown) => {
        // If fetch never took the body, nobody will read it: cancel it so the sources (often a Telegram
        // file download) close now instead of holding a connection until garbage collection.
        await body.cancel(error).catch(() => {});
        throw error;
      });
    },

    /** §6: the same endpoint, given public URLs instead of bytes. */
    uploadUrls(sessionId: string, urls: string[], signal?: AbortSignal): Promise<UploadResult> {
      const body = json({ urls, source_type: "url" });
      const path = `/api/upload-video/${APP}/me/${sid(sessionId)}`;
      return call("uploadUrls", { method: "POST", path, ...body, signal }, UploadSchema);
    },

    /** §7: credit balance. */
    credits() {
      const request = { method: "GET", path: "/api/credits/balance/simple" };
      return retryRead(options.readRetry, () => call("credits", request, CreditsSchema));
    },

    /** §8: starts a render; `id` is ours, unique per attempt (a reused id may be refused as duplicate). */
    submitRender(input: {
      id: string;
      sessionId: string;
      draft: Draft;
      output?: Record<string, unknown>;
    }): Promise<RenderStatus> {
      const output = input.output ?? { format: "mp4", quality: "high" };
      // The one camelCase body in the API (§0.5).
      const body = json({ id: input.id, sessionId: input.sessionId, draft: input.draft, output });
      return render("submitRender", { method: "POST", path: "/api/render/proxy/lambda", ...body }, input.id);
    },

    /** §9: where the render stands; both documented response shapes are read. */
    renderStatus(renderId: string): Promise<RenderStatus> {
      const path = `/api/render/proxy/lambda/${encodeURIComponent(renderId)}`;
      return retryRead(options.readRetry, () => render("renderStatus", { method: "GET", path }, renderId));
    },

    /** §10: cancels a render. The response is undocumented, so any 2xx counts as done. */
    async cancelRender(renderId: string): Promise<void> {
      const path = `/api/render/proxy/lambda/${encodeURIComponent(renderId)}/cancel`;
      const response = await send("cancelRender", { method: "POST", path });
      const body = await readBody("cancelRender", response);
      throwIfFailed("cancelRender", response, body);
    },

    /** §11: the finished MP4 through the API (Bearer); the body is returned unread so it can be streamed on. */
    async download(renderId: string): Promise<Response> {
      const path = `/api/render/proxy/${encodeURIComponent(renderId)}/download`;
      const response = await send("download", { method: "GET", path });
      if (!response.ok) throwIfFailed("download", response, await readBody("download", response));
      return response;
    },

    /**
     * An output URL from a completed render. It is usually a CDN host, so neither the bearer token nor
     * the attribution headers are sent: the token must never reach a third party.
     */
    async downloadUrl(url: string, signal?: AbortSignal): Promise<Response> {
      if (!/^https?:\/\//i.test(url)) {
        throw new NemoError("NemoVideo downloadUrl needs an http(s) URL", "downloadUrl");
      }
      const f = options.fetch;
      let response: Response;
      try {
        response = await f(url, { method: "GET", signal });
      } catch (error) {
        throw transportError("downloadUrl", error, signal);
      }
      if (!response.ok) throwIfFailed("downloadUrl", response, await readBody("downloadUrl", response));
      return response;
    },
  };
}
