import type { ZodType } from "zod";
import { isRecord } from "../shared/is-record";
import { failureOf, type NemoEndpoint, NemoSchemaError, NemoTransportError, redact } from "./errors";
import type { ReadRetry } from "./read-retry";
import { parseRenderStatus, type RenderStatus } from "./schemas";

export type NemoClientOptions = {
  /** e.g. https://mega-api-prod.nemovideo.ai, without a trailing slash */
  baseUrl: string;
  fetch: typeof fetch;
  /** Attribution headers (§0.3); without them the backend answers renders with 402. */
  skill: { source: string; version: string; platform: string };
  /** Bearer token; absent only for the anonymous-token call. */
  token?: string;
  /** Clock for Retry-After dates (the chat's clock; tests pass their own). */
  now: () => number;
  /** Retries of the idempotent reads (state, render status, credits) after a transport failure or 5xx. */
  readRetry?: ReadRetry;
};

/** One request to NemoVideo: the path under the base URL, and what goes with it. */
export type Send = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  signal?: AbortSignal;
};

/**
 * The HTTP layer under the client: the attribution and auth headers on every request, transport failures
 * as NemoTransportError (with the token redacted), and every answer checked for a failure (status or
 * envelope code, §21) and then validated with its schema. The client (client.ts) only names endpoints.
 */
export function createTransport(options: NemoClientOptions) {
  const { token, skill } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const { now } = options;
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

  return { send, call, callWithData, render, transportError, readBody, throwIfFailed, secrets };
}
