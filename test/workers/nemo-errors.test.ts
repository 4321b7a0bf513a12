import { describe, expect, it } from "vitest";
import {
  type NemoClient,
  NemoError,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoHttpError,
  NemoInsufficientCreditsError,
  NemoMissingClientIdError,
  NemoRateLimitedError,
  NemoSchemaError,
  NemoSessionNotFoundError,
  NemoTokenInvalidError,
  NemoTransportError,
  NemoUnknownCodeError,
  NemoUnsupportedFileError,
} from "../../src/nemo";
import { clientWith, collect, json, TOKEN } from "./nemo-fakes";

/** Runs `call` against one canned answer and returns what it threw. */
async function failure(answer: () => Response | Promise<Response>, call: (c: NemoClient) => Promise<unknown>) {
  const { client } = clientWith(answer, { now: () => Date.parse("2026-11-21T12:00:00Z") });
  const error = await call(client).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NemoError)) throw new Error(`expected a NemoError, got ${String(error)}`);
  // Whatever failed, no message may carry the bearer token.
  expect(`${error.message} ${error.stack ?? ""} ${String(error)}`).not.toContain(TOKEN);
  return error;
}

const credits = (c: NemoClient) => c.credits();

describe("envelope codes", () => {
  it.each([
    [1001, NemoTokenInvalidError],
    [1002, NemoSessionNotFoundError],
    [2001, NemoInsufficientCreditsError],
    [4001, NemoUnsupportedFileError],
    [4002, NemoFileTooLargeError],
    [3007, NemoUnknownCodeError],
  ])("code %i is %o on HTTP 200 and on a 4xx", async (code, ErrorClass) => {
    for (const status of [200, 400, 403, 404, 413]) {
      const error = await failure(() => json({ code, message: "nope", data: null }, status), credits);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ code, endpoint: "credits", status: status === 200 ? undefined : status });
    }
  });

  it("a 5xx with a code stays NemoHttpError, so it is retried as a server error", async () => {
    const error = await failure(() => json({ code: 5000, message: "internal" }, 500), credits);
    expect(error).toBeInstanceOf(NemoHttpError);
    expect(error).toMatchObject({ status: 500, code: 5000, isServerError: true });
  });

  it("keeps the server's message, with any token in it redacted", async () => {
    const message = `token ${TOKEN} expired; try nmv_usr_OtherTokenValue123`;
    const error = await failure(() => json({ code: 1001, message }), credits);
    expect(error).toBeInstanceOf(NemoTokenInvalidError);
    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain("nmv_usr_");
  });
});

describe("HTTP statuses", () => {
  it("400 on anonymous-token means the client id is missing", async () => {
    const error = await failure(
      () => json({ detail: "X-Client-Id header required" }, 400),
      (c) => c.anonymousToken(""),
    );
    expect(error).toBeInstanceOf(NemoMissingClientIdError);
  });

  it("402 means export blocked", async () => {
    const error = await failure(
      () => json({ success: false, error: "Payment Required" }, 402),
      (c) => c.submitRender({ id: "r1", sessionId: "s", draft: {} }),
    );
    expect(error).toBeInstanceOf(NemoExportBlockedError);
    expect(error.status).toBe(402);
  });

  it.each([
    ["delta-seconds", "30", 30_000],
    ["an HTTP date", "Sat, 21 Nov 2026 12:00:45 GMT", 45_000],
    ["nothing", undefined, undefined],
  ])("429 with Retry-After as %s", async (_label, retryAfter, expected) => {
    const headers: Record<string, string> = retryAfter ? { "Retry-After": retryAfter } : {};
    const error = await failure(
      () => json({ code: 429, message: "Too many requests" }, 429, headers),
      (c) => c.anonymousToken("cid"),
    );
    expect(error).toBeInstanceOf(NemoRateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: expected });
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [404, false],
    [409, false],
  ])("HTTP %i is NemoHttpError (server error: %s)", async (status, isServerError) => {
    const error = await failure(() => new Response("<html>Bad Gateway</html>", { status }), credits);
    expect(error).toBeInstanceOf(NemoHttpError);
    expect(error).toMatchObject({ status, isServerError });
  });

  it("401 without a code is treated as an invalid token", async () => {
    const error = await failure(() => json({ detail: "Unauthorized" }, 401), credits);
    expect(error).toBeInstanceOf(NemoTokenInvalidError);
  });
});

describe("transport and schema failures", () => {
  it("fetch throwing is NemoTransportError, with the cause kept", async () => {
    const cause = new TypeError(`Network connection lost while sending Bearer ${TOKEN}`);
    const error = await failure(() => Promise.reject(cause), credits);
    expect(error).toBeInstanceOf(NemoTransportError);
    expect(error.cause).toBe(cause);
  });

  it("a body that fails mid-read is NemoTransportError", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"code":0,"da'));
        controller.error(new Error("connection reset"));
      },
    });
    const error = await failure(() => new Response(body, { headers: { "content-type": "application/json" } }), credits);
    expect(error).toBeInstanceOf(NemoTransportError);
  });

  it.each([
    ["a missing field", { code: 0, data: { frozen: 1 } }],
    ["a wrong type", { code: 0, data: { available: "lots" } }],
    ["an HTML page on 200", "<html>maintenance</html>"],
  ])("%s is NemoSchemaError naming the endpoint but not the body", async (_label, body) => {
    const text = typeof body === "string" ? body : JSON.stringify({ ...body, secret: TOKEN });
    const error = await failure(() => new Response(text, { status: 200 }), credits);
    expect(error).toBeInstanceOf(NemoSchemaError);
    expect(error.endpoint).toBe("credits");
    expect(error.message).not.toContain("lots");
    expect(error.message).not.toContain("maintenance");
  });

  it("a token response without a token is NemoSchemaError", async () => {
    const error = await failure(
      () => json({ code: 0, data: { credits: 100 } }),
      (c) => c.anonymousToken("cid"),
    );
    expect(error).toBeInstanceOf(NemoSchemaError);
  });
});

describe("/run_sse answering JSON instead of a stream", () => {
  const runTurn = async (c: NemoClient) => collect(await c.runTurn({ sessionId: "gone", text: "hi" }));

  it.each([
    ["code 1002 on HTTP 200", () => json({ code: 1002, message: "session not found" }), NemoSessionNotFoundError],
    ["code 1001 on HTTP 401", () => json({ code: 1001, message: "token expired" }, 401), NemoTokenInvalidError],
    [
      "code 2001 on HTTP 200",
      () => json({ code: 2001, message: "insufficient credits" }),
      NemoInsufficientCreditsError,
    ],
    ["FastAPI 404 {detail}", () => json({ detail: "Session not found" }, 404), NemoSessionNotFoundError],
    ["a 503 text page", () => new Response("upstream unavailable", { status: 503 }), NemoHttpError],
    ["JSON with code 0", () => json({ code: 0, data: {} }), NemoSchemaError],
  ])("%s", async (_label, answer, ErrorClass) => {
    const error = await failure(answer, runTurn);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.endpoint).toBe("runTurn");
  });

  it("throws before any event is read, at the await of runTurn", async () => {
    const { client } = clientWith(() => json({ code: 1002, message: "session not found" }));
    await expect(client.runTurn({ sessionId: "gone", text: "hi" })).rejects.toBeInstanceOf(NemoSessionNotFoundError);
  });
});

describe("downloads", () => {
  it("a failed download is a typed error and a non-http URL is refused before fetching", async () => {
    expect(
      await failure(
        () => new Response("gone", { status: 404 }),
        (c) => c.download("r1"),
      ),
    ).toBeInstanceOf(NemoHttpError);
    const { client, calls } = clientWith(() => new Response(""));
    await expect(client.downloadUrl("file:///etc/passwd")).rejects.toBeInstanceOf(NemoError);
    expect(calls).toHaveLength(0);
  });
});
