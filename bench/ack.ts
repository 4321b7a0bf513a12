import { type Stack, startStack, WEBHOOK_SECRET } from "../test/support/stack";
import { BENCH_TOKEN_CAP, percentile } from "./measure";

export type AckResult = {
  samples: number;
  chats: number;
  webhook: { p50: number; p99: number };
  /** An update without a chat (inline query): the same edge path — secret, parse — without the object. */
  edgeOnly: { p50: number; p99: number };
  healthz: { p50: number; p99: number };
  ratioP50: number;
  ratioP99: number;
};

/**
 * Webhook acknowledgement while NemoVideo is stalled: every simulator endpoint waits 60 s before answering,
 * so each chat object is stuck in a NemoVideo call. An update routed to such a chat's Durable Object is timed
 * against /healthz of the same Worker (no Durable Object, no backend), alternating, one request at a time.
 */
export async function benchAck(samples = 300, chats = 20): Promise<AckResult> {
  const stack: Stack = await startStack({
    nemo: { tokenIpCap: BENCH_TOKEN_CAP },
    vars: { USER_TURNS_PER_MINUTE: "0" },
  });
  try {
    stack.nemo.fault("*", { delayMs: 60_000, times: 1_000_000 });
    const post = async (update: unknown) => {
      const started = performance.now();
      const response = await fetch(`${stack.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`bench ack: webhook answered ${response.status}`);
      return performance.now() - started;
    };
    const health = async () => {
      const started = performance.now();
      const response = await fetch(`${stack.url}/healthz`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`bench ack: /healthz answered ${response.status}`);
      return performance.now() - started;
    };
    const update = (index: number) =>
      stack.telegram.updates.privateText(`turn my photos into a tiktok ${index}`, {
        from: { id: 6_500_000_000 + (index % chats) },
      });
    const inlineQuery = (index: number) => ({
      update_id: 800_000_000 + index,
      inline_query: {
        id: String(index),
        from: { id: 6_500_999_999, is_bot: false, first_name: "A" },
        query: "x",
        offset: "",
      },
    });
    // Warm up: every chat's object exists and is already stuck waiting on NemoVideo.
    for (let index = 0; index < chats; index++) await post(update(index));
    for (let index = 0; index < 20; index++) await health();
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!stack.nemo.requests.some((request) => request.status === 0)) {
      throw new Error("bench ack: no NemoVideo call is stalled; the measurement would not be under load");
    }

    const webhook: number[] = [];
    const edgeOnly: number[] = [];
    const healthz: number[] = [];
    // Each accepted update is handled by its chat right after the 200; a short pause lets that work finish
    // so the next sample (of either kind) is not timed while the Worker is still busy with the previous one.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    for (let index = 0; index < samples; index++) {
      webhook.push(await post(update(chats + index)));
      await settle();
      edgeOnly.push(await post(inlineQuery(index)));
      healthz.push(await health());
    }
    const summary = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
    const w = summary(webhook);
    const h = summary(healthz);
    return {
      samples,
      chats,
      webhook: w,
      edgeOnly: summary(edgeOnly),
      healthz: h,
      ratioP50: w.p50 / h.p50,
      ratioP99: w.p99 / h.p99,
    };
  } finally {
    await stack.close();
  }
}
