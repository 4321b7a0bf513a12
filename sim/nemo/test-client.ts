import { randomUUID } from "node:crypto";
import { parseSseText, type SseFrame } from "./sse-text";

/**
 * A deliberately thin client for driving the simulator in tests (its own and other engineers' e2e
 * setup): plain fetch, no retries, no validation, so the test sees exactly what the server sent.
 */
export const SKILL_HEADERS = {
  "x-skill-source": "nemo-video",
  "x-skill-version": "1.9",
  "x-skill-platform": "unknown",
} as const;

export function authHeaders(token: string, json = true): Record<string, string> {
  return {
    ...SKILL_HEADERS,
    authorization: `Bearer ${token}`,
    ...(json ? { "content-type": "application/json" } : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON on purpose
type Json = any;

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

export async function acquireToken(
  base: string,
  clientId: string = randomUUID(),
): Promise<{ token: string; userId: string }> {
  const { status, body } = await getJson(`${base}/api/auth/anonymous-token`, {
    method: "POST",
    headers: { "x-client-id": clientId },
  });
  if (status !== 200) throw new Error(`anonymous-token answered ${status}`);
  return { token: body.data.token, userId: body.data.user_id };
}

export async function createSession(
  base: string,
  token: string,
  user = "me",
): Promise<{ sessionId: string; taskId: string }> {
  const { status, body } = await getJson(`${base}/api/tasks/${user}/with-session/nemo_agent`, {
    method: "POST",
    headers: authHeaders(token),
    body: JSON.stringify({ task_name: "project", language: "en" }),
  });
  if (status !== 200) throw new Error(`create-session answered ${status}`);
  return { sessionId: body.data.session_id, taskId: body.data.task_id };
}

export async function readState(base: string, token: string, sessionId: string): Promise<Json> {
  return (await getJson(`${base}/api/state/nemo_agent/me/${sessionId}/latest`, { headers: authHeaders(token, false) }))
    .body;
}

export interface TurnResult {
  status: number;
  contentType: string;
  raw: string;
  frames: SseFrame[];
  /** JSON payloads of the data frames, in order. */
  events: Json[];
  /** True when the stream ended with an error (the connection was cut mid-turn). */
  cut: boolean;
}

export async function runTurn(base: string, token: string, sessionId: string, text: string): Promise<TurnResult> {
  const res = await fetch(`${base}/run_sse`, {
    method: "POST",
    headers: { ...authHeaders(token), accept: "text/event-stream" },
    body: JSON.stringify({
      app_name: "nemo_agent",
      user_id: "me",
      session_id: sessionId,
      new_message: { parts: [{ text }] },
    }),
  });
  let raw = "";
  let cut = false;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body ?? []) raw += decoder.decode(chunk, { stream: true });
  } catch {
    cut = true;
  }
  const frames = parseSseText(raw);
  const events = frames.flatMap((f) => (f.kind === "data" && f.json !== undefined ? [f.json] : []));
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", raw, frames, events, cut };
}
