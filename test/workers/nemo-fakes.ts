import { createNemoClient, type NemoClientOptions } from "../../src/nemo";

/** Shared fakes for the NemoVideo client tests: a recording fetch and canned responses. */

export const BASE = "https://mega-api.test";
export const TOKEN = "nmv_usr_S3cretTokenValue1";
export const SKILL = { source: "tiktok-video-generator-ai", version: "0.1.0", platform: "telegram" };

export type Recorded = { url: string; method: string; headers: Headers; body: ReadableStream | string | null };

type Responder = (request: Recorded, index: number) => Response | Promise<Response>;

/**
 * A fetch that records each request and answers from `respond`. It is an ordinary function that throws
 * when called with a `this`, as workerd's fetch does ("Illegal invocation").
 */
export function recordingFetch(respond: Responder) {
  const calls: Recorded[] = [];
  const fetch = async function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (this !== undefined) throw new TypeError("Illegal invocation");
    const body = init?.body;
    const recorded: Recorded = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof body === "string" || body instanceof ReadableStream ? body : null,
    };
    calls.push(recorded);
    return respond(recorded, calls.length - 1);
  };
  return { fetch, calls };
}

export function clientWith(respond: Responder, overrides: Partial<NemoClientOptions> = {}) {
  const { fetch, calls } = recordingFetch(respond);
  const client = createNemoClient({
    baseUrl: BASE,
    fetch,
    skill: SKILL,
    token: TOKEN,
    now: () => Date.now(),
    ...overrides,
  });
  return { client, calls };
}

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export const ok = (data: unknown) => json({ code: 0, message: "success", data });

/** A byte stream the test feeds by hand, to prove that consumers read before the source is finished. */
export function controlledStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    push: (chunk: string | Uint8Array) => controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk),
    close: () => controller.close(),
    error: (reason: unknown) => controller.error(reason),
  };
}

/** Splits bytes at the given offsets into a stream, one chunk per piece. */
export function chunkedStream(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const pieces = points.slice(1).map((end, i) => bytes.slice(points[i], end));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces.shift();
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
}

/** A tiny seeded PRNG so random chunking is reproducible when a case fails. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return chunkedStream(bytes, []);
}
