import type { Rng } from "./random";
import type { Dialect } from "./types";

/** What happens in a turn, independent of the wire dialect. */
export type TurnEvent =
  | { kind: "text"; text: string; thought?: string }
  | { kind: "tool_call"; id: string; name: string; args: Record<string, unknown>; thought?: string }
  | { kind: "tool_result"; id: string; name: string; result: Record<string, unknown> }
  | { kind: "heartbeat"; form: HeartbeatForm }
  /** A scripted frame: `raw` text verbatim, or any value as one `data:` JSON line. */
  | { kind: "script"; raw?: string; value?: unknown };

/** The three keep-alive forms clients must ignore (§4.2, §21). */
export type HeartbeatForm = "json" | "empty-data" | "comment";
export const HEARTBEAT_FORMS: readonly HeartbeatForm[] = ["json", "empty-data", "comment"];

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

function heartbeat(form: HeartbeatForm): string {
  if (form === "json") return data({ type: "heartbeat" });
  if (form === "empty-data") return "data:\n\n";
  return ": keep-alive\n\n";
}

/** Encoder for one turn; ADK events of one turn share an invocation id like ADK's runner does. */
export function createEncoder(dialect: Dialect, rng: Rng): (ev: TurnEvent) => string[] {
  const invocationId = `e-${rng.uuid()}`;
  const adk = (parts: unknown[], role: "model" | "user", partial = false) => ({
    id: rng.uuid(),
    invocationId,
    author: "nemo_agent",
    timestamp: Date.now() / 1000,
    content: { role, parts },
    ...(partial ? { partial: true } : {}),
    actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {}, requestedToolConfirmations: {} },
  });

  return (ev) => {
    if (ev.kind === "heartbeat") return [heartbeat(ev.form)];
    if (ev.kind === "script") return [ev.raw ?? data(ev.value)];
    if (dialect === "typed") {
      // The typed dialect (a) has no thought events: thoughts are simply not sent.
      if (ev.kind === "text") return [data({ type: "text", content: ev.text })];
      if (ev.kind === "tool_call") return [data({ type: "tool_call", name: ev.name, args: ev.args })];
      return [data({ type: "tool_result", name: ev.name, result: ev.result })];
    }
    const thought = "thought" in ev && ev.thought ? [{ text: ev.thought, thought: true }] : [];
    if (ev.kind === "tool_call") {
      return [data(adk([...thought, { functionCall: { id: ev.id, name: ev.name, args: ev.args } }], "model"))];
    }
    if (ev.kind === "tool_result") {
      // ADK puts function responses in a user-role content authored by the agent.
      return [data(adk([{ functionResponse: { id: ev.id, name: ev.name, response: ev.result } }], "user"))];
    }
    // Partial fragments first, then the full event: a client that prints partials shows the text twice.
    const fragments = split(ev.text).map((t) => data(adk([{ text: t }], "model", true)));
    return [...fragments, data(adk([...thought, { text: ev.text }], "model"))];
  };
}

/** Splits a reply into two or three word-boundary fragments, like a model streaming tokens. */
function split(text: string): string[] {
  const words = text.split(" ");
  if (words.length < 4) return [text];
  const third = Math.ceil(words.length / 3);
  return [0, 1, 2]
    .map((i) => words.slice(i * third, (i + 1) * third).join(" "))
    .filter((s) => s !== "")
    .map((s, i, all) => (i < all.length - 1 ? `${s} ` : s));
}
