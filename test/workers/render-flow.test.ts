import { env } from "cloudflare:test";
import type { Api, RawApi } from "grammy/web";
import { describe, expect, it } from "vitest";
import { createRenderFlow } from "../../src/chat/renders/flow";
import type { NemoSession } from "../../src/chat/session/nemo-session";
import type { Origin } from "../../src/chat/storage/schemas";
import { configFrom } from "../../src/config";
import type { ChatSender } from "../../src/telegram/sender";
import { clientWith, json, TOKEN } from "./nemo-fakes";

/** Storage with the calls render-flow makes, kept in a Map. */
function memoryStorage(): DurableObjectStorage {
  const data = new Map<string, unknown>();
  const storage = {
    async get(key: string) {
      return structuredClone(data.get(key));
    },
    async put(key: string | Record<string, unknown>, value?: unknown) {
      if (typeof key === "string") data.set(key, structuredClone(value));
      else for (const [k, v] of Object.entries(key)) data.set(k, structuredClone(v));
    },
    async delete(key: string | string[]) {
      for (const k of Array.isArray(key) ? key : [key]) data.delete(k);
      return true;
    },
    async list(options: { prefix?: string } = {}) {
      return new Map(
        [...data].filter(([k]) => k.startsWith(options.prefix ?? "")).map(([k, v]) => [k, structuredClone(v)]),
      );
    },
  };
  return storage as unknown as DurableObjectStorage;
}

const draft = { t: [{ tt: 0, sg: [{ id: "s1", st: 0, d: 5000, m: { name: "clip.mp4" } }] }], m: { title: "project" } };
const origin: Origin = { chatId: 42, lang: "en" };

/** A render flow over a real NemoVideo client whose submit answers come from `submitAnswers`, in order. */
function flowWith(submitAnswers: Response[]) {
  const submitted: { id: string; body: Record<string, unknown> }[] = [];
  const { client } = clientWith(async (request) => {
    if (request.url.endsWith("/state") || request.url.includes("/state/"))
      return json({ code: 0, data: { state: { draft } } });
    if (request.method === "POST" && request.url.endsWith("/api/render/proxy/lambda")) {
      const body = JSON.parse(String(request.body)) as Record<string, unknown>;
      submitted.push({ id: String(body.id), body });
      return submitAnswers[submitted.length - 1] ?? json({ success: true, data: { id: body.id, status: "pending" } });
    }
    return json({ code: 0, data: {} });
  });
  const record = { clientId: "client-1", sessionId: "sess-1", token: TOKEN, anonUserId: "anon_1" };
  const session = {
    run: (_lang: string, call: (project: unknown) => unknown) => call({ client, record }),
    record: async () => record,
  } as unknown as NemoSession;
  const sent: string[] = [];
  const sender: ChatSender = {
    send: async (html) => {
      sent.push(html);
      return sent.length;
    },
    edit: async () => {},
    remove: async () => {},
    action: async () => {},
    answerCallback: async () => {},
  };
  let ids = 0;
  const flow = createRenderFlow({
    config: configFrom(env),
    storage: memoryStorage(),
    session,
    now: () => 1_000_000,
    newId: () => `id-${++ids}`,
    requestWake: async () => {},
    runInBackground: () => {},
    senderFor: () => sender,
    latestMessageId: () => sent.length || undefined,
    // No Telegram API in this test: any call through it fails loudly.
    api: new Proxy({} as Api<RawApi>, {
      get: () => {
        throw new Error("no Telegram API in this test");
      },
    }),
  });
  return { flow, submitted, sent };
}

describe("render submit", () => {
  it("sends our id, the session, the draft and mp4/high", async () => {
    const { flow, submitted, sent } = flowWith([]);
    await flow.start(origin);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.body).toEqual({
      id: "render_id-1",
      sessionId: "sess-1",
      draft,
      output: { format: "mp4", quality: "high" },
    });
    expect(sent).toEqual(["⏳ Rendering… ░░░░░░░░░░ 0%"]);
    expect(await flow.isActive()).toBe(true);
  });

  it.each([
    ["an HTTP 500", json({ success: false, error: "render farm busy" }, 500)],
    ["a refusal on HTTP 200", json({ success: false, error: "render farm busy" })],
    ["a duplicate id (409)", json({ success: false, error: "duplicate id" }, 409)],
  ])("after %s retries once, with a new id", async (_label, failure) => {
    const { flow, submitted, sent } = flowWith([failure]);
    await flow.start(origin);
    expect(submitted.map((s) => s.id)).toEqual(["render_id-1", "render_id-2"]);
    expect(sent).toEqual(["⏳ Rendering… ░░░░░░░░░░ 0%"]);
  });

  it("two failed submits end in a failure message with Retry, not a third try", async () => {
    const failure = () => json({ success: false, error: "down" }, 503);
    const { flow, submitted, sent } = flowWith([failure(), failure(), failure()]);
    await flow.start(origin);
    expect(submitted).toHaveLength(2);
    expect(sent).toEqual(["❌ The export failed. Tap Retry or send /export again."]);
    expect(await flow.isActive()).toBe(false);
  });

  it("402 is a plan limit: no retry, and the registration link", async () => {
    const { flow, submitted, sent } = flowWith([json({ success: false, error: "export blocked" }, 402)]);
    await flow.start(origin);
    expect(submitted).toHaveLength(1);
    // Issue 14.4: on an anonymous account the answer is the way forward, not a plan name.
    expect(sent[0]).toMatch(/Export isn't available on a free anonymous NemoVideo account/);
    expect(sent[0]).toContain("/register?bind=anon_1");
  });

  it("403 (a token without the render scope) is not retried either", async () => {
    const { flow, submitted, sent } = flowWith([json({ success: false, error: "missing render scope" }, 403)]);
    await flow.start(origin);
    expect(submitted).toHaveLength(1);
    expect(sent[0]).toMatch(/Export isn't available on a free anonymous NemoVideo account/);
  });
});
