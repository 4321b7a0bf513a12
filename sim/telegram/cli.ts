import { parseArgs } from "node:util";
import { startTelegramFake } from "./server.js";

/** `npm run sim:telegram -- --port 9102 [--token T] [--webhook-url URL --secret S]` */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    token: { type: "string" },
    "webhook-url": { type: "string" },
    secret: { type: "string" },
    /** Messages per group chat per minute before 429 (Telegram's ~20); 0 turns the limit off. */
    "group-rate": { type: "string" },
  },
});

const webhookUrl = values["webhook-url"];
const fake = await startTelegramFake({
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values.token ? { token: values.token } : {}),
  ...(values["group-rate"] ? { groupRate: { perWindow: Number(values["group-rate"]) } } : {}),
  ...(webhookUrl ? { webhook: { url: webhookUrl, secret: values.secret ?? "" } } : {}),
});

console.log(`Telegram Bot API fake: ${fake.apiRoot}`);
console.log(`  bot:      @${fake.botInfo.username} (id ${fake.botInfo.id})`);
console.log(`  token:    ${fake.token}`);
console.log(`  methods:  ${fake.apiRoot}/bot${fake.token}/getMe`);
if (webhookUrl) console.log(`  webhook:  ${webhookUrl}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
