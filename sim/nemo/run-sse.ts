import { classify, planTurn, type Step } from "./agent";
import { authenticate, type Sim, scaled } from "./context";
import { type Ctx, head, isObject, readJson, sendCode, sendDetail, sendValidation, sleep } from "./http";
import { createEncoder } from "./sse";
import type { Account, Session } from "./state";
import type { Draft, ScriptedTurn } from "./types";

/**
 * POST /run_sse (§4): validates like ADK's AgentRunRequest, charges the turn once, then plays it. The
 * turn runs to its end even when the client goes away, so a client that reconnects and reads state later
 * (the vendor's disconnect recovery, §4.5) finds the change made.
 */
export async function runSse(ctx: Ctx, sim: Sim): Promise<void> {
  const account = authenticate(ctx, sim);
  if (!account) return;
  const body = await readJson(ctx);
  if (body === undefined) return;
  if (!isObject(body)) return sendValidation(ctx, [], "expected a JSON object");
  if (typeof body.app_name !== "string") return sendValidation(ctx, ["app_name"], "Field required");
  if (body.app_name !== "nemo_agent") return sendDetail(ctx, 404, `App not found: ${body.app_name}`);
  if (typeof body.session_id !== "string") return sendValidation(ctx, ["session_id"], "Field required");
  const message = body.new_message;
  const parts = isObject(message) && Array.isArray(message.parts) ? message.parts : undefined;
  const first: unknown = parts?.[0];
  const text = isObject(first) && typeof first.text === "string" ? first.text : undefined;
  if (text === undefined) return sendValidation(ctx, ["new_message", "parts", "0", "text"], "Field required");
  const userOk = body.user_id === undefined || body.user_id === "me" || body.user_id === account.userId;
  const session = userOk ? sim.store.sessionFor(account, body.session_id) : undefined;
  if (!session) return sendCode(ctx, 1002);

  const kind = classify(text, session);
  const scriptIndex = sim.scripts.findIndex((s) => s.sessionId === undefined || s.sessionId === session.sessionId);
  const script = scriptIndex === -1 ? undefined : sim.scripts[scriptIndex];
  const cost = script?.creditsCost ?? sim.config.costs[kind];
  // Checked before the script is consumed: a refused turn leaves the script for the next attempt.
  if (account.available < cost) return sendCode(ctx, 2001);
  if (script) sim.scripts.splice(scriptIndex, 1);

  session.turns.push(text);
  const steps = script ? scriptSteps(script) : planTurn(sim, session, text, kind);
  await play(ctx, sim, account, session, steps, cost, script);
}

function scriptSteps(script: ScriptedTurn): Step[] {
  return script.events.map((e) => ({
    delay: e.delayMs ?? 0,
    run: () =>
      isObject(e.event) && typeof e.event.raw === "string"
        ? { kind: "script", raw: e.event.raw }
        : { kind: "script", value: e.event },
  }));
}

async function play(
  ctx: Ctx,
  sim: Sim,
  account: Account,
  session: Session,
  steps: Step[],
  cost: number,
  script: ScriptedTurn | undefined,
): Promise<void> {
  // Credits are frozen while the turn runs (§7: frozen = reserved by in-flight operations), then spent.
  account.available -= cost;
  account.frozen += cost;
  const encode = createEncoder(sim.config.dialect, sim.rng);
  const signal = sim.lifetime.signal;
  let alive = true;
  ctx.res.on("close", () => {
    alive = false;
  });
  head(ctx, 200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    // End of turn = the server ends the stream (§4.2). No "Connection: close" here: with it, undici
    // (Node's and workerd's fetch) treats a socket cut mid-chunk as a normal end, hiding cutAfter.
  });
  ctx.res.flushHeaders();
  let written = 0;
  try {
    for (const step of steps) {
      await sleep(scaled(sim, step.delay), signal);
      if (signal.aborted) break;
      const event = step.run();
      if (!event) continue;
      for (const frame of encode(event)) {
        if (!alive) break;
        ctx.res.write(frame);
      }
      written += 1;
      if (alive && script?.cutAfter !== undefined && written >= script.cutAfter) {
        alive = false;
        await cut(ctx);
      }
    }
  } finally {
    account.frozen -= cost;
    if (script?.draftAfter !== undefined) session.draft = structuredClone(script.draftAfter) as Draft;
    if (alive) ctx.res.end();
  }
}

/** Destroys the connection once the frames already written are flushed, so the client sees them, then a cut. */
function cut(ctx: Ctx): Promise<void> {
  return new Promise((resolve) => {
    ctx.res.write("", () => {
      ctx.req.socket.destroy();
      resolve();
    });
  });
}
