/**
 * Splits raw SSE text into frames, for tests that want to assert on the exact wire format (heartbeat
 * forms, partial events). Deliberately literal: no field folding beyond `data:` lines, no retries.
 */
export type SseFrame =
  | { kind: "comment"; text: string }
  /** `data` is the joined data lines; `json` is its parse when it is JSON, else undefined. */
  | { kind: "data"; data: string; json: unknown };

export function parseSseText(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.replace(/\r\n/g, "\n").split("\n\n")) {
    if (block === "") continue;
    const lines = block.split("\n");
    const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
    if (data.length === 0) {
      for (const l of lines) if (l.startsWith(":")) frames.push({ kind: "comment", text: l.slice(1).trim() });
      continue;
    }
    const joined = data.join("\n");
    let json: unknown;
    try {
      json = joined === "" ? undefined : JSON.parse(joined);
    } catch {
      json = undefined;
    }
    frames.push({ kind: "data", data: joined, json });
  }
  return frames;
}
