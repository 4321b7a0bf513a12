import { afterAll, describe, expect, it } from "vitest";
import { type NemoSim, type NemoSimOptions, startNemoSim } from "../../sim/nemo";
import { tidyDraft } from "../../sim/nemo/drift";
import { STYLE_SPELLINGS } from "../../sim/nemo/style";
import { acquireToken, createSession, readState, runTurn } from "../../sim/nemo/test-client";

/**
 * The simulator's defaults produce the variety the real service is documented to produce (issue 14,
 * point 6), seeded so a run replays: silent edits, styles under several spellings, drifted field types,
 * the spec's credit costs.
 */
// Post-production extras pinned (their variety is nemo-sim-extras.test.ts's): these tests count tracks.
const FAST: NemoSimOptions = {
  timeScale: 0.001,
  dialect: "typed",
  temporaryIssueRate: 0,
  initialCredits: 100_000,
  extras: ["bgm", "title"],
  // Many sessions from one address: the per-address token cap (nemo-sim-auth.test.ts) is raised.
  tokenIpCap: 1_000,
};

const sims: NemoSim[] = [];
async function sim(options: NemoSimOptions): Promise<NemoSim> {
  const started = await startNemoSim({ ...FAST, ...options });
  sims.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function generated(s: NemoSim) {
  const { token } = await acquireToken(s.url);
  const { sessionId } = await createSession(s.url, token);
  await runTurn(s.url, token, sessionId, "create a video of the harbor");
  return { token, sessionId };
}

const stateDraft = async (s: NemoSim, token: string, sessionId: string) =>
  (await readState(s.url, token, sessionId)).data.state.draft;

describe("simulator variety", () => {
  it("sends drifted field types, the same on every read, while the session keeps the tidy draft", async () => {
    const s = await sim({ seed: 3, driftRate: 1, driftFieldRate: 1 });
    const { token, sessionId } = await generated(s);
    const first = await stateDraft(s, token, sessionId);
    expect(await stateDraft(s, token, sessionId)).toEqual(first);
    expect(first).toEqual(s.stateDraft(sessionId));
    expect(first.t.map((track: { tt: unknown }) => track.tt)).toEqual(["0", "1", "7"]);
    expect(first.d).toBe("15000");
    expect(first.t[1].sg[0].m.volume).toBe("35%");
    expect(first.t[2].sg[0].m.text).toEqual({ content: "Urban Dreams" });
    expect(s.session(sessionId)?.draft.t?.map((track) => track.tt)).toEqual([0, 1, 7]);

    // Consumers of submitted drafts (the local renderer) read them back tidy, whatever the spelling.
    const tidy = tidyDraft(first);
    expect(tidy).toEqual(tidyDraft(s.session(sessionId)?.draft));
    expect(tidy.d).toBe(15_000);
    expect(tidy.t?.[1]?.sg?.[0]?.m).toMatchObject({ volume: 0.35 });
    expect(tidy.t?.[2]?.sg?.[0]?.m).toMatchObject({ text: "Urban Dreams", size: 48, color: "#FFFFFF" });
  });

  it("drifts no draft with driftRate 0, and some but not all sessions by default", async () => {
    const tidy = await sim({ seed: 3, driftRate: 0 });
    const a = await generated(tidy);
    expect(await stateDraft(tidy, a.token, a.sessionId)).toEqual(tidy.session(a.sessionId)?.draft);

    const defaults = await sim({ seed: 11 });
    let drifted = 0;
    for (let i = 0; i < 12; i++) {
      const { token, sessionId } = await generated(defaults);
      const sent = JSON.stringify(await stateDraft(defaults, token, sessionId));
      if (sent !== JSON.stringify(defaults.session(sessionId)?.draft)) drifted += 1;
    }
    expect(drifted).toBeGreaterThan(0);
    expect(drifted).toBeLessThan(12);
  });

  it("replays the same run for the same seed", async () => {
    const run = async (seed: number) => {
      const s = await sim({ seed });
      const { token, sessionId } = await generated(s);
      const turns = [];
      for (const text of ["make the title red and bigger", "add captions", "move the title to the top"]) {
        const turn = await runTurn(s.url, token, sessionId, text);
        turns.push(turn.events.filter((e) => e.type === "text").map((e) => e.content));
      }
      // The raw clip's URL names this simulator's port, which differs between runs.
      const draft = JSON.parse(JSON.stringify(await stateDraft(s, token, sessionId)).replaceAll(s.url, "SIM"));
      return { draft, turns };
    };
    const [first, again, other] = [await run(21), await run(21), await run(22)];
    expect(again).toEqual(first);
    expect(other.draft).not.toEqual(first.draft);
  });

  it("ends about 30% of edits silently and spells styles several ways", async () => {
    const s = await sim({ seed: 5 });
    let silent = 0;
    const colourKeys = new Set<string>();
    const sizeKeys = new Set<string>();
    const edits = 40;
    for (let i = 0; i < edits / 4; i++) {
      const { token, sessionId } = await generated(s);
      for (const text of [
        "make the title red and bigger",
        "fade in the title",
        "move the title to the top",
        "add captions",
      ]) {
        const turn = await runTurn(s.url, token, sessionId, text);
        if (!turn.events.some((e) => e.type === "text")) silent += 1;
      }
      for (const track of s.session(sessionId)?.draft.t ?? []) {
        for (const segment of track.sg ?? []) {
          for (const key of Object.keys(segment.m ?? {})) {
            if ((STYLE_SPELLINGS.color as readonly string[]).includes(key)) colourKeys.add(key);
            if ((STYLE_SPELLINGS.size as readonly string[]).includes(key)) sizeKeys.add(key);
          }
        }
      }
    }
    expect(silent / edits).toBeGreaterThan(0.15);
    expect(silent / edits).toBeLessThan(0.45);
    expect(colourKeys.size).toBeGreaterThanOrEqual(2);
    expect(sizeKeys.size).toBeGreaterThanOrEqual(2);
  });

  it("charges the spec's costs: 100 free credits, ~100 a generation, ~50 an edit", async () => {
    const s = await sim({ seed: 8, initialCredits: undefined });
    const { token } = await acquireToken(s.url);
    expect(s.credits(token)?.available).toBe(100);
    s.setCredits(token, 1_000);
    const { sessionId } = await createSession(s.url, token);
    await runTurn(s.url, token, sessionId, "create a video of the harbor");
    expect(s.credits(token)?.available).toBe(900);
    await runTurn(s.url, token, sessionId, "make the title bigger");
    expect(s.credits(token)?.available).toBe(850);
  });
});
