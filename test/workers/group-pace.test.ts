import { describe, expect, it } from "vitest";
import { createGroupPace } from "../../src/chat/progress/group-pace";

/** The group pacer with a hand-moved clock: calls wait for room instead of exceeding the window's limit. */
describe("group pace", () => {
  const clock = () => {
    let now = 0;
    const sleeps: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      advance: (ms: number) => {
        now += ms;
      },
      sleeps,
    };
  };

  it("lets `limit` calls through at once, then waits until the oldest leaves the window", async () => {
    const c = clock();
    const pace = createGroupPace({ limit: 3, windowMs: 1_000, now: c.now, sleep: c.sleep });
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) await pace.paced(async () => ran.push(c.now()));
    expect(ran).toEqual([0, 0, 0]);
    expect(pace.room()).toBe(0);
    await pace.paced(async () => ran.push(c.now()));
    // Counted from each call's end (time 0): the fourth goes just after 1 s.
    expect(ran[3]).toBeGreaterThan(1_000);
    expect(c.sleeps.length).toBeGreaterThan(0);
  });

  it("counts a slow call from its end, so Telegram never sees two windows' worth at once", async () => {
    const c = clock();
    const pace = createGroupPace({ limit: 1, windowMs: 1_000, now: c.now, sleep: c.sleep });
    await pace.paced(async () => c.advance(400));
    const started: number[] = [];
    await pace.paced(async () => started.push(c.now()));
    expect(started[0]).toBeGreaterThan(1_400);
  });

  it("limit 0 (private chats) never waits", async () => {
    const c = clock();
    const pace = createGroupPace({ limit: 0, windowMs: 1_000, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 50; i++) await pace.paced(async () => undefined);
    expect(c.sleeps).toEqual([]);
    expect(pace.room()).toBe(Number.POSITIVE_INFINITY);
  });
});
