import { Bot, webhookCallback } from "grammy/web";
import { Hono } from "hono";

/**
 * The smallest useful grammY + Hono Worker: a webhook that checks the secret and echoes text. The benchmark
 * builds it with the same wrangler and compatibility settings as the bot, as the bundle-size baseline.
 */
type Bindings = { BOT_TOKEN: string; WEBHOOK_SECRET: string; BOT_INFO: string };

const app = new Hono<{ Bindings: Bindings }>();

app.get("/healthz", (c) => c.json({ ok: true }));

app.post("/telegram/webhook", (c) => {
  // Like the bot, the getMe answer comes from a variable so no request waits on Telegram.
  const bot = new Bot(c.env.BOT_TOKEN, { botInfo: JSON.parse(c.env.BOT_INFO) });
  bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
  return webhookCallback(bot, "hono", { secretToken: c.env.WEBHOOK_SECRET })(c);
});

export default app;
