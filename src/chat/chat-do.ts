import { DurableObject } from "cloudflare:workers";

/** One per chat: owns everything the chat does. Grown in the Chat Durable Object issue. */
export class ChatDurableObject extends DurableObject<Env> {
  async accept(update: Record<string, unknown>): Promise<{ duplicate: boolean }> {
    void update;
    return { duplicate: false };
  }
}
