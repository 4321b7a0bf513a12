import { looseObject, number, string, unknown } from "zod";
import { redact } from "../shared/redact";

/**
 * One error class per way a NemoVideo call can fail, named by what failed (see nemo-api.md §13).
 * Callers branch with `instanceof`; every class extends NemoError so one catch can take them all.
 * No message ever carries the bearer token: server-supplied text is redacted before it is used.
 */

/** The client method whose request failed, e.g. "createSession"; kept for logs and user-facing wording. */
export type NemoEndpoint =
  | "anonymousToken"
  | "claimToken"
  | "createSession"
  | "runTurn"
  | "state"
  | "uploadFiles"
  | "uploadUrls"
  | "credits"
  | "submitRender"
  | "renderStatus"
  | "cancelRender"
  | "download"
  | "downloadUrl";

/** Base class: every failure of the NemoVideo client. `status` is the HTTP status when a response arrived. */
export class NemoError extends Error {
  override name = "NemoError";
  constructor(
    message: string,
    readonly endpoint: NemoEndpoint,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shared shape of the errors NemoVideo reports with an envelope code (1001, 1002, ...). */
abstract class NemoCodeError extends NemoError {
  constructor(
    what: string,
    endpoint: NemoEndpoint,
    readonly code: number,
    status: number | undefined,
    /** The server's own `message`, token-redacted; never shown to users verbatim. */
    readonly serverMessage?: string,
  ) {
    super(
      `NemoVideo refused ${endpoint}: ${what} (code ${code})${serverMessage ? `: ${serverMessage}` : ""}`,
      endpoint,
      status,
    );
  }
}

/** 1001: the token is invalid or expired; get a new anonymous token with the same client id. */
export class NemoTokenInvalidError extends NemoCodeError {
  override name = "NemoTokenInvalidError";
}
/** 1002 (or ADK's 404 "Session not found"): the session is gone; create a new one. */
export class NemoSessionNotFoundError extends NemoCodeError {
  override name = "NemoSessionNotFoundError";
}
/** 2001: not enough credits for the operation. */
export class NemoInsufficientCreditsError extends NemoCodeError {
  override name = "NemoInsufficientCreditsError";
}
/** 4001: the uploaded file type is not supported. */
export class NemoUnsupportedFileError extends NemoCodeError {
  override name = "NemoUnsupportedFileError";
}
/** 4002: the uploaded file is too large. */
export class NemoFileTooLargeError extends NemoCodeError {
  override name = "NemoFileTooLargeError";
}
/** An envelope code other than 0 that this client does not know. */
export class NemoUnknownCodeError extends NemoCodeError {
  override name = "NemoUnknownCodeError";
}

/** HTTP 400 from the anonymous-token call: the X-Client-Id header was missing or unacceptable. */
export class NemoMissingClientIdError extends NemoError {
  override name = "NemoMissingClientIdError";
}
/** HTTP 402: export blocked for this plan (also what missing attribution headers cause); not a credit problem. */
export class NemoExportBlockedError extends NemoError {
  override name = "NemoExportBlockedError";
}
/** HTTP 429: rate limited. `retryAfterMs` comes from the Retry-After header when the server sent one. */
export class NemoRateLimitedError extends NemoError {
  override name = "NemoRateLimitedError";
  constructor(
    message: string,
    endpoint: NemoEndpoint,
    readonly retryAfterMs?: number,
  ) {
    super(message, endpoint, 429);
  }
}
/** Any other non-2xx status. 5xx (`isServerError`) is worth a retry for idempotent calls; 4xx is not. */
export class NemoHttpError extends NemoError {
  override name = "NemoHttpError";
  constructor(
    message: string,
    endpoint: NemoEndpoint,
    override readonly status: number,
    readonly code?: number,
  ) {
    super(message, endpoint, status);
  }
  get isServerError(): boolean {
    return this.status >= 500;
  }
}
/** No usable response: fetch threw, the connection reset, or reading the body failed. `cause` says why. */
export class NemoTransportError extends NemoError {
  override name = "NemoTransportError";
}
/** The response did not have the shape we expect. Holds the failing paths only, never the body (it may hold a token). */
export class NemoSchemaError extends NemoError {
  override name = "NemoSchemaError";
  constructor(
    endpoint: NemoEndpoint,
    readonly problems: string[],
    status?: number,
  ) {
    super(`NemoVideo answered ${endpoint} with an unexpected shape: ${problems.join("; ")}`, endpoint, status);
  }
}

const CODE_ERRORS = {
  1001: [NemoTokenInvalidError, "token invalid or expired"],
  1002: [NemoSessionNotFoundError, "session not found"],
  2001: [NemoInsufficientCreditsError, "insufficient credits"],
  4001: [NemoUnsupportedFileError, "unsupported file type"],
  4002: [NemoFileTooLargeError, "file too large"],
} as const;

function isKnownCode(code: number): code is keyof typeof CODE_ERRORS {
  return code in CODE_ERRORS;
}

// Business envelope `{code, message}` (mega-api), and FastAPI's `{detail}` (the ADK server under /run_sse).
const ErrorBodySchema = looseObject({
  code: number().int().optional(),
  message: string().optional(),
  msg: string().optional(),
  detail: unknown().optional(),
  error: unknown().optional(),
});

// One redaction for every token shape (src/shared/redact.ts); re-exported for the client's modules.
export { redact };

/** What a response said, as far as deciding whether it is a failure goes. */
export type ResponseFacts = {
  endpoint: NemoEndpoint;
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  body: unknown;
  secrets: ReadonlyArray<string | undefined>;
  now: number;
};

/**
 * The typed error a response stands for, or undefined when it is a success. Envelope codes are checked on
 * every status because NemoVideo may report them on HTTP 200 or on a 4xx with the same body (§21).
 * Order: 429 first (its retry hint matters whatever the body says), then known codes, then statuses.
 */
export function failureOf(facts: ResponseFacts): NemoError | undefined {
  const { endpoint, status } = facts;
  const parsed = ErrorBodySchema.safeParse(facts.body);
  const envelope = parsed.success ? parsed.data : {};
  // mega-api says `message`, the render proxy `error`, FastAPI `detail`.
  const text = [envelope.message, envelope.msg, envelope.detail, envelope.error].find((v) => typeof v === "string");
  const rawMessage = typeof text === "string" ? text : "";
  const serverMessage = rawMessage ? redact(rawMessage, facts.secrets) : undefined;
  const code = envelope.code;
  const ok = status >= 200 && status < 300;
  const httpStatus = ok ? undefined : status;

  if (status === 429) {
    return new NemoRateLimitedError(
      `NemoVideo rate-limited ${endpoint} (HTTP 429)`,
      endpoint,
      retryAfterMs(facts.headers.get("retry-after"), facts.now),
    );
  }
  if (code !== undefined && isKnownCode(code)) {
    const [ErrorClass, what] = CODE_ERRORS[code];
    return new ErrorClass(what, endpoint, code, httpStatus, serverMessage);
  }
  if (status === 401) {
    // mega-api documents no other auth failure than 1001; a bare 401 means the same thing for the caller.
    return new NemoTokenInvalidError("unauthorized", endpoint, 1001, status, serverMessage);
  }
  if (status === 402) return new NemoExportBlockedError(`NemoVideo blocked ${endpoint} (HTTP 402)`, endpoint, status);
  if (status === 400 && endpoint === "anonymousToken") {
    return new NemoMissingClientIdError(
      "NemoVideo refused anonymousToken: X-Client-Id missing (HTTP 400)",
      endpoint,
      400,
    );
  }
  if (status === 404 && endpoint === "runTurn" && envelope.detail !== undefined) {
    return new NemoSessionNotFoundError("session not found", endpoint, 1002, status, serverMessage);
  }
  // An unknown code on 200 or 4xx is a refusal we cannot name; on 5xx the status matters more (retryable).
  if (code !== undefined && code !== 0 && status < 500) {
    return new NemoUnknownCodeError("unknown error", endpoint, code, httpStatus, serverMessage);
  }
  if (!ok) {
    const suffix = serverMessage ? `: ${serverMessage}` : "";
    return new NemoHttpError(`NemoVideo answered ${endpoint} with HTTP ${status}${suffix}`, endpoint, status, code);
  }
  return undefined;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
