import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { ChatDurableObject } from "../../src/chat/chat-do";
import { chatStorage, KEYS, migrateStorage, SCHEMA_VERSION } from "../../src/chat/storage";
import { createTurnStore, TurnTransitionError } from "../../src/chat/turns/store";

/**
 * Issue 13.2 in real Durable Object storage: the stored layout version, values that no longer parse kept
 * aside instead of deleted, read-modify-writes that cannot lose one another's writes, and turns that
 * change phase only from the phase they are in.
 */
function inObject<T>(name: string, run: (storage: DurableObjectStorage) => Promise<T>): Promise<T> {
  const stub = env.CHAT.get(env.CHAT.idFromName(name));
  return runInDurableObject(stub, async (_instance: ChatDurableObject, state) => run(state.storage));
}

const origin = { chatId: 51, userId: 51, lang: "en" as const };
const queued = (id: string) => ({ id, text: `do ${id}`, origin, queuedAt: 1 });

describe("the chat's storage registry", () => {
  it("stamps a chat's values with the layout version once, and leaves an empty chat empty", async () => {
    await inObject("registry-version", async (storage) => {
      await migrateStorage(storage);
      expect([...(await storage.list()).keys()]).toEqual([]);
      await storage.put({ [KEYS.queue]: [queued("a")], [KEYS.flags]: { greeted: true } });
      await migrateStorage(storage);
      expect(await storage.get(KEYS.schemaVersion)).toBe(SCHEMA_VERSION);
      // The values themselves are untouched.
      expect(await chatStorage(storage).get("queue")).toEqual([queued("a")]);
      expect(await chatStorage(storage).get("flags")).toEqual({ greeted: true });
    });
  });

  it("leaves values of a newer layout alone (a rollback must not destroy them)", async () => {
    await inObject("registry-newer", async (storage) => {
      await storage.put({ [KEYS.schemaVersion]: SCHEMA_VERSION + 1, inbox: [{ update_id: 5 }] });
      await migrateStorage(storage);
      expect(await storage.get("inbox")).toEqual([{ update_id: 5 }]);
      expect(await storage.get(KEYS.schemaVersion)).toBe(SCHEMA_VERSION + 1);
    });
  });

  it("keeps a value that no longer parses aside, naming only its key in the log", async () => {
    await inObject("registry-aside", async (storage) => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      await storage.put(KEYS.turn, { id: "t1", phase: "flying", secret: "user words" });
      expect(await chatStorage(storage).get("turn")).toBeUndefined();
      expect(await storage.get(KEYS.turn)).toBeUndefined();
      expect(await storage.get(`aside:${KEYS.turn}`)).toEqual({ id: "t1", phase: "flying", secret: "user words" });
      const lines = warn.mock.calls.map((call) => String(call[0]));
      warn.mockRestore();
      expect(lines.some((line) => line.includes("storage_invalid") && line.includes(`"key":"${KEYS.turn}"`))).toBe(
        true,
      );
      expect(lines.join("\n")).not.toContain("user words");
    });
  });

  it("keeps a list's readable items in place and only the unreadable ones aside", async () => {
    await inObject("registry-aside-list", async (storage) => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      await storage.put(KEYS.queue, [queued("a"), { id: 7 }, queued("b")]);
      expect((await chatStorage(storage).get("queue"))?.map((turn) => turn.id)).toEqual(["a", "b"]);
      warn.mockRestore();
      expect(await storage.get(`aside:${KEYS.queue}`)).toEqual([{ id: 7 }]);
    });
  });

  it("runs concurrent read-modify-writes of one key one after another, losing none", async () => {
    await inObject("registry-update", async (storage) => {
      const store = chatStorage(storage);
      await Promise.all(
        Array.from({ length: 25 }, () =>
          store.update("mediaNumbers", (numbers) => ({ Photo: (numbers?.Photo ?? 0) + 1 })),
        ),
      );
      expect(await store.get("mediaNumbers")).toEqual({ Photo: 25 });
      // take reads and clears in one step: of two at once, one gets the mark.
      await store.put({ awaitingInstruction: true });
      const taken = await Promise.all([store.take("awaitingInstruction"), store.take("awaitingInstruction")]);
      expect(taken.filter(Boolean)).toHaveLength(1);
    });
  });

  it("moves a turn only from the phase it is in, and never backwards", async () => {
    await inObject("registry-turns", async (storage) => {
      const turns = createTurnStore(storage);
      const turn = { ...queued("t1"), startedAt: 2, phase: "starting" as const, sawText: false };
      await turns.claim([], turn);
      const streaming = await turns.transition("t1", ["starting"], (current) => ({ ...current, phase: "streaming" }));
      expect(streaming?.phase).toBe("streaming");
      // A second actor that still believes the turn is starting is refused, and changes nothing.
      expect(await turns.transition("t1", ["starting"], (current) => ({ ...current, sawText: true }))).toBeUndefined();
      expect((await turns.current())?.sawText).toBe(false);
      // Another turn's id is refused too.
      expect(await turns.transition("t2", ["streaming"], (current) => current)).toBeUndefined();
      // A streamed turn is never started again: its message may have reached the agent.
      await expect(
        turns.transition("t1", ["streaming"], (current) => ({ ...current, phase: "starting" })),
      ).rejects.toBeInstanceOf(TurnTransitionError);
      expect((await turns.current())?.phase).toBe("streaming");
      // Ending another turn leaves this one; ending this one removes it.
      await turns.end("t2");
      expect((await turns.current())?.id).toBe("t1");
      await turns.end("t1");
      expect(await turns.current()).toBeUndefined();
    });
  });
});
