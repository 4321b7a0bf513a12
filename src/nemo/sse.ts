import { createParser } from "eventsource-parser";
import { array, boolean, literal, looseObject, string, unknown } from "zod";
import { redact } from "./errors";

/**
 * Reads the /run_sse stream (nemo-api.md §4) into AgentEvents. Two dialects are documented and both are
 * accepted: (a) typed `{type:"text"|"tool_call"|"tool_result"|"heartbeat", …}` and (b) Google ADK Event
 * objects. The stream has no end event: the turn ends when the server closes the connection.
 */

/** One thing the agent did during a turn. `heartbeat` only proves the connection is alive. */
export type AgentEvent =
  | { kind: "text"; text: string }
  /** A fragment of text still being written (ADK `partial: true`); the full text follows as `text`. */
  | { kind: "partial"; text: string }
  | { kind: "tool_call"; name: string; args?: unknown }
  | { kind: "tool_result"; name: string; result?: unknown }
  | { kind: "heartbeat" }
  | { kind: "error"; message: string };

/** An SSE frame in arrival order: a dispatched `data:` event, or a comment line such as `: ping`. */
type SseFrame = { type: "data"; data: string } | { type: "comment" };

const HEARTBEAT: AgentEvent = { kind: "heartbeat" };

// Dialect (a), as in the v4.4 reference (§4.3a). `text` is accepted beside `content` for safety.
const TypedEventSchema = looseObject({
  type: string(),
  content: string().optional(),
  text: string().optional(),
  name: string().optional(),
  args: unknown().optional(),
  result: unknown().optional(),
  message: string().optional(),
});

// Dialect (b): ADK `Event` with camelCase aliases (§4.3b). Only the fields we act on are described.
const AdkPartSchema = looseObject({
  text: string().optional(),
  thought: boolean().optional(),
  functionCall: looseObject({ name: string(), args: unknown().optional() }).optional(),
  functionResponse: looseObject({ name: string(), response: unknown().optional() }).optional(),
});
const AdkEventSchema = looseObject({
  author: string().optional(),
  partial: boolean().optional(),
  content: looseObject({ parts: array(unknown()).optional() }).nullish(),
  errorCode: unknown().optional(),
  errorMessage: string().optional(),
  error: unknown().optional(),
});
const HeartbeatSchema = looseObject({ type: literal("heartbeat") });

/**
 * Interprets one `data:` payload. Every frame yields at least one event: payloads without content we use
 * (empty lines, unknown JSON, non-JSON, partial or user-authored ADK events) become a heartbeat, because
 * they still prove the server is alive. An ADK event with several parts yields several events.
 */
export function agentEventsOf(data: string, secrets: ReadonlyArray<string | undefined> = []): AgentEvent[] {
  if (data.trim() === "") return [HEARTBEAT];
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return [HEARTBEAT];
  }
  const events = HeartbeatSchema.safeParse(json).success ? [] : (typedEvents(json) ?? adkEvents(json, secrets));
  return events.length > 0 ? events : [HEARTBEAT];
}

/** Dialect (a), or undefined when the payload is not a typed event at all. */
function typedEvents(json: unknown): AgentEvent[] | undefined {
  const parsed = TypedEventSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  switch (e.type) {
    case "text": {
      const text = e.content ?? e.text;
      return text ? [{ kind: "text", text }] : [];
    }
    case "tool_call":
      return e.name ? [{ kind: "tool_call", name: e.name, args: e.args }] : [];
    case "tool_result":
      return e.name ? [{ kind: "tool_result", name: e.name, result: e.result }] : [];
    case "error":
      return [{ kind: "error", message: redact(e.message ?? e.content ?? "agent error") }];
    default:
      return [];
  }
}

function adkEvents(json: unknown, secrets: ReadonlyArray<string | undefined>): AgentEvent[] {
  const parsed = AdkEventSchema.safeParse(json);
  if (!parsed.success) return [];
  const e = parsed.data;
  const events: AgentEvent[] = [];
  // `{"error": "…"}` is how ADK's /run_sse reports an exception thrown mid-stream.
  if (typeof e.error === "string") events.push({ kind: "error", message: redact(e.error, secrets) });
  if (e.errorMessage) events.push({ kind: "error", message: redact(e.errorMessage, secrets) });
  // User events echo our own message.
  if (e.author === "user") return events;
  // Partial events are token-level previews repeated by the final event: shown live, never as an answer.
  if (e.partial === true) {
    for (const raw of e.content?.parts ?? []) {
      const part = AdkPartSchema.safeParse(raw);
      if (part.success && part.data.text && part.data.thought !== true) {
        events.push({ kind: "partial", text: part.data.text });
      }
    }
    return events;
  }
  for (const raw of e.content?.parts ?? []) {
    const part = AdkPartSchema.safeParse(raw);
    if (!part.success) continue;
    const p = part.data;
    if (p.text && p.thought !== true) events.push({ kind: "text", text: p.text });
    if (p.functionCall) events.push({ kind: "tool_call", name: p.functionCall.name, args: p.functionCall.args });
    if (p.functionResponse) {
      events.push({ kind: "tool_result", name: p.functionResponse.name, result: p.functionResponse.response });
    }
  }
  return events;
}

/**
 * Bytes → SSE frames, in order. eventsource-parser's own EventSourceParserStream reports comments through a
 * side callback, outside the stream's order, so this wraps `createParser` to put comments in line with
 * events. On close, a final event the server did not terminate with a blank line is still delivered.
 */
function sseFrames(): TransformStream<string, SseFrame> {
  let feed: (chunk: string) => void = () => {};
  return new TransformStream<string, SseFrame>({
    start(controller) {
      const parser = createParser({
        onEvent: (event) => controller.enqueue({ type: "data", data: event.data }),
        onComment: () => controller.enqueue({ type: "comment" }),
      });
      feed = (chunk) => parser.feed(chunk);
    },
    transform(chunk) {
      feed(chunk);
    },
    flush() {
      feed("\n\n");
    },
  });
}

/**
 * Yields AgentEvents as the body arrives (never buffering the whole turn). Breaking out of the loop
 * cancels the body so the connection is released. Read failures are passed to `onReadError` to be typed.
 */
export async function* readAgentEvents(
  body: ReadableStream<Uint8Array>,
  options: { secrets?: ReadonlyArray<string | undefined>; onReadError?: (error: unknown) => unknown } = {},
): AsyncGenerator<AgentEvent, void, undefined> {
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(sseFrames()).getReader();
  let done = false;
  try {
    while (true) {
      let result: ReadableStreamReadResult<SseFrame>;
      try {
        result = await reader.read();
      } catch (error) {
        done = true;
        throw options.onReadError ? options.onReadError(error) : error;
      }
      if (result.done) {
        done = true;
        return;
      }
      const frame = result.value;
      if (frame.type === "comment") yield HEARTBEAT;
      else yield* agentEventsOf(frame.data, options.secrets);
    }
  } finally {
    // Reached early when the consumer stops iterating: cancel so the upstream connection closes.
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
