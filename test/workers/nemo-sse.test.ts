import { describe, expect, it } from "vitest";
import { type AgentEvent, NemoTransportError } from "../../src/nemo";
import { chunkedStream, clientWith, collect, controlledStream, seeded, TOKEN } from "./nemo-fakes";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8" };
const HEARTBEAT: AgentEvent = { kind: "heartbeat" };

/** Runs one turn against a canned body and returns every event. */
async function turn(body: ReadableStream<Uint8Array> | string): Promise<AgentEvent[]> {
  const { client } = clientWith(() => new Response(body, { headers: SSE_HEADERS }));
  return collect(await client.runTurn({ sessionId: "s1", text: "hi" }));
}

const frame = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

// Dialect (a): the typed events of the v4.4 reference, with all three heartbeat forms between them.
const TYPED = [
  frame({ type: "text", content: "Generating your video… 🎬 ça va" }),
  frame({ type: "heartbeat" }),
  ": ping\n\n",
  "data:\n\n",
  frame({ type: "tool_call", name: "generate_video_with_seedance", args: { prompt: "a cat", duration: 5 } }),
  frame({ type: "tool_result", name: "generate_video_with_seedance", result: { url: "https://cdn/v.mp4" } }),
  frame({ type: "text", content: "Done! 你好" }),
].join("");

const TYPED_EVENTS: AgentEvent[] = [
  { kind: "text", text: "Generating your video… 🎬 ça va" },
  HEARTBEAT,
  HEARTBEAT,
  HEARTBEAT,
  { kind: "tool_call", name: "generate_video_with_seedance", args: { prompt: "a cat", duration: 5 } },
  { kind: "tool_result", name: "generate_video_with_seedance", result: { url: "https://cdn/v.mp4" } },
  { kind: "text", text: "Done! 你好" },
];

const adk = (extra: Record<string, unknown>) => ({
  id: "3f6c0d8e-0000-4000-8000-000000000001",
  invocationId: "e-42",
  author: "nemo_agent",
  timestamp: 1773423613.6,
  actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {} },
  ...extra,
});

// Dialect (b): Google ADK Event objects, camelCase, including the parts the reader must skip.
const ADK = [
  frame(adk({ author: "user", content: { role: "user", parts: [{ text: "add a title" }] } })),
  frame(adk({ partial: true, content: { role: "model", parts: [{ text: "Add" }] } })),
  frame(
    adk({
      content: {
        role: "model",
        parts: [
          { text: "thinking about titles", thought: true },
          { text: "Adding a title ✨" },
          { functionCall: { id: "fc-1", name: "edit_multitrack", args: { op: "add_title", text: "Hello" } } },
        ],
      },
    }),
  ),
  ": keep-alive\n\n",
  frame(
    adk({
      content: {
        role: "user",
        parts: [{ functionResponse: { id: "fc-1", name: "edit_multitrack", response: { ok: true } } }],
      },
    }),
  ),
  frame(adk({ content: { role: "model", parts: [{ text: "Title added." }] }, turnComplete: true })),
  frame(adk({ errorCode: "MALFORMED_FUNCTION_CALL", errorMessage: "model produced a bad call" })),
  frame({ error: "Internal server error: boom" }),
].join("");

const ADK_EVENTS: AgentEvent[] = [
  HEARTBEAT, // the user's own message, echoed
  { kind: "partial", text: "Add" }, // a partial preview: shown live in a draft, never as an answer
  { kind: "text", text: "Adding a title ✨" },
  { kind: "tool_call", name: "edit_multitrack", args: { op: "add_title", text: "Hello" } },
  HEARTBEAT,
  { kind: "tool_result", name: "edit_multitrack", result: { ok: true } },
  { kind: "text", text: "Title added." },
  { kind: "error", message: "model produced a bad call" },
  { kind: "error", message: "Internal server error: boom" },
];

describe("reading a turn's event stream", () => {
  it.each([
    ["typed events (dialect a)", TYPED, TYPED_EVENTS],
    ["ADK events (dialect b)", ADK, ADK_EVENTS],
  ])("reads %s", async (_label, text, expected) => {
    expect(await turn(text)).toEqual(expected);
  });

  it.each([
    ["a heartbeat event", frame({ type: "heartbeat" })],
    ["an empty data line", "data:\n\n"],
    ["a data line with only a space", "data: \n\n"],
    ["a comment line", ": ping\n\n"],
    ["unknown JSON", frame({ type: "usage", tokens: 12 })],
    ["a JSON array", "data: [1,2]\n\n"],
    ["non-JSON text", "data: [DONE]\n\n"],
    ["a thought-only ADK event", frame(adk({ content: { role: "model", parts: [{ text: "hmm", thought: true }] } }))],
  ])("turns %s into a heartbeat and never throws", async (_label, text) => {
    expect(await turn(text)).toEqual([HEARTBEAT]);
  });

  it("accepts CRLF line endings and a final event without its blank line", async () => {
    const text = 'data: {"type":"text","content":"one"}\r\n\r\ndata: {"type":"text","content":"two"}\n';
    expect(await turn(text)).toEqual([
      { kind: "text", text: "one" },
      { kind: "text", text: "two" },
    ]);
  });

  it("ends the turn with no events when the server closes at once (a silent edit)", async () => {
    expect(await turn("")).toEqual([]);
  });

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))(
    "gives the same events however the bytes are chunked (seed %i)",
    async (seed) => {
      const random = seeded(seed);
      for (const [text, expected] of [
        [TYPED, TYPED_EVENTS],
        [ADK, ADK_EVENTS],
      ] as const) {
        const bytes = new TextEncoder().encode(text);
        // Cuts land anywhere, including inside multi-byte characters (…, 🎬, 你好, ✨).
        const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * bytes.length));
        expect(await turn(chunkedStream(bytes, cuts))).toEqual(expected);
      }
    },
  );

  it("splits every multi-byte character at every byte", async () => {
    const bytes = new TextEncoder().encode(TYPED);
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(await turn(chunkedStream(bytes, cuts))).toEqual(TYPED_EVENTS);
  });
});

describe("streaming", () => {
  it("yields the first event before the stream's last chunk is enqueued", async () => {
    const source = controlledStream();
    const { client } = clientWith(() => new Response(source.stream, { headers: SSE_HEADERS }));
    const events = (await client.runTurn({ sessionId: "s1", text: "hi" }))[Symbol.asyncIterator]();
    source.push(frame({ type: "text", content: "first" }));
    expect((await events.next()).value).toEqual({ kind: "text", text: "first" });
    source.push(": ping\n");
    source.push("\n");
    expect((await events.next()).value).toEqual(HEARTBEAT);
    source.push(frame({ type: "text", content: "last" }));
    source.close();
    expect((await events.next()).value).toEqual({ kind: "text", text: "last" });
    expect((await events.next()).done).toBe(true);
  });

  it("cancels the body when the caller stops reading", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(frame({ type: "heartbeat" })));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { client } = clientWith(() => new Response(body, { headers: SSE_HEADERS }));
    for await (const event of await client.runTurn({ sessionId: "s1", text: "hi" })) {
      expect(event).toEqual(HEARTBEAT);
      break;
    }
    expect(cancelled).toBe(true);
  });

  it("reports a connection reset mid-stream as NemoTransportError, after the events already read", async () => {
    const source = controlledStream();
    const { client } = clientWith(() => new Response(source.stream, { headers: SSE_HEADERS }));
    const seen: AgentEvent[] = [];
    source.push(frame({ type: "text", content: "working" }));
    const reading = (async () => {
      for await (const event of await client.runTurn({ sessionId: "s1", text: "hi" })) {
        seen.push(event);
        source.error(new Error(`connection reset (Authorization: Bearer ${TOKEN})`));
      }
    })();
    const error = await reading.catch((e: unknown) => e);
    expect(seen).toEqual([{ kind: "text", text: "working" }]);
    expect(error).toBeInstanceOf(NemoTransportError);
    expect(String(error)).not.toContain(TOKEN);
  });

  it("passes the caller's abort signal to fetch", async () => {
    const controller = new AbortController();
    let received: AbortSignal | undefined;
    const { client } = clientWith(() => new Response("", { headers: SSE_HEADERS }), {
      fetch: async (_input, init) => {
        received = init?.signal ?? undefined;
        return new Response("", { headers: SSE_HEADERS });
      },
    });
    await collect(await client.runTurn({ sessionId: "s1", text: "hi", signal: controller.signal }));
    expect(received).toBe(controller.signal);
  });
});
