import type { ServerResponse } from "node:http";
import { defaultDescription } from "./errors.js";
import type { Faults } from "./faults.js";
import { fileChunks } from "./files.js";
import { sleep } from "./sleep.js";
import type { FakeState } from "./state.js";
import type { FileDownload } from "./types.js";

/**
 * Serves `/file/bot<token>/<file_path>` as a stream with content-length, honouring backpressure. A fault
 * armed for "file" answers with its status, or (delayMs alone) stalls the transfer after the first chunk.
 */
export async function serveDownload(
  state: FakeState,
  faults: Faults,
  token: string,
  path: string,
  res: ServerResponse,
  downloads: FileDownload[],
): Promise<void> {
  if (token !== state.token) return plain(res, 401, "Unauthorized");
  const file = state.files.getByPath(path);
  const chunks = file && fileChunks(file);
  // Files the bot uploaded above 1 MB were only hashed; Telegram would have them, the fake cannot serve them.
  if (!file || !chunks) return plain(res, 404, "Not Found");
  // Only faults armed for "file": a "*" fault is meant for Bot API methods and must not eat a download.
  const fault = faults.take("file", { exact: true });
  const hungUp = new AbortController();
  res.on("close", () => hungUp.abort());
  if (fault?.status !== undefined) {
    if (fault.delayMs) await sleep(fault.delayMs, hungUp.signal);
    return plain(res, fault.status, fault.description ?? defaultDescription(fault.status));
  }
  const record: FileDownload = { path, bytesSent: 0, firstByteAt: Date.now() };
  downloads.push(record);
  res.on("close", () => {
    if (record.bytesSent < file.file_size) record.closedEarlyAt = Date.now();
  });
  res.writeHead(200, {
    "content-type": file.mimeType,
    "content-length": String(file.file_size),
  });
  let stall = fault?.delayMs;
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await settled(res, "drain");
    }
    record.bytesSent += chunk.byteLength;
    if (stall) {
      // The first chunk is out, so the client has its headers and is mid-body when the transfer stalls.
      await sleep(stall, hungUp.signal);
      stall = undefined;
    }
  }
  const finished = settled(res, "finish");
  res.end();
  await finished;
  if (record.bytesSent === file.file_size) record.lastByteAt = Date.now();
}

function plain(res: ServerResponse, status: number, description: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: false, error_code: status, description }));
}

/** Resolves on `event` or on close (client gone), removing both listeners so long downloads do not pile them up. */
function settled(res: ServerResponse, event: "drain" | "finish"): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off(event, done);
      res.off("close", done);
      resolve();
    };
    res.on(event, done);
    res.on("close", done);
  });
}
