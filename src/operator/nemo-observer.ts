import { number, object, optional } from "zod";
import { chatStorage } from "../chat/storage";
import type { Config } from "../config";
import { logEvent } from "../log";
import { parseRenderStatus } from "../nemo/schemas";
import type { Clock } from "../shared/clock";
import type { StatsReporter } from "./stats";

/**
 * The fetch the chat's NemoVideo client uses, observed: one log line per call (the route, never the URL's
 * ids or a token), and the usage events /stats counts — a started agent turn, a submitted render, a
 * failed turn or render, and credits spent, measured as drops of the balance NemoVideo reports.
 */

export type NemoRoute =
  | "anonymous-token"
  | "claim-token"
  | "create-session"
  | "run_sse"
  | "state"
  | "upload"
  | "credits"
  | "render-submit"
  | "render-cancel"
  | "render-status"
  | "download"
  | "render-output"
  | "other";

const ROUTES: [string, RegExp, NemoRoute][] = [
  ["POST", /^\/api\/auth\/anonymous-token$/, "anonymous-token"],
  ["POST", /^\/api\/auth\/claim-token$/, "claim-token"],
  ["POST", /^\/api\/tasks\/me\/with-session\//, "create-session"],
  ["POST", /^\/run_sse$/, "run_sse"],
  ["GET", /^\/api\/state\//, "state"],
  ["POST", /^\/api\/upload-video\//, "upload"],
  ["GET", /^\/api\/credits\/balance\/simple$/, "credits"],
  ["POST", /^\/api\/render\/proxy\/lambda$/, "render-submit"],
  ["POST", /^\/api\/render\/proxy\/lambda\/[^/]+\/cancel$/, "render-cancel"],
  ["GET", /^\/api\/render\/proxy\/lambda\/[^/]+$/, "render-status"],
  ["GET", /^\/api\/render\/proxy\/[^/]+\/download$/, "download"],
];

export function nemoRouteOf(method: string, url: string): NemoRoute {
  const path = new URL(url).pathname;
  const known = ROUTES.find(([m, pattern]) => m === method.toUpperCase() && pattern.test(path))?.[2];
  // Anything else fetched is a finished render's output URL (often a CDN): named, never logged as a URL.
  return known ?? (method.toUpperCase() === "GET" ? "render-output" : "other");
}

/** Statuses the session layer retries by itself (expired token, rate limit): not a user-visible failure. */
const RETRIED = new Set([401, 429]);

const BalanceSchema = object({
  data: object({ total: optional(number()), available: optional(number()), frozen: optional(number()) }),
});
const IssuedSchema = object({ data: object({ credits: optional(number()) }) });

export type NemoObserverDeps = {
  config: Pick<Config, "LOG_LEVEL" | "NEMO_API_BASE">;
  chatId: number;
  fetch: typeof fetch;
  now: Clock;
  stats: StatsReporter;
  /** Measuring credits costs one balance read after each turn; only done when someone can read /stats. */
  measureCredits: boolean;
  storage: DurableObjectStorage;
  runInBackground: (promise: Promise<unknown>) => void;
  /** NemoVideo accepted a render submit: the chat's daily render count goes up. */
  onRenderAccepted: () => Promise<void>;
};

export function observeNemoFetch(deps: NemoObserverDeps): typeof fetch {
  const { config, chatId, stats } = deps;

  /** Any balance NemoVideo tells us: a drop since the last one is credits spent by this chat. */
  async function sawBalance(total: number): Promise<void> {
    let previous: number | undefined;
    await chatStorage(deps.storage).update("balance", (stored) => {
      previous = stored;
      return total;
    });
    if (previous !== undefined && total < previous) stats.report("credits", previous - total);
  }

  async function readBalance(headers: Headers): Promise<void> {
    const auth = headers.get("authorization");
    if (!auth) return;
    const readHeaders = new Headers(headers);
    readHeaders.delete("content-type");
    await observed(`${config.NEMO_API_BASE}/api/credits/balance/simple`, { method: "GET", headers: readHeaders });
  }

  async function afterResponse(route: NemoRoute, response: Response): Promise<void> {
    const ok = response.status >= 200 && response.status < 300;
    if (route === "run_sse" || route === "render-submit") {
      if (!ok) {
        if (!RETRIED.has(response.status)) stats.report("failure");
        return;
      }
      if (route === "run_sse") stats.report("turn");
      // A submit answered 200 with a failed status started nothing: a failure, not a render.
      else if (await renderFailed(response)) stats.report("failure");
      else {
        stats.report("render");
        await deps.onRenderAccepted();
      }
      return;
    }
    if (!ok) return;
    if (route === "render-status" && (await renderFailed(response))) stats.report("failure");
    if (!deps.measureCredits) return;
    if (route === "credits") {
      const parsed = BalanceSchema.safeParse(
        await response
          .clone()
          .json()
          .catch(() => undefined),
      );
      if (!parsed.success) return;
      const data = parsed.data.data;
      await sawBalance(data.total ?? (data.available ?? 0) + (data.frozen ?? 0));
    }
    if (route === "anonymous-token") {
      const parsed = IssuedSchema.safeParse(
        await response
          .clone()
          .json()
          .catch(() => undefined),
      );
      if (parsed.success && parsed.data.data.credits !== undefined) await sawBalance(parsed.data.data.credits);
    }
  }

  async function renderFailed(response: Response): Promise<boolean> {
    const body = await response
      .clone()
      .json()
      .catch(() => undefined);
    const status = parseRenderStatus(body);
    return status.ok && status.value.status === "failed";
  }

  async function observed(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // Not `new Request(input, init)`: that would take over an upload's body stream before fetch sends it.
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const route = nemoRouteOf(method, url);
    const started = deps.now();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    // Without a baseline the first turn's cost would be invisible: read the balance once before it.
    if (route === "run_sse" && deps.measureCredits && (await chatStorage(deps.storage).get("balance")) === undefined) {
      await readBalance(headers).catch(() => undefined);
    }
    let response: Response;
    try {
      response = await deps.fetch(input, init);
    } catch (error) {
      const aborted = init?.signal?.aborted === true;
      logEvent(config, aborted ? "info" : "warn", {
        event: "outside_call",
        service: "nemo",
        chat: chatId,
        route,
        outcome: aborted ? "aborted" : "network_error",
        ms: deps.now() - started,
      });
      if (!aborted && (route === "run_sse" || route === "render-submit")) stats.report("failure");
      throw error;
    }
    logEvent(config, response.ok ? "info" : "warn", {
      event: "outside_call",
      service: "nemo",
      chat: chatId,
      route,
      outcome: String(response.status),
      ms: deps.now() - started,
    });
    await afterResponse(route, response).catch(() => undefined);
    if (route === "run_sse" && response.ok && response.body && deps.measureCredits) {
      // The turn's credits are settled when its stream ends; read the balance then, off the chat's path.
      const measured = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          flush: () => deps.runInBackground(readBalance(headers).catch(() => undefined)),
        }),
      );
      return new Response(measured, response);
    }
    return response;
  }

  return observed as typeof fetch;
}
