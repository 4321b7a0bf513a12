import { type Stack, startStack } from "../test/support/stack";
import { BENCH_TOKEN_CAP, percentile, until } from "./measure";

export type RelayResult = { turns: number; events: number; p50: number; p99: number; max: number };

/**
 * Relay latency: scripted agent turns send timestamped text events; each event's time is taken the moment the
 * simulator serialises it onto the SSE stream (a toJSON hook) and compared with the moment the bot's
 * sendMessage carrying that text reached the Telegram fake (the fake's receive time). Both clocks are the
 * same process's Date.now(), so the figures have 1 ms resolution.
 */
export async function benchRelay(turns = 8, eventsPerTurn = 12): Promise<RelayResult> {
  const stack: Stack = await startStack({
    nemo: { tokenIpCap: BENCH_TOKEN_CAP },
    vars: { USER_TURNS_PER_MINUTE: "0", QUEUE_LIMIT: "20" },
  });
  try {
    const { telegram, nemo } = stack;
    const userId = 6_600_000_001;
    await telegram.deliver(telegram.updates.command("start", { from: { id: userId } }));
    await until(
      () =>
        telegram.calls.some((call) => call.params.chat_id === userId && /Try saying/.test(String(call.params.text))),
      "the greeting",
      20_000,
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const markers = Array.from({ length: eventsPerTurn }, (_, index) => `relay marker ${turn} ${index}`);
      nemo.scriptTurn({
        events: markers.map((marker) => ({
          // 30 simulated ms apart at timeScale 0.01 = 0.3 real ms… too tight; 3 s simulated = 30 ms real.
          delayMs: 3_000,
          event: {
            toJSON() {
              sentAt.set(marker, Date.now());
              return { type: "text", content: marker };
            },
          },
        })),
      });
      const since = telegram.calls.length;
      await telegram.deliver(telegram.updates.privateText(`tell me something ${turn}`, { from: { id: userId } }));
      const arrived = await until(
        () => {
          const calls = telegram.calls
            .slice(since)
            .filter((call) => call.method === "sendMessage" && markers.includes(String(call.params.text)));
          return calls.length === markers.length ? calls : undefined;
        },
        `the ${markers.length} texts of turn ${turn}`,
        20_000,
      );
      for (const call of arrived) latencies.push(call.at - (sentAt.get(String(call.params.text)) ?? call.at));
      // Let the turn finish (state read, "What next?") before the next one starts.
      await until(
        () => telegram.calls.slice(since).some((call) => /What next/.test(String(call.params.text))),
        "the end of the turn",
        20_000,
      );
    }
    return {
      turns,
      events: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
    };
  } finally {
    await stack.close();
  }
}
