import { parseArgs } from "node:util";
import { parseFlakyRate } from "../flaky/index.js";
import { startTelegramFake } from "./server.js";

/** `npm run sim:telegram -- --port 9102 [--token T] [--webhook-url URL --secret S] [--flaky 0.02 --seed 1]` */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    token: { type: "string" },
    "webhook-url": { type: "string" },
    secret: { type: "string" },
    /** Share of calls and downloads reset, stalled or left unanswered at random (issue 16), e.g. 0.02. */
    flaky: { type: "string" },
    seed: { type: "string" },
    /** Messages per group chat per minute before 429 (Telegram's ~20); 0 turns the limit off. */
    "group-rate": { type: "string" },
  },
});

const webhookUrl = values["webhook-url"];
let flakyRate: number | undefined;
try {
  flakyRate = parseFlakyRate(values.flaky);
} catch (error) {
  console.error(`sim:telegram: ${(error as Error).message}`);
  process.exit(2);
}
const seed = values.seed === undefined ? undefined : Number(values.seed);
const fake = await startTelegramFake({
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values.token ? { token: values.token } : {}),
  ...(values["group-rate"] ? { groupRate: { perWindow: Number(values["group-rate"]) } } : {}),
  ...(webhookUrl ? { webhook: { url: webhookUrl, secret: values.secret ?? "" } } : {}),
  ...(flakyRate ? { flaky: { rate: flakyRate, ...(seed === undefined ? {} : { seed }) } } : {}),
});

console.log(`Telegram Bot API fake: ${fake.apiRoot}`);
console.log(`  bot:      @${fake.botInfo.username} (id ${fake.botInfo.id})`);
console.log(`  token:    ${fake.token}`);
console.log(`  methods:  ${fake.apiRoot}/bot${fake.token}/getMe`);
if (webhookUrl) console.log(`  webhook:  ${webhookUrl}`);
if (flakyRate) console.log(`  flaky:    ${flakyRate} of connections reset, stalled or left unanswered`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
