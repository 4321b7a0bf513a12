import type { ChatMember } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { requireInt } from "../params.js";
import type { MethodHandler } from "../state.js";
import { targetChat } from "./common.js";

/** A member's status as Telegram reports it; the fake's default for anyone not set is "member". */
export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

/**
 * getChatMember: the status set by the test (`setChatMember`), else "member" — in a private chat the user
 * is always a plain member. Unknown chats are refused like every other method; user ids must be valid.
 */
const getChatMember: MethodHandler = ({ state, params }) => {
  const chat = targetChat(state, params);
  const userId = requireInt(params, "user_id");
  if (userId <= 0) throw badRequest("PARTICIPANT_ID_INVALID");
  const status: MemberStatus =
    chat.type === "private"
      ? "member"
      : ((state.members.get(`${chat.id}:${userId}`) as MemberStatus | undefined) ?? "member");
  const user = { id: userId, is_bot: false, first_name: `User ${userId}` };
  const member =
    status === "administrator"
      ? { status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true }
      : status === "creator"
        ? { status, user, is_anonymous: false }
        : status === "kicked" || status === "restricted"
          ? { status, user, until_date: 0 }
          : { status, user };
  return member as unknown as ChatMember;
};

export const memberMethods: Record<string, MethodHandler> = { getChatMember };
