import { Composer } from "grammy/web";
import type { ChatActions } from "../actions";
import type { BotContext } from "../context";

/**
 * The chat's commands (the operator's are in src/operator/commands.ts). A matched command ends here, so
 * it never also reaches the text handler.
 */
export function chatCommands(actions: ChatActions): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("start", (ctx) => actions.start(ctx.origin));
  composer.command("help", (ctx) => actions.help(ctx.origin));
  composer.command(["credits", "balance"], (ctx) => actions.credits(ctx.origin));
  composer.command(["status", "timeline"], (ctx) => actions.timeline(ctx.origin));
  composer.command("export", (ctx) => actions.exportVideo(ctx.origin));
  composer.command("cancel", (ctx) => actions.cancel(ctx.origin));
  composer.command("new", (ctx) => actions.newProject(ctx.origin, false));
  composer.command("open", (ctx) => actions.openLink(ctx.origin));
  composer.command("token", (ctx) =>
    actions.token(ctx.origin, String(ctx.match ?? ""), ctx.msg.message_id, ctx.chat.type === "private"),
  );
  composer.command("language", (ctx) => {
    const arg = ctx.match.trim().toLowerCase();
    const choice = arg.startsWith("zh") || arg === "中文" ? "zh" : arg.startsWith("en") ? "en" : undefined;
    return actions.language(ctx.origin, choice);
  });
  return composer;
}
