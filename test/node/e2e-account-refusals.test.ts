import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf } from "../support/e2e-chat";
import { draftWith, type ExportChat, exportableChat, textOf } from "../support/export-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 14.4: refusals with a way forward. Anonymous tokens lack the render scope since skill v1.8
 * (nemo-api.md §1): a submit answered 403 or 402 is never retried and the user gets the claim link and
 * the registration link. A 400 on the anonymous-token call (client id rejected, §13) gets a new id.
 */
describe("export refused for an anonymous token without the render scope", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  for (const status of [403, 402] as const) {
    it(`${status} on submit: not retried, answered with the claim link and the registration link`, async () => {
      stack.nemo.setAnonymousRenderRefusal(status);
      const submits = () => stack.nemo.requests.filter((r) => r.endpoint === "render-submit");
      const first = submits().length;
      const refusals = (chat: ExportChat) =>
        chat.calls().filter((call) => /free anonymous NemoVideo account/.test(textOf(call)));
      // AUTO_EXPORT (on by default): the turn's change is rendered by itself, refused, and said once.
      const chat = await exportableChat(stack);
      await chat.waitFor((call) => /free anonymous NemoVideo account/.test(textOf(call)));
      expect(
        submits()
          .slice(first)
          .map((r) => r.status),
      ).toEqual([status]);
      // Another change of the same project asks NemoVideo no more and says nothing more.
      await chat.edit(draftWith("Summer Trip, again"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(submits().slice(first)).toHaveLength(1);
      expect(refusals(chat)).toHaveLength(1);
      // An explicit export is tried (once, never retried) and answered with the ways forward.
      const before = submits().length;
      await chat.say("/export");
      await chat.waitFor(() => refusals(chat).length === 2);
      const answer = refusals(chat).at(-1) as RecordedCall;
      expect(
        submits()
          .slice(before)
          .map((r) => r.status),
      ).toEqual([status]);
      const open = buttonsOf(answer).find((button) => button.url !== undefined);
      expect(open?.url).toMatch(/\/workspace\/claim\?ct=/);
      expect(textOf(answer)).toMatch(/register for free/);
      expect(JSON.stringify(answer.params)).toMatch(/\/register\?bind=/);
      // Neither the client id nor a token rides in any link.
      const clientIds = stack.nemo.requests.map((r) => r.headers["x-client-id"]).filter(Boolean) as string[];
      for (const id of clientIds) expect(JSON.stringify(answer.params)).not.toContain(id);
      stack.nemo.setAnonymousRenderRefusal(undefined);
    });
  }
});

describe("anonymous-token 400 (client id rejected)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("gets a new client id, persisted, and one retry", async () => {
    const { telegram, nemo } = stack;
    const user = { id: 7_190_000_001, language_code: "en" };
    nemo.fault("anonymous-token", { status: 400, message: "X-Client-Id rejected" });
    await telegram.deliver(telegram.updates.command("start", { from: user }));
    await telegram.waitFor(
      (call) => call.params.chat_id === user.id && /Try saying/.test(String(call.params.text ?? "")),
      { timeoutMs: 10_000 },
    );
    const calls = nemo.requests.filter((r) => r.endpoint === "anonymous-token");
    expect(calls.map((r) => r.status)).toEqual([400, 200]);
    const [first, second] = calls.map((r) => r.headers["x-client-id"]);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const stored = JSON.parse(
      String((await (await stack.mf.getKVNamespace("CHATS_KV")).get(`chat:${user.id}`, "text")) ?? "{}"),
    );
    expect(stored.clientId).toBe(second);
  });
});
