import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { generatedClipSha256, type NemoSim, startNemoSim } from "../../sim/nemo";
import { acquireToken, createSession, readState, runTurn } from "../../sim/nemo/test-client";

/** Issue 14: the simulator's default two-stage generations vary, seeded, and serve their raw clips. */
describe("post-production variety by default", () => {
  const sims: NemoSim[] = [];
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
  });

  /** Six generations in fresh sessions: each one's extra track types and whether its result named the clip. */
  async function generations(seed: number) {
    const sim = await startNemoSim({ seed, timeScale: 0.002, dialect: "typed", temporaryIssueRate: 0 });
    sims.push(sim);
    const runs: { extras: string; urlInResult: boolean; clip: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const { token } = await acquireToken(sim.url);
      const { sessionId } = await createSession(sim.url, token);
      const turn = await runTurn(sim.url, token, sessionId, "make a 10-second video of the sea");
      const result = turn.events.find((e) => e.type === "tool_result" && e.name === "generate_video_with_seedance");
      const state = (await readState(sim.url, token, sessionId)).data.state;
      const clip = String(state.generated_media.at(-1)?.url);
      runs.push({
        extras: state.draft.t
          .map((t: { tt: number }) => t.tt)
          .filter((tt: number) => tt !== 0)
          .join(","),
        urlInResult: result?.result?.video_url === clip,
        clip,
      });
    }
    return { sim, runs };
  }

  it("adds a seeded mix of music, title and effects, names the raw clip in the result or only in state, and replays", async () => {
    const first = await generations(14);
    const kinds = new Set(first.runs.map((run) => run.extras));
    expect(kinds.size).toBeGreaterThan(1);
    expect(first.runs.every((run) => run.extras.length > 0)).toBe(true);
    const urlVariants = new Set(first.runs.map((run) => run.urlInResult));
    expect(urlVariants).toEqual(new Set([true, false]));
    // The raw clip is really served, the bytes the helper names.
    const clip = first.runs[0]?.clip ?? "";
    const bytes = Buffer.from(await (await fetch(clip)).arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(generatedClipSha256(clip));
    expect((await fetch(`${first.sim.url}/generated/0000.mp4`)).status).toBe(404);
    // The same seed plays the same choices.
    const again = await generations(14);
    expect(again.runs.map((run) => [run.extras, run.urlInResult])).toEqual(
      first.runs.map((run) => [run.extras, run.urlInResult]),
    );
  });
});
