import { anonymousToken, claimToken, createSession, credits, state } from "./account-routes";
import type { Sim } from "./context";
import { generatedClip } from "./generated";
import type { Ctx } from "./http";
import { renderCancel, renderDownload, renderOutput, renderStatus, renderSubmit } from "./render-routes";
import { runSse } from "./run-sse";
import type { EndpointName } from "./types";
import { upload } from "./upload";

type Handler = (ctx: Ctx, sim: Sim) => void | Promise<void>;

interface Route {
  methods: string[];
  pattern: RegExp;
  endpoint: EndpointName;
  handler: Handler;
}

/** The mega-api surface (nemo-api.md §1–§11); named groups become `ctx.params`. */
const ROUTES: Route[] = [
  {
    methods: ["POST"],
    pattern: /^\/api\/auth\/anonymous-token$/,
    endpoint: "anonymous-token",
    handler: anonymousToken,
  },
  { methods: ["POST"], pattern: /^\/api\/auth\/claim-token$/, endpoint: "claim-token", handler: claimToken },
  {
    methods: ["POST"],
    pattern: /^\/api\/tasks\/(?<user>[^/]+)\/with-session\/nemo_agent$/,
    endpoint: "create-session",
    handler: createSession,
  },
  { methods: ["POST"], pattern: /^\/run_sse$/, endpoint: "run_sse", handler: runSse },
  {
    methods: ["GET"],
    pattern: /^\/api\/state\/nemo_agent\/(?<user>[^/]+)\/(?<session>[^/]+)\/latest$/,
    endpoint: "state",
    handler: state,
  },
  {
    methods: ["POST"],
    pattern: /^\/api\/upload-video\/nemo_agent\/(?<user>[^/]+)\/(?<session>[^/]+)$/,
    endpoint: "upload",
    handler: upload,
  },
  { methods: ["GET"], pattern: /^\/api\/credits\/balance\/simple$/, endpoint: "credits", handler: credits },
  { methods: ["POST"], pattern: /^\/api\/render\/proxy\/lambda$/, endpoint: "render-submit", handler: renderSubmit },
  {
    methods: ["POST"],
    pattern: /^\/api\/render\/proxy\/lambda\/(?<id>[^/]+)\/cancel$/,
    endpoint: "render-cancel",
    handler: renderCancel,
  },
  {
    methods: ["GET"],
    pattern: /^\/api\/render\/proxy\/lambda\/(?<id>[^/]+)$/,
    endpoint: "render-status",
    handler: renderStatus,
  },
  {
    methods: ["GET"],
    pattern: /^\/api\/render\/proxy\/(?<id>[^/]+)\/download$/,
    endpoint: "download",
    handler: renderDownload,
  },
  { methods: ["GET", "HEAD"], pattern: /^\/render-result\/(?<file>[^/]+)$/, endpoint: "output", handler: renderOutput },
  // Issue 14: a generation's raw clip, served where its tool result and `generated_media` point.
  { methods: ["GET", "HEAD"], pattern: /^\/generated\/(?<file>[^/]+)$/, endpoint: "output", handler: generatedClip },
];

export type Match =
  | { kind: "route"; endpoint: EndpointName; handler: Handler; params: Record<string, string> }
  | { kind: "wrong-method"; endpoint: EndpointName }
  | { kind: "none" };

export function match(method: string, path: string): Match {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (!route.methods.includes(method)) return { kind: "wrong-method", endpoint: route.endpoint };
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    return { kind: "route", endpoint: route.endpoint, handler: route.handler, params };
  }
  return { kind: "none" };
}
