import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createSim, type Sim } from "./context";
import { control } from "./control";
import { driftOf, presentDraft } from "./drift";
import { applyFault } from "./faults";
import { type Ctx, sendDetail, sleep } from "./http";
import { mp4Sha256 } from "./mp4";
import { match } from "./routes";
import type { NemoSim, NemoSimOptions, RecordedRequest } from "./types";

/** Starts the NemoVideo simulator on 127.0.0.1 (README.md describes the behaviour). */
export async function startNemoSim(options: NemoSimOptions = {}): Promise<NemoSim> {
  const sim = createSim(options);
  const api = createApi(sim);
  const server = createServer((req, res) => {
    handle(req, res, sim, api).catch((err: unknown) => {
      // A handler bug must show up in the test as a 500, not as a hung request.
      console.error("[nemo-sim]", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: "simulator error" }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.url = sim.url;
  api.close = () =>
    new Promise<void>((resolve) => {
      sim.lifetime.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return api;
}

async function handle(req: IncomingMessage, res: ServerResponse, sim: Sim, api: NemoSim): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname.startsWith("/__sim/")) return control(req, res, url.pathname, api);

  const found = match(req.method ?? "GET", url.pathname);
  const record: RecordedRequest = {
    method: req.method ?? "GET",
    path: url.pathname + url.search,
    endpoint: found.kind === "none" ? "unknown" : found.endpoint,
    headers: headersOf(req),
    bodySummary: undefined,
    status: 0,
    at: Date.now(),
  };
  sim.requests.push(record);
  const ctx: Ctx = {
    req,
    res,
    record,
    endpoint: found.kind === "none" ? "output" : found.endpoint,
    params: found.kind === "route" ? found.params : {},
    query: url.searchParams,
  };
  if (found.kind === "none") return sendDetail(ctx, 404, "Not Found");
  // A flaky connection never reaches the handler: nothing happened, whatever the client concludes.
  const flaky = sim.flaky.draw(["reset", "stall"]);
  if (flaky) {
    if (flaky === "stall") await sleep(sim.flaky.stallMs, sim.lifetime.signal).catch(() => {});
    record.flaky = flaky;
    req.socket.destroy();
    return;
  }
  const fault = sim.faults.take(found.endpoint);
  if (fault && (await applyFault(ctx, fault, sim.lifetime.signal))) return;
  if (found.kind === "wrong-method") return sendDetail(ctx, 405, "Method Not Allowed");
  await found.handler(ctx, sim);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function createApi(sim: Sim): NemoSim {
  const api: NemoSim = {
    url: "",
    requests: sim.requests,
    // The RenderJob instances satisfy RenderInfo through getters, so the map stays live.
    renders: sim.renders,
    fault: (endpoint, fault) => sim.faults.add(endpoint, fault),
    scriptTurn: (turn) => {
      sim.scripts.push(turn);
    },
    session: (id) => {
      const s = sim.store.sessions.get(id);
      return s && { draft: s.draft, uploads: s.uploads, turns: s.turns };
    },
    sessions: () => [...sim.store.sessions.keys()],
    stateDraft: (id) => {
      const s = sim.store.sessions.get(id);
      return s && presentDraft(s.draft, s.sessionId, driftOf(sim));
    },
    renderSha256: (id) => {
      const job = sim.renders.get(id);
      if (!job) throw new Error(`no render ${id}`);
      return mp4Sha256(id, job.size);
    },
    failRender: (renderId, reason = "render failed") => {
      if (renderId === undefined) sim.failNextRender = reason;
      else sim.renders.get(renderId)?.fail(reason);
    },
    hangRender: (renderId, mode = "never-complete") => {
      if (renderId === undefined) sim.hangNextRender = mode;
      else sim.renders.get(renderId)?.hang(mode);
    },
    forgetRender: (renderId) => {
      sim.renders.delete(renderId);
    },
    issueToken: (o = {}) => {
      const account = sim.store.issue(o.clientId, o.credits);
      return { token: account.token, userId: account.userId };
    },
    expireToken: (token) => {
      const account = sim.store.accounts.get(token);
      if (account) account.expiresAt = Date.now() - 1;
    },
    setCredits: (token, available) => {
      const account = sim.store.accounts.get(token);
      if (account) account.available = available;
    },
    credits: (token) => {
      const a = sim.store.accounts.get(token);
      return a && { available: a.available, frozen: a.frozen, total: a.available + a.frozen };
    },
    dropSession: (id) => {
      sim.store.sessions.delete(id);
    },
    setDialect: (d) => {
      sim.config.dialect = d;
    },
    setRenderShape: (s) => {
      sim.config.renderShape = s;
    },
    setTokenIpCap: (cap) => {
      sim.config.tokenIpCap = cap;
    },
    setAnonymousRenderRefusal: (status) => {
      sim.config.anonymousRenderRefusal = status;
    },
    setFlaky: (options) => sim.flaky.set(options),
    flakyCounts: () => ({ ...sim.flaky.counts }),
    reset: (full = false) => {
      // Mutated in place: tests hold `sim.requests` / `sim.renders` by reference.
      sim.requests.length = 0;
      sim.faults.clear();
      sim.scripts.length = 0;
      sim.failNextRender = undefined;
      sim.hangNextRender = undefined;
      if (full) {
        sim.store.clear();
        sim.renders.clear();
      }
    },
    close: async () => {},
  };
  return api;
}
