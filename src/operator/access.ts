import { KEYS } from "../chat/storage";
import type { Config } from "../config";

/**
 * Who may use the bot. With neither allowlist set, everyone; otherwise a chat on ALLOWED_CHAT_IDS or a
 * user on ALLOWED_USER_IDS. Admins are always allowed, so an operator cannot lock themselves out.
 */
export function isAllowed(
  config: Pick<Config, "ALLOWED_CHAT_IDS" | "ALLOWED_USER_IDS" | "ADMIN_USER_IDS">,
  chatId: number,
  userId: number | undefined,
): boolean {
  if (isAdmin(config, userId)) return true;
  if (config.ALLOWED_CHAT_IDS.length === 0 && config.ALLOWED_USER_IDS.length === 0) return true;
  if (config.ALLOWED_CHAT_IDS.includes(String(chatId))) return true;
  return userId !== undefined && config.ALLOWED_USER_IDS.includes(String(userId));
}

export function isAdmin(config: Pick<Config, "ADMIN_USER_IDS">, userId: number | undefined): boolean {
  return userId !== undefined && config.ADMIN_USER_IDS.includes(String(userId));
}

/** Storage keys of the access state, kept in the chat's own Durable Object. */
export const ACCESS_KEYS = {
  /** Set by an admin's /block. */
  blocked: KEYS.blocked,
  /** The one refusal was sent; later messages get nothing. */
  refused: KEYS.refused,
} as const;
