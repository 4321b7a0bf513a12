import type { IncomingMessage, ServerResponse } from "node:http";
import { isObject, readBody } from "./http";
import type { EndpointName, Fault, NemoSim, ScriptedTurn } from "./types";

/**
 * The /__sim/* control surface: the same powers as the NemoSim object, over HTTP, for processes that
 * did not start the simulator (the local stack, a browser). Control calls are not recorded as requests.
 */
const ENDPOINTS = new Set<string>([
  "*",
  "anonymous-token",
  "claim-token",
  "create-session",
  "run_sse",
  "state",
  "upload",
  "credits",
  "render-submit",
  "render-status",
  "render-cancel",
  "download",
  "output",
]);

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export async function control(req: IncomingMessage, res: ServerResponse, path: string, api: NemoSim): Promise<void> {
  let body: Record<string, unknown> = {};
  if (req.method === "POST") {
    const raw = (await readBody(req)).toString("utf8");
    try {
      const parsed: unknown = raw === "" ? {} : JSON.parse(raw);
      if (!isObject(parsed)) throw new Error("not an object");
      body = parsed;
    } catch {
      return reply(res, 400, { error: "control bodies are JSON objects" });
    }
  }
  const key = `${req.method} ${path.replace(/^\/__sim/, "")}`;
  const sessionMatch = /^GET \/sessions\/([^/]+)$/.exec(key);
  if (sessionMatch) {
    const view = api.session(decodeURIComponent(sessionMatch[1] ?? ""));
    return view ? reply(res, 200, view) : reply(res, 404, { error: "no such session" });
  }
  const renderMatch = /^GET \/renders\/([^/]+)$/.exec(key);
  if (renderMatch) {
    const id = decodeURIComponent(renderMatch[1] ?? "");
    const job = api.renders.get(id);
    // JSON round trip: a render's status and progress are getters, computed now.
    const view: unknown = job ? JSON.parse(JSON.stringify(job)) : undefined;
    return isObject(view)
      ? reply(res, 200, { ...view, renderSha256: api.renderSha256(id) })
      : reply(res, 404, { error: "no such render" });
  }
  switch (key) {
    case "GET /requests":
      return reply(res, 200, api.requests);
    case "GET /sessions":
      return reply(res, 200, api.sessions());
    case "GET /renders":
      return reply(res, 200, Object.fromEntries(api.renders));
    case "POST /fault": {
      const { endpoint, ...fault } = body;
      if (typeof endpoint !== "string" || !ENDPOINTS.has(endpoint))
        return reply(res, 400, { error: "unknown endpoint" });
      api.fault(endpoint as EndpointName | "*", fault as Fault);
      return reply(res, 200, { ok: true });
    }
    case "POST /script":
      if (!Array.isArray(body.events)) return reply(res, 400, { error: "a script needs events[]" });
      api.scriptTurn(body as unknown as ScriptedTurn);
      return reply(res, 200, { ok: true });
    case "POST /reset":
      api.reset(body.full === true);
      return reply(res, 200, { ok: true });
    case "POST /token":
      return reply(res, 200, api.issueToken(withNumber(body, "credits", { clientId: str(body.clientId) })));
    case "POST /credits":
      api.setCredits(str(body.token) ?? "", Number(body.available));
      return reply(res, 200, { ok: true });
    case "POST /expire-token":
      api.expireToken(str(body.token) ?? "");
      return reply(res, 200, { ok: true });
    case "POST /drop-session":
      api.dropSession(str(body.sessionId) ?? "");
      return reply(res, 200, { ok: true });
    case "POST /fail-render":
      api.failRender(str(body.renderId), str(body.reason));
      return reply(res, 200, { ok: true });
    case "POST /hang-render":
      api.hangRender(str(body.renderId), body.mode === "stall" ? "stall" : "never-complete");
      return reply(res, 200, { ok: true });
    case "POST /forget-render":
      api.forgetRender(str(body.renderId) ?? "");
      return reply(res, 200, { ok: true });
    case "POST /flaky": {
      // {"rate": 0.02, "seed": 1, "stallMs": 1000}; rate 0 switches it off.
      const rate = Number(body.rate ?? 0);
      if (!(rate >= 0 && rate <= 1)) return reply(res, 400, { error: "rate is a share between 0 and 1" });
      api.setFlaky({
        rate,
        ...(typeof body.seed === "number" ? { seed: body.seed } : {}),
        ...(typeof body.stallMs === "number" ? { stallMs: body.stallMs } : {}),
      });
      return reply(res, 200, { ok: true });
    }
    case "GET /flaky":
      return reply(res, 200, api.flakyCounts());
    case "POST /config":
      if (body.dialect === "typed" || body.dialect === "adk") api.setDialect(body.dialect);
      if (body.renderShape === "r1" || body.renderShape === "r2") api.setRenderShape(body.renderShape);
      if (typeof body.tokenIpCap === "number" && body.tokenIpCap >= 0) api.setTokenIpCap(body.tokenIpCap);
      if (
        body.anonymousRenderRefusal === 402 ||
        body.anonymousRenderRefusal === 403 ||
        body.anonymousRenderRefusal === null
      )
        api.setAnonymousRenderRefusal(body.anonymousRenderRefusal ?? undefined);
      return reply(res, 200, { ok: true });
    default:
      return reply(res, 404, { error: `unknown control call ${key}` });
  }
}

function withNumber<T extends object>(body: Record<string, unknown>, key: string, base: T): T & { credits?: number } {
  const v = body[key];
  return typeof v === "number" ? { ...base, credits: v } : base;
}
