import { afterEach, describe, expect, it } from "vitest";
import { Flaky } from "../../sim/flaky/index";
import { type NemoSim, startNemoSim } from "../../sim/nemo/index";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";

/** Issue 16's flaky mode of both fakes: seeded, off by default, and each mode does what it says. */
describe("flaky connections in the fakes", () => {
  let nemo: NemoSim | undefined;
  let telegram: TelegramFake | undefined;
  afterEach(async () => {
    await nemo?.close();
    await telegram?.close();
    nemo = telegram = undefined;
  });

  it("replays: the same seed hits the same requests, and the share is close to the rate", () => {
    const draw = (seed: number) => {
      const flaky = new Flaky({ rate: 0.02, seed });
      return Array.from({ length: 5_000 }, () => flaky.draw(["reset", "stall", "lostAnswer"]) ?? "");
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const hits = draw(7).filter(Boolean).length;
    expect(hits).toBeGreaterThan(60);
    expect(hits).toBeLessThan(140);
    expect(new Flaky().draw(["reset"])).toBeUndefined();
  });

  it("NemoVideo: a flaky request is cut before the handler runs and recorded as such", async () => {
    nemo = await startNemoSim({ flaky: { rate: 1, seed: 1, stallMs: 50 } });
    const answer = await fetch(`${nemo.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "X-Client-Id": "flaky-client" },
    }).catch((error: unknown) => error);
    expect(answer).toBeInstanceOf(TypeError);
    expect(nemo.requests[0]).toMatchObject({ status: 0, flaky: expect.stringMatching(/^(reset|stall)$/) });
    const counts = nemo.flakyCounts();
    expect(counts.reset + counts.stall).toBe(1);

    // Switched off, the same call works and nothing was issued by the cut one.
    nemo.setFlaky(undefined);
    const ok = await fetch(`${nemo.url}/api/auth/anonymous-token`, {
      method: "POST",
      headers: { "X-Client-Id": "flaky-client" },
    });
    expect(ok.status).toBe(200);
  });

  it("Telegram: a lost answer still posts the message; a reset one does not", async () => {
    telegram = await startTelegramFake();
    const send = (text: string) =>
      fetch(`${telegram?.apiRoot}/bot${telegram?.token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id: 5_000_001, text }),
      }).catch((error: unknown) => error);
    telegram.ingest(telegram.updates.privateText("hi", { from: { id: 5_000_001 } }));
    // Find seeds whose first draw is each mode, so both are shown without depending on one sequence.
    const seedFor = (mode: string) => {
      for (let seed = 1; ; seed++) {
        const flaky = new Flaky({ rate: 1, seed });
        if (flaky.draw(["reset", "stall", "lostAnswer"]) === mode) return seed;
      }
    };
    telegram.setFlaky({ rate: 1, seed: seedFor("lostAnswer") });
    expect(await send("arrives unseen")).toBeInstanceOf(TypeError);
    telegram.setFlaky({ rate: 1, seed: seedFor("reset") });
    expect(await send("never arrives")).toBeInstanceOf(TypeError);
    telegram.setFlaky(undefined);
    const texts = telegram
      .chat(5_000_001)
      .messages.filter((m) => m.from_bot)
      .map((m) => m.text);
    expect(texts).toEqual(["arrives unseen"]);
    expect(telegram.calls.map((call) => call.flaky)).toEqual(["lostAnswer", "reset"]);
  });
});
