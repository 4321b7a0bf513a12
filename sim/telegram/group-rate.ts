/**
 * Telegram's flood limit for groups: about 20 messages a minute per group chat (platform-facts §5; edits
 * appear to count). A call over the limit is answered 429 with the seconds until a slot frees. Sliding
 * window, deterministic: the same calls at the same times get the same answers.
 */
export class GroupRate {
  private readonly sent = new Map<number, number[]>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Methods that put or change a message in the chat; chat actions, drafts and reactions do not count. */
  static counts(method: string): boolean {
    if (method === "sendChatAction" || method === "sendMessageDraft") return false;
    return method.startsWith("send") || method.startsWith("edit") || method === "copyMessage";
  }

  /** Records the call, or returns the seconds to wait when the chat is at its limit. */
  take(chatId: number, now: number): { retryAfterS: number } | undefined {
    // Private chats allow bursts; the per-minute limit is a group one.
    if (this.perWindow <= 0 || chatId > 0) return undefined;
    const recent = (this.sent.get(chatId) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.perWindow) {
      this.sent.set(chatId, recent);
      const oldest = recent[0] ?? now;
      return { retryAfterS: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.sent.set(chatId, recent);
    return undefined;
  }

  clear(): void {
    this.sent.clear();
  }
}
