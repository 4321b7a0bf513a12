import { authenticate, type Sim, userSegmentOk } from "./context";
import { driftOf, presentDraft } from "./drift";
import { type Ctx, isObject, readJson, sendCode, sendDetail, sendOk, sendValidation } from "./http";
import { ids } from "./random";

/** POST /api/auth/anonymous-token (§1): X-Client-Id required, one live token per client id. */
export function anonymousToken(ctx: Ctx, sim: Sim): void {
  const clientId = ctx.req.headers["x-client-id"];
  if (typeof clientId !== "string" || clientId.trim() === "" || clientId.length > 64) {
    sendDetail(ctx, 400, "X-Client-Id header is required (a stable id of at most 64 characters)");
    return;
  }
  // The quota window equals the token lifetime, so a client whose token expired may ask again (§1, v1.8).
  if (sim.store.clientHasLiveToken(clientId)) {
    sendDetail(ctx, 429, "Anonymous token limit reached: 1 token per client per 7 days");
    return;
  }
  // The per-address cap (§1: about 10 per IP per 7 days). A deployed Worker calls from shared addresses,
  // so this is the limit a public bot meets first.
  const address = ctx.req.socket.remoteAddress ?? "unknown";
  if (sim.store.issuesFrom(address) >= sim.config.tokenIpCap) {
    sendDetail(ctx, 429, `Anonymous token limit reached: ${sim.config.tokenIpCap} tokens per IP address per 7 days`);
    return;
  }
  const account = sim.store.issue(clientId);
  account.anonymous = true;
  sim.store.noteIssueFrom(address);
  sendOk(ctx, {
    token: account.token,
    user_id: account.userId,
    expires_at: new Date(account.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    credits: account.available,
  });
}

/** POST /api/auth/claim-token (§2): a browser hand-off token for one of the caller's sessions. */
export async function claimToken(ctx: Ctx, sim: Sim): Promise<void> {
  const account = authenticate(ctx, sim);
  if (!account) return;
  const body = await readJson(ctx);
  if (body === undefined) return;
  if (!isObject(body) || typeof body.task_id !== "string" || typeof body.session_id !== "string") {
    sendValidation(ctx, ["task_id"], "task_id and session_id are required strings");
    return;
  }
  const session = sim.store.sessionFor(account, body.session_id);
  if (!session || session.taskId !== body.task_id) {
    sendCode(ctx, 1002);
    return;
  }
  sendOk(ctx, { claim_token: ids.claimToken(sim.rng), expires_in: 604800 });
}

/** GET /api/credits/balance/simple (§7): total = available + frozen. */
export function credits(ctx: Ctx, sim: Sim): void {
  const account = authenticate(ctx, sim);
  if (!account) return;
  sendOk(ctx, { available: account.available, frozen: account.frozen, total: account.available + account.frozen });
}

/** POST /api/tasks/{me|user}/with-session/nemo_agent (§3). */
export async function createSession(ctx: Ctx, sim: Sim): Promise<void> {
  const account = authenticate(ctx, sim);
  if (!account) return;
  if (!userSegmentOk(account, ctx.params.user)) {
    sendDetail(ctx, 403, "user id in path does not match the token");
    return;
  }
  const body = await readJson(ctx);
  if (body === undefined) return;
  if (!isObject(body) || typeof body.task_name !== "string") {
    sendValidation(ctx, ["task_name"], "task_name is a required string");
    return;
  }
  const language = typeof body.language === "string" ? body.language : undefined;
  const session = sim.store.createSession(account, body.task_name, language);
  sendOk(ctx, { task_id: session.taskId, session_id: session.sessionId });
}

/** GET /api/state/nemo_agent/{me|user}/{session}/latest (§5). */
export function state(ctx: Ctx, sim: Sim): void {
  const account = authenticate(ctx, sim);
  if (!account) return;
  const session = userSegmentOk(account, ctx.params.user)
    ? sim.store.sessionFor(account, ctx.params.session)
    : undefined;
  if (!session) {
    sendCode(ctx, 1002);
    return;
  }
  sendOk(ctx, {
    session_id: session.sessionId,
    task_id: session.taskId,
    task_name: session.taskName,
    state: {
      draft: presentDraft(session.draft, session.sessionId, driftOf(sim)),
      video_infos: session.videoInfos,
      canvas_config: { width: 1080, height: 1920, aspect_ratio: "9:16" },
      video_analyses: session.videoAnalyses,
      generated_media: session.generatedMedia,
    },
  });
}
