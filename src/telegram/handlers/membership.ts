import type { ChatMemberUpdated } from "grammy/types";
import { Composer, type MiddlewareFn } from "grammy/web";
import type { ChatActions } from "../actions";
import type { BotContext } from "../context";

const removed = (change: ChatMemberUpdated) =>
  change.new_chat_member.status === "kicked" || change.new_chat_member.status === "left";

/** Arrived, not promoted: a member or admin now, out of the chat before. */
const arrived = (change: ChatMemberUpdated) =>
  (change.new_chat_member.status === "member" || change.new_chat_member.status === "administrator") &&
  (change.old_chat_member.status === "left" || change.old_chat_member.status === "kicked");

const isGroup = (change: ChatMemberUpdated) => change.chat.type === "group" || change.chat.type === "supergroup";

/**
 * The bot's own membership (my_chat_member), which ends here. Removed, blocked or left: all work for
 * the chat stops. Added to a group: one greeting, the only case that needs `ctx.origin` (the others never
 * read the chat's record). Unblocked in a private chat, or added to a channel: reachable again, nobody to
 * greet. A promotion or a permission change has nothing to say.
 */
export function membership(actions: ChatActions, withOrigin: MiddlewareFn<BotContext>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const member = composer.on("my_chat_member");
  member.filter(
    (ctx) => removed(ctx.myChatMember),
    () => actions.removedFromChat(),
  );
  member.filter(
    (ctx) => arrived(ctx.myChatMember) && isGroup(ctx.myChatMember),
    withOrigin,
    (ctx) => actions.addedToGroup(ctx.origin, ctx.me.username),
  );
  member.filter(
    (ctx) => arrived(ctx.myChatMember),
    () => actions.reachableAgain(),
  );
  // A promotion or a permission change: nothing to say, and nothing further down the bot is for it.
  member.use(() => undefined);
  return composer;
}
