import type { ServerResponse } from "node:http";
import { fileChunks } from "./files.js";
import type { FakeState } from "./state.js";
import type { FileDownload } from "./types.js";

/** Serves `/file/bot<token>/<file_path>` as a stream with content-length, honouring backpressure. */
export async function serveDownload(
  state: FakeState,
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
  const record: FileDownload = { path, bytesSent: 0, firstByteAt: Date.now() };
  downloads.push(record);
  res.writeHead(200, {
    "content-type": file.mimeType,
    "content-length": String(file.file_size),
  });
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await settled(res, "drain");
    }
    record.bytesSent += chunk.byteLength;
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
