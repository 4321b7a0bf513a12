import type { IncomingMessage } from "node:http";

/**
 * The local web chat answers only itself. Host must name a loopback address (or the host it was told to
 * listen on), which defeats DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
 * still sends `Host: evil.example`. A request that changes something (not GET/HEAD) must come from the
 * chat's own page: a browser names the page in Origin, and another site's page is refused (a missing
 * Origin is a non-browser client such as curl or the tests, which a web page cannot pose as).
 */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export type GuardVerdict = { ok: true } | { ok: false; status: 403 | 421; reason: string };

export function checkRequest(req: Pick<IncomingMessage, "headers" | "method">, listenHost?: string): GuardVerdict {
  const allowed = new Set(LOOPBACK);
  if (listenHost && listenHost !== "0.0.0.0" && listenHost !== "::") allowed.add(listenHost.toLowerCase());
  const host = hostnameOf(req.headers.host);
  if (host === undefined || !allowed.has(host)) return { ok: false, status: 421, reason: "unknown Host" };
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return { ok: true };
  const origin = req.headers.origin;
  if (origin === undefined) return { ok: true };
  let originHost: string;
  try {
    const parsed = new URL(origin);
    originHost = parsed.host.toLowerCase();
  } catch {
    return { ok: false, status: 403, reason: "bad Origin" };
  }
  return originHost === String(req.headers.host).toLowerCase()
    ? { ok: true }
    : { ok: false, status: 403, reason: "cross-origin request" };
}

function hostnameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  return value.split(":")[0];
}
