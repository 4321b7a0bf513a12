import { type Ctx, MESSAGES, sendCode, sendJson, sendRaw, sleep } from "./http";
import type { EndpointName, Fault } from "./types";

/** Render-proxy endpoints answer errors in their own `{success:false,error}` style (§0.6). */
const RENDER_ENDPOINTS = new Set<EndpointName>(["render-submit", "render-status", "render-cancel", "download"]);

interface Queued {
  endpoint: EndpointName | "*";
  fault: Fault;
  left: number;
}

/** Faults queued by tests; each applies to the next `times` matching calls, endpoint-specific ones first. */
export class FaultQueue {
  private queue: Queued[] = [];

  add(endpoint: EndpointName | "*", fault: Fault): void {
    this.queue.push({ endpoint, fault, left: fault.times ?? 1 });
  }

  take(endpoint: EndpointName): Fault | undefined {
    const entry = this.queue.find((q) => q.endpoint === endpoint) ?? this.queue.find((q) => q.endpoint === "*");
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.queue = this.queue.filter((q) => q !== entry);
    return entry.fault;
  }

  clear(): void {
    this.queue = [];
  }
}

/**
 * Plays a fault. Returns true when the fault answered (or killed) the request, false when it only
 * delayed it and normal handling should continue.
 */
export async function applyFault(ctx: Ctx, fault: Fault, signal: AbortSignal): Promise<boolean> {
  // Explicit test delays are real milliseconds: a test asking for a 2 s stall means 2 s.
  if (fault.delayMs) await sleep(fault.delayMs, signal);
  if (fault.reset) {
    ctx.req.socket.destroy();
    return true;
  }
  const retryHeaders = fault.retryAfterS === undefined ? {} : { "retry-after": String(fault.retryAfterS) };
  const defaultStatus = fault.retryAfterS !== undefined ? 429 : 200;
  if (fault.body !== undefined) {
    sendRaw(ctx, fault.status ?? defaultStatus, fault.body, retryHeaders);
    return true;
  }
  if (fault.code !== undefined) {
    if (fault.status !== undefined || fault.retryAfterS !== undefined) {
      const status = fault.status ?? defaultStatus;
      const message = fault.message ?? MESSAGES[fault.code] ?? "error";
      sendJson(ctx, status, { code: fault.code, message, data: null }, retryHeaders);
    } else {
      sendCode(ctx, fault.code, fault.message, fault.codeOnHttp200 ?? false);
    }
    return true;
  }
  if (fault.status !== undefined || fault.retryAfterS !== undefined) {
    const status = fault.status ?? 429;
    const message = fault.message ?? defaultMessage(status);
    const body = RENDER_ENDPOINTS.has(ctx.endpoint) ? { success: false, error: message } : { detail: message };
    sendJson(ctx, status, body, retryHeaders);
    return true;
  }
  return false;
}

function defaultMessage(status: number): string {
  if (status === 429) return "Too Many Requests";
  if (status >= 500) return "Internal Server Error";
  return `HTTP ${status}`;
}
