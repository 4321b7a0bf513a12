import type { Api, RawApi } from "grammy/web";

/** How long one getChatMember answer is trusted: a demoted admin loses their powers within a minute. */
const CACHE_MS = 60_000;
/** Entries kept per isolate; the oldest go first (a Map keeps insertion order). */
const CACHE_LIMIT = 500;

const cache = new Map<string, { admin: boolean; at: number }>();

/**
 * Whether a user is an administrator (or the creator) of a group, from `getChatMember`, cached briefly
 * per isolate so a burst of commands costs one call. Private chats have no admins to ask: the person in
 * them owns the chat. A failed lookup answers "no": refusing a group-wide change is the safe side.
 */
export async function isChatAdmin(api: Api<RawApi>, chatId: number, userId: number, now: number): Promise<boolean> {
  if (chatId === userId) return true;
  const key = `${chatId}:${userId}`;
  const cached = cache.get(key);
  if (cached && now - cached.at < CACHE_MS) return cached.admin;
  let admin: boolean;
  try {
    const member = await api.getChatMember(chatId, userId);
    admin = member.status === "creator" || member.status === "administrator";
  } catch {
    return false;
  }
  cache.delete(key);
  cache.set(key, { admin, at: now });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return admin;
}
