import { cpus, loadavg } from "node:os";
import type { Message } from "@grammyjs/types";
import { type Stack, startStack, WEBHOOK_SECRET } from "../test/support/stack";
import { BENCH_TOKEN_CAP, percentile, round } from "./measure";

export type FirstSignResult = {
  samples: number;
  chats: number;
  p50: number;
  p99: number;
  max: number;
  /** The webhook's own answer (accept) for the same requests, for comparison. */
  ackP50: number;
  ackP99: number;
  /** The sign's delay after the webhook's own 200: the bot's handling alone (drain, routing, the reaction call). */
  afterAckP50: number;
  afterAckP99: number;
  /** Load average of the machine at the end of the run (other work on it shows up in the tail). */
  load: number;
};

/**
 * Issue 18: how long a person waits for the first visible sign that the bot heard them, while NemoVideo is
 * stalled (every simulator endpoint waits 60 s). Start = the webhook POST leaves the test process; end =
 * the 👀 `setMessageReaction` on that very message reaches the Telegram fake (same process clock). Each
 * chat is warmed up by one unmeasured instruction, so its object exists and is stuck in a NemoVideo call.
 */
export async function benchFirstSign(samples = 200, chats = 20): Promise<FirstSignResult> {
  const stack: Stack = await startStack({
    nemo: { tokenIpCap: BENCH_TOKEN_CAP },
    vars: { USER_TURNS_PER_MINUTE: "0", QUEUE_LIMIT: "100" },
  });
  try {
    stack.nemo.fault("*", { delayMs: 60_000, times: 1_000_000 });
    const send = async (index: number) => {
      const userId = 6_600_000_000 + (index % chats);
      const update = stack.telegram.updates.privateText(`add a title number ${index}`, { from: { id: userId } });
      stack.telegram.ingest(update);
      const messageId = (update.message as Message).message_id;
      const started = Date.now();
      const response = await fetch(`${stack.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      const ackMs = Date.now() - started;
      if (response.status !== 200) throw new Error(`bench first sign: webhook answered ${response.status}`);
      const sign = await stack.telegram.waitFor(
        (call) =>
          call.method === "setMessageReaction" &&
          Number(call.params.chat_id) === userId &&
          Number(call.params.message_id) === messageId,
        { timeoutMs: 10_000 },
      );
      return { sign: sign.at - started, ack: ackMs };
    };
    for (let index = 0; index < chats; index++) await send(index);
    if (!stack.nemo.requests.some((request) => request.status === 0)) {
      throw new Error("bench first sign: no NemoVideo call is stalled; the measurement would not be under load");
    }
    const times: { sign: number; ack: number }[] = [];
    for (let index = chats; index < chats + samples; index++) times.push(await send(index));
    const signs = times.map((time) => time.sign);
    const acks = times.map((time) => time.ack);
    return {
      samples,
      chats,
      p50: percentile(signs, 50),
      p99: percentile(signs, 99),
      max: Math.max(...signs),
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      afterAckP50: percentile(
        times.map((time) => time.sign - time.ack),
        50,
      ),
      afterAckP99: percentile(
        times.map((time) => time.sign - time.ack),
        99,
      ),
      load: loadavg()[0] ?? 0,
    };
  } finally {
    await stack.close();
  }
}

/** The BENCHMARKS.md section for this benchmark. */
export function firstSignSection(
  r: FirstSignResult,
  heading = "## 7. First visible sign while NemoVideo is stalled",
): string {
  const ms = (value: number) => `${round(value, value < 10 ? 2 : 0)} ms`;
  const met = r.p50 <= 100 && r.p99 <= 300;
  return `${heading}

Every simulator endpoint waits 60 s before answering, and each of the ${r.chats} private chats is already stuck in a
NemoVideo call. ${r.samples} instructions, one at a time: start = the webhook POST leaves the client; end = the 👀
reaction on that message (\`setMessageReaction\`) reaches the Telegram fake (same process clock, 1 ms resolution).

| | p50 | p99 | max |
|---|---|---|---|
| webhook POST → 👀 at the fake (goal p50 ≤ 100 ms, p99 ≤ 300 ms: ${met ? "**met**" : "**not met**"}) | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |
| webhook POST → its 200 (the same requests) | ${ms(r.ackP50)} | ${ms(r.ackP99)} | |
| its 200 → 👀 at the fake (the bot's own handling: drain, routing, the reaction call) | ${ms(r.afterAckP50)} | ${ms(r.afterAckP99)} | |

Load average (1 min) at the end of the run: ${round(r.load, 1)} on this machine (${cpus().length} cores). The sign
is sent before anything slow: no NemoVideo call, only the chat record read for its language and the per-user
rate check. What remains is the webhook's own acknowledgement, which section 1 measures at a few ms on an idle
machine and which grows with the machine's load.
`;
}
