import type { Api, RawApi } from "grammy/web";

/** How long a member's status is trusted before Telegram is asked again (promotions are rare). */
const CACHE_MS = 60_000;
const cache = new Map<string, { admin: boolean; until: number }>();

/**
 * Whether a user administers a group (creator or administrator), by getChatMember, cached briefly per
 * isolate. A failed look-up answers false: a power that cannot be confirmed is not granted.
 */
export async function isChatAdmin(api: Api<RawApi>, chatId: number, userId: number, now: number): Promise<boolean> {
  const key = `${chatId}:${userId}`;
  const cached = cache.get(key);
  if (cached && cached.until > now) return cached.admin;
  try {
    const member = await api.getChatMember(chatId, userId);
    const admin = member.status === "creator" || member.status === "administrator";
    cache.set(key, { admin, until: now + CACHE_MS });
    return admin;
  } catch {
    return false;
  }
}
