import { randomInt } from "node:crypto";
import { setMaxListeners } from "node:events";
import { Flaky } from "../flaky/index";
import { FaultQueue } from "./faults";
import { bearer, type Ctx, sendCode } from "./http";
import { createRng, type Rng } from "./random";
import type { RenderHang, RenderJob } from "./render";
import { type Account, resolveConfig, type SimConfig, Store } from "./state";
import type { NemoSimOptions, RecordedRequest, ScriptedTurn } from "./types";

/** The simulator's whole world, shared by every handler. */
export interface Sim {
  config: SimConfig;
  rng: Rng;
  store: Store;
  faults: FaultQueue;
  /** Connections reset or stalled at random (issue 16). */
  flaky: Flaky;
  scripts: ScriptedTurn[];
  requests: RecordedRequest[];
  renders: Map<string, RenderJob>;
  /** Set by `failRender()` without an id: the next submitted render fails halfway with this reason. */
  failNextRender?: string;
  /** Set by `hangRender()` without an id: the next submitted render never completes. */
  hangNextRender?: RenderHang;
  /** Base URL, known once the server listens. */
  url: string;
  /** Aborted on close so running turns stop waiting. */
  lifetime: AbortController;
}

export function createSim(options: NemoSimOptions): Sim {
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const config = resolveConfig(options, seed);
  const rng = createRng(seed);
  return {
    config,
    rng,
    store: new Store(config, rng),
    faults: new FaultQueue(),
    flaky: new Flaky(options.flaky),
    scripts: [],
    requests: [],
    renders: new Map(),
    url: "",
    lifetime: unboundedController(),
  };
}

/**
 * An AbortController any number of waits may listen to at once: every running turn and render of the
 * simulator sleeps on the lifetime signal, so Node's leak warning at 11 listeners would be a false alarm.
 */
function unboundedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Scales a simulated duration to real time. */
export function scaled(sim: Sim, ms: number): number {
  return Math.max(0, Math.round(ms * sim.config.timeScale));
}

/** Bearer check shared by every endpoint but anonymous-token: unknown or expired → 1001. */
export function authenticate(ctx: Ctx, sim: Sim): Account | undefined {
  const account = sim.store.live(bearer(ctx.req));
  if (!account) sendCode(ctx, 1001);
  return account;
}

/** Path user segment: `me` or the caller's own anon id (§0.4). */
export function userSegmentOk(account: Account, segment: string | undefined): boolean {
  return segment === "me" || segment === account.userId;
}
