import { describe, expect, it, vi } from "vitest";
import { type NemoClient, NemoTransportError } from "../../src/nemo";
import { describeTimeline, isExportable } from "../../src/nemo/draft";
import {
  BASE,
  clientWith,
  collect,
  controlledStream,
  json,
  ok,
  type Recorded,
  readAll,
  SKILL,
  streamOf,
  TOKEN,
} from "./nemo-fakes";

const SID = "5529798706024415232";
const DRAFT = { t: [{ tt: 0, sg: [{ id: "seg1", st: 0, d: 10000, m: { src: "https://cdn.test/a.mp4" } }] }], d: 10000 };

type Case = {
  name: string;
  call: (client: NemoClient) => Promise<unknown>;
  answer: () => Response;
  method: string;
  path: string;
  body?: unknown;
  accept?: string;
};

const cases: Case[] = [
  {
    name: "anonymousToken",
    call: (c) => c.anonymousToken("client-123"),
    answer: () => ok({ token: "nmv_usr_new", credits: 100 }),
    method: "POST",
    path: "/api/auth/anonymous-token",
  },
  {
    name: "claimToken",
    call: (c) => c.claimToken({ taskId: "task_1", sessionId: SID }),
    answer: () => ok({ claim_token: "clm_abc", expires_in: 604800 }),
    method: "POST",
    path: "/api/auth/claim-token",
    body: { task_id: "task_1", session_id: SID },
  },
  {
    name: "createSession",
    call: (c) => c.createSession({ language: "en" }),
    answer: () => ok({ task_id: "task_1", session_id: SID }),
    method: "POST",
    path: "/api/tasks/me/with-session/nemo_agent",
    body: { task_name: "project", language: "en" },
  },
  {
    name: "runTurn",
    call: async (c) => collect(await c.runTurn({ sessionId: SID, text: "make a cat video" })),
    answer: () =>
      new Response('data: {"type":"text","content":"ok"}\n\n', { headers: { "content-type": "text/event-stream" } }),
    method: "POST",
    path: "/run_sse",
    body: {
      app_name: "nemo_agent",
      user_id: "me",
      session_id: SID,
      new_message: { parts: [{ text: "make a cat video" }] },
    },
    accept: "text/event-stream",
  },
  {
    name: "state",
    call: (c) => c.state(SID),
    answer: () => ok({ session_id: SID, state: {} }),
    method: "GET",
    path: `/api/state/nemo_agent/me/${SID}/latest`,
  },
  {
    name: "uploadUrls",
    call: (c) => c.uploadUrls(SID, ["https://example.com/a.mp4"]),
    answer: () => ok({ files: [] }),
    method: "POST",
    path: `/api/upload-video/nemo_agent/me/${SID}`,
    body: { urls: ["https://example.com/a.mp4"], source_type: "url" },
  },
  {
    name: "credits",
    call: (c) => c.credits(),
    answer: () => ok({ available: 100, frozen: 0, total: 100 }),
    method: "GET",
    path: "/api/credits/balance/simple",
  },
  {
    name: "submitRender",
    call: (c) => c.submitRender({ id: "render_1", sessionId: SID, draft: DRAFT }),
    answer: () => json({ success: true, data: { id: "render_1", status: "pending", progress: 5 } }),
    method: "POST",
    path: "/api/render/proxy/lambda",
    body: { id: "render_1", sessionId: SID, draft: DRAFT, output: { format: "mp4", quality: "high" } },
  },
  {
    name: "renderStatus",
    call: (c) => c.renderStatus("render_1"),
    answer: () => json({ success: true, data: { id: "render_1", status: "processing", progress: 40 } }),
    method: "GET",
    path: "/api/render/proxy/lambda/render_1",
  },
  {
    name: "cancelRender",
    call: (c) => c.cancelRender("render_1"),
    answer: () => new Response(null, { status: 204 }),
    method: "POST",
    path: "/api/render/proxy/lambda/render_1/cancel",
  },
  {
    name: "download",
    call: (c) => c.download("render_1"),
    answer: () => new Response(new Uint8Array([0, 0, 0, 24]), { headers: { "content-type": "video/mp4" } }),
    method: "GET",
    path: "/api/render/proxy/render_1/download",
  },
];

describe("requests the client sends", () => {
  it.each(cases)("$name: $method $path with attribution headers", async (c) => {
    const { client, calls } = clientWith(() => c.answer());
    await c.call(client);
    expect(calls).toHaveLength(1);
    const [request] = calls as [Recorded];
    expect(request.method).toBe(c.method);
    expect(request.url).toBe(`${BASE}${c.path}`);
    expect(request.url).not.toContain(TOKEN);
    expect(request.headers.get("X-Skill-Source")).toBe(SKILL.source);
    expect(request.headers.get("X-Skill-Version")).toBe(SKILL.version);
    expect(request.headers.get("X-Skill-Platform")).toBe(SKILL.platform);
    if (c.name === "anonymousToken") {
      expect(request.headers.get("Authorization")).toBeNull();
      expect(request.headers.get("X-Client-Id")).toBe("client-123");
    } else {
      expect(request.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
      expect(request.headers.get("X-Client-Id")).toBeNull();
    }
    if (c.body !== undefined) {
      expect(request.headers.get("Content-Type")).toBe("application/json");
      expect(JSON.parse(String(request.body))).toEqual(c.body);
    } else {
      expect(request.body).toBeNull();
    }
    if (c.accept) expect(request.headers.get("Accept")).toBe(c.accept);
  });

  it("sends a custom task name and render output when given", async () => {
    const { client, calls } = clientWith((_r, i) =>
      i === 0 ? ok({ session_id: SID }) : json({ success: true, data: { id: "r", status: "pending" } }),
    );
    await client.createSession({ language: "ja", taskName: "Video Project" });
    await client.submitRender({ id: "r", sessionId: SID, draft: {}, output: { format: "mp4", resolution: "1080p" } });
    expect(JSON.parse(String(calls[0]?.body))).toEqual({ task_name: "Video Project", language: "ja" });
    expect(JSON.parse(String(calls[1]?.body)).output).toEqual({ format: "mp4", resolution: "1080p" });
  });

  it("withToken gives a client that sends the new token", async () => {
    const { client, calls } = clientWith(() => ok({ available: 1, frozen: 0 }), { token: undefined });
    await client.withToken("nmv_usr_other").credits();
    expect(calls[0]?.headers.get("Authorization")).toBe("Bearer nmv_usr_other");
  });

  it("escapes ids in paths and tolerates a trailing slash on the base URL", async () => {
    const { client, calls } = clientWith(() => ok({ state: {} }), { baseUrl: `${BASE}/` });
    await client.state("a/b?c");
    expect(calls[0]?.url).toBe(`${BASE}/api/state/nemo_agent/me/a%2Fb%3Fc/latest`);
  });

  it("downloadUrl sends neither the token nor attribution headers to the CDN", async () => {
    const { client, calls } = clientWith(() => new Response("mp4 bytes"));
    const response = await client.downloadUrl("https://static1.nemovideo.ai/render-result/render_1.mp4");
    expect(await response.text()).toBe("mp4 bytes");
    expect(calls[0]?.url).toBe("https://static1.nemovideo.ai/render-result/render_1.mp4");
    expect([...(calls[0]?.headers.keys() ?? [])]).toEqual([]);
  });

  it("download returns the response with its body unread", async () => {
    const source = controlledStream();
    const { client } = clientWith(() => new Response(source.stream, { headers: { "content-type": "video/mp4" } }));
    const response = await client.download("render_1");
    expect(response.bodyUsed).toBe(false);
    source.push("first bytes");
    source.close();
    // Read as bytes: .text() on a video/mp4 body makes workerd warn that the result may be corrupted.
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe("first bytes");
  });
});

describe("responses the client returns", () => {
  it.each([
    [
      "anonymous token with every field",
      (c: NemoClient) => c.anonymousToken("cid"),
      { token: "nmv_usr_x", user_id: "anon_abc123", expires_at: "2026-03-18T00:00:00Z", credits: 100 },
      { token: "nmv_usr_x", userId: "anon_abc123", expiresAt: "2026-03-18T00:00:00Z", credits: 100 },
    ],
    [
      "anonymous token alone (v1.0+)",
      (c: NemoClient) => c.anonymousToken("cid"),
      { token: "nmv_usr_x" },
      { token: "nmv_usr_x" },
    ],
    [
      "claim token",
      (c: NemoClient) => c.claimToken({ taskId: "t", sessionId: "s" }),
      { claim_token: "clm_1", expires_in: 604800 },
      { claimToken: "clm_1", expiresIn: 604800 },
    ],
    [
      "session with user id",
      (c: NemoClient) => c.createSession({ language: "en" }),
      { task_id: "task_xxx", session_id: SID, user_id: "anon_1" },
      { sessionId: SID, taskId: "task_xxx", userId: "anon_1" },
    ],
    [
      "session id sent as a number",
      (c: NemoClient) => c.createSession({ language: "en" }),
      { session_id: 12345 },
      { sessionId: "12345" },
    ],
    [
      "credits",
      (c: NemoClient) => c.credits(),
      { available: 25000, frozen: 40, total: 25040 },
      { available: 25000, frozen: 40, total: 25040 },
    ],
    [
      "credits without total",
      (c: NemoClient) => c.credits(),
      { available: 60, frozen: 40 },
      { available: 60, frozen: 40, total: 100 },
    ],
    [
      "upload with files[]",
      (c: NemoClient) => c.uploadUrls("s", ["https://x/a.mp4"]),
      {
        files: [
          {
            filename: "a.mp4",
            file_type: "video",
            cdn_url: "https://cdn/a.mp4",
            duration: 30.5,
            width: 1920,
            height: 1080,
            fps: 30,
          },
        ],
        session_state_applied: true,
      },
      {
        files: [
          {
            filename: "a.mp4",
            fileType: "video",
            cdnUrl: "https://cdn/a.mp4",
            duration: 30.5,
            width: 1920,
            height: 1080,
          },
        ],
        sessionStateApplied: true,
      },
    ],
    [
      "upload with uploaded_files[] and url",
      (c: NemoClient) => c.uploadUrls("s", ["https://x/a.mp4"]),
      { uploaded_files: [{ filename: "a.mp4", url: "https://cdn/a.mp4" }] },
      { files: [{ filename: "a.mp4", cdnUrl: "https://cdn/a.mp4" }] },
    ],
  ])("reads %s", async (_label, call, data, expected) => {
    const { client } = clientWith(() => ok(data));
    expect(await call(client)).toEqual(expected);
  });

  it("reads full state into camelCase and keeps the raw data", async () => {
    const data = {
      session_id: SID,
      task_id: "task_1",
      task_name: "project",
      state: {
        video_infos: [{ url: "https://cdn/a.mp4" }],
        draft: {
          t: [{ tt: 7, sg: [{ id: "s1", st: 0, d: 3000, m: { text: "Hello", extra: 1 } }] }],
          d: 3000,
          m: { width: 1080, height: 1920 },
        },
        canvas_config: { width: 1080, height: 1920, aspect_ratio: "9:16" },
        generated_media: { clips: [] },
        video_analyses: {},
      },
    };
    const { client } = clientWith(() => ok(data));
    const state = await client.state(SID);
    expect(state).toEqual({
      sessionId: SID,
      taskId: "task_1",
      draft: data.state.draft,
      videoInfos: data.state.video_infos,
      generatedMedia: { clips: [] },
      canvasConfig: data.state.canvas_config,
      raw: data,
    });
  });

  it.each([
    ["an empty state", { session_id: SID, state: {} }],
    ["no state at all", { session_id: SID }],
    ["nulls everywhere", { session_id: SID, state: { draft: null, video_infos: null, canvas_config: null } }],
    ["a draft that is not an object", { state: { draft: "not a draft", video_infos: "nope" } }],
  ])("tolerates %s", async (_label, data) => {
    const { client } = clientWith(() => ok(data));
    const state = await client.state(SID);
    expect(state.draft).toBeUndefined();
    expect(state.videoInfos).toEqual([]);
    expect(state.raw).toEqual(data);
  });

  it("keeps a draft with unreadable fields exactly as sent, and its reading skips only those fields", async () => {
    // Issue 14: one drifted field used to make the whole draft undefined; now the draft is kept for export
    // (byte for byte) and read field by field, so an unreadable `t` reads as an empty timeline.
    const data = { state: { draft: { t: "not tracks", d: "10000" }, video_infos: "nope" } };
    const { client } = clientWith(() => ok(data));
    const state = await client.state(SID);
    expect(state.draft).toEqual({ t: "not tracks", d: "10000" });
    expect(describeTimeline(state.draft)).toEqual([]);
    expect(isExportable(state.draft)).toBe(false);
    expect(state.videoInfos).toEqual([]);
  });

  it("cancelRender accepts any 2xx body", async () => {
    for (const answer of [json({ success: true }), new Response("OK"), new Response(null, { status: 204 })]) {
      const { client } = clientWith(() => answer);
      await expect(client.cancelRender("render_1")).resolves.toBeUndefined();
    }
  });
});

describe("uploads", () => {
  it("streams files as multipart field `files` with a known length", async () => {
    const video = new Uint8Array(70_000).map((_, i) => i % 251);
    const { client, calls } = clientWith(async (request) => {
      // Read the body like a server would; it must parse as multipart with both files intact.
      const form = await new Response(request.body, {
        headers: { "content-type": request.headers.get("content-type") ?? "" },
      }).formData();
      const files = form.getAll("files");
      return ok({ files: files.map((f) => ({ filename: typeof f === "string" ? f : f.name, file_type: "video" })) });
    });
    const result = await client.uploadFiles(SID, [
      { filename: "clip.mp4", contentType: "video/mp4", body: streamOf(video), size: video.length },
      { filename: "photo.jpg", contentType: "image/jpeg", body: streamOf(new TextEncoder().encode("jpeg")), size: 4 },
    ]);
    expect(result.files.map((f) => f.filename)).toEqual(["clip.mp4", "photo.jpg"]);
    expect(calls[0]?.url).toBe(`${BASE}/api/upload-video/nemo_agent/me/${SID}`);
    expect(calls[0]?.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    expect(calls[0]?.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
  });

  it("sends the file bytes unchanged when the size is unknown", async () => {
    const source = controlledStream();
    let received: File | string | null = null;
    const { client } = clientWith(async (request) => {
      const body = request.body;
      if (!(body instanceof ReadableStream)) throw new Error("expected a stream body");
      const form = await new Response(body, {
        headers: { "content-type": request.headers.get("content-type") ?? "" },
      }).formData();
      received = form.get("files");
      return ok({ files: [] });
    });
    const pending = client.uploadFiles(SID, [{ filename: "ü.mp4", contentType: "video/mp4", body: source.stream }]);
    source.push("part one, ");
    source.push("part two");
    source.close();
    await pending;
    const file: unknown = received;
    if (!(file instanceof File)) throw new Error("expected a file part");
    expect(file.name).toBe("ü.mp4");
    expect(new TextDecoder().decode(await readAll(file.stream()))).toBe("part one, part two");
  });

  it("cancels the file streams when the upload request fails before sending", async () => {
    let cancelled = false;
    const file = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1024)),
      cancel: () => {
        cancelled = true;
      },
    });
    const { client } = clientWith(() => Promise.reject(new TypeError("Network connection lost")));
    await expect(
      client.uploadFiles(SID, [{ filename: "a.mp4", contentType: "video/mp4", body: file, size: 4096 }]),
    ).rejects.toBeInstanceOf(NemoTransportError);
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });
});
