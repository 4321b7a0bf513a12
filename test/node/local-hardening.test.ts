import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NemoSim, startNemoSim } from "../../sim/nemo/index";
import { type RenderFront, startRenderFront } from "../../sim/render-mp4/front";
import { startTelegramFake, type TelegramFake } from "../../sim/telegram/index";
import { startWebChat, type WebChat } from "../../web/server";

/**
 * Issue 19.7 (local pieces): the local web chat answers only its own page on a loopback name (DNS
 * rebinding and cross-site POSTs refused), and the simulator's control routes are not reachable through
 * the render front, which is where the Worker and media links point.
 */

/** A raw request, so Host and Origin can be set to what a hostile page's browser would send. */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; path: string }) {
  const target = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: init.method ?? "GET",
        path: init.path,
        headers: init.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("local hardening", () => {
  let sim: NemoSim;
  let front: RenderFront;
  let telegram: TelegramFake;
  let web: WebChat;

  beforeAll(async () => {
    sim = await startNemoSim({ timeScale: 0.01 });
    front = await startRenderFront({ upstream: sim.url, lookupImage: () => undefined });
    telegram = await startTelegramFake();
    web = await startWebChat({ telegram });
  });
  afterAll(async () => {
    await Promise.allSettled([web?.close(), front?.close(), sim?.close(), telegram?.close()]);
  });

  it("the render front never forwards the simulator's control routes, in any spelling", async () => {
    // Reachable on the simulator's own port…
    expect((await send(sim.url, { path: "/__sim/requests" })).status).toBe(200);
    // …but not through the front.
    for (const path of ["/__sim/requests", "/%5F%5Fsim/requests", "//__sim/requests", "/__SIM/requests"]) {
      const answer = await send(front.url, { path });
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain("requests");
    }
    // Ordinary API routes still go through (the simulator answers: no token → 401).
    expect((await send(front.url, { path: "/api/credits/balance/simple" })).status).toBe(401);
  });

  it("the web chat refuses a foreign Host and a cross-site POST, and serves its own page", async () => {
    const port = new URL(web.url).port;
    expect((await send(web.url, { path: "/", headers: { host: `127.0.0.1:${port}` } })).status).toBe(200);
    expect((await send(web.url, { path: "/", headers: { host: `localhost:${port}` } })).status).toBe(200);
    // DNS rebinding: evil.example now resolves to 127.0.0.1, but the browser still names it.
    expect((await send(web.url, { path: "/api/config", headers: { host: `evil.example:${port}` } })).status).toBe(421);
    const post = (origin: string) =>
      send(web.url, {
        method: "POST",
        path: "/api/send",
        headers: { host: `127.0.0.1:${port}`, origin, "content-type": "application/json" },
        body: JSON.stringify({ chat: 1, text: "hi" }),
      });
    expect((await post("http://evil.example")).status).toBe(403);
    expect((await post(`http://127.0.0.1:${port}`)).status).not.toBe(403);
  });
});
