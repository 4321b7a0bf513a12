import { Composer } from "grammy/web";
import type { ChatActions } from "../actions";
import { addressedToBot } from "../addressing";
import type { BotContext } from "../context";
import { routeText } from "../intents";

/**
 * Text that is not one of the bot's commands: a token /token asked for, media links, the plain-words
 * shortcuts ("export", "credits", …), or an instruction for the agent.
 */
export function textMessages(actions: ChatActions): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("message:text", async (ctx) => {
    const bot = { id: ctx.me.id, username: ctx.me.username };
    const { origin } = ctx;
    if (ctx.message.text.startsWith("/")) {
      // Not one of ours. In a private chat, or named for this bot, say so; a bare unknown command in a
      // group is probably for another bot.
      const named =
        /^\/[A-Za-z0-9_]+@([A-Za-z0-9_]+)/.exec(ctx.message.text)?.[1]?.toLowerCase() === bot.username.toLowerCase();
      if (ctx.chat.type === "private" || named) await actions.say(origin, "unknownCommand");
      return;
    }
    const { text } = addressedToBot(ctx.message, bot, ctx.chat.type);
    // A token asked for by /token is read from private chats only, before anything could forward it.
    if (ctx.chat.type === "private" && (await actions.tokenReply(origin, text, ctx.message.message_id))) return;
    if (await actions.mediaLinks(origin, text)) return;
    const route = routeText(text);
    if (route.kind === "export") return actions.exportVideo(origin);
    if (route.kind === "credits") return actions.credits(origin);
    if (route.kind === "status") return actions.timeline(origin);
    if (route.kind === "upload") return actions.say(origin, "uploadHelp");
    if (!text.trim()) return actions.say(origin, "mentionedWithoutText");
    await actions.instruction(origin, route.text, { wantsVideo: /\b(send|give) me the video\b/i.test(text) });
  });
  return composer;
}
