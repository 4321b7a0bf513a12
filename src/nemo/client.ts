import { multipartStream } from "../shared/multipart";
import { NemoError, NemoSchemaError } from "./errors";
import { retryRead } from "./read-retry";
import {
  AnonymousTokenSchema,
  ClaimTokenSchema,
  CreditsSchema,
  type Draft,
  type ProjectState,
  type RenderStatus,
  SessionSchema,
  StateSchema,
  type UploadResult,
  UploadSchema,
} from "./schemas";
import { type AgentEvent, readAgentEvents } from "./sse";
import { createTransport, type NemoClientOptions } from "./transport";

/**
 * HTTP client for NemoVideo's mega-api (nemo-api.md). Every response is validated with zod where it
 * enters and returned in camelCase; every failure is a typed NemoError. `fetch` is injected so tests pass
 * canned responses and the Worker passes its own.
 */

/** A file to upload, read from its stream as the request is sent. */
export type UploadFile = { filename: string; contentType: string; body: ReadableStream<Uint8Array>; size?: number };

export type NemoClient = ReturnType<typeof createNemoClient>;

/** The agent/app name; also the path segment of session, state and upload routes (§3). */
const APP = "nemo_agent";

/** Builds a client bound to one token (or none); `withToken` derives another without repeating options. */
export function createNemoClient(options: NemoClientOptions) {
  const { send, call, callWithData, render, transportError, readBody, throwIfFailed, secrets } =
    createTransport(options);
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
