import { ChatDurableObject } from "../../../src/chat/chat-do";

/** Where this subclass keeps its quota clock's shift, so it survives an eviction like the chat does. */
const QUOTA_SHIFT_KEY = "test:quotaShiftMs";

/**
 * The chat's Durable Object with the hooks only tests use. It is bound under the production class name
 * in the end-to-end bundle (worker/entry.ts, built by build-worker.ts) and never reaches a deployed
 * Worker, whose bundle is built from src/index.ts.
 */
export class TestChatDurableObject extends ChatDurableObject {
  /** How far this chat's quota clock runs ahead of its real clock. */
  private quotaShiftMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.quotaShiftMs = (await ctx.storage.get<number>(QUOTA_SHIFT_KEY)) ?? 0;
    });
  }

  /** Runs the alarm handler now, beside the real alarm: tests use it to prove a doubled alarm is harmless. */
  async runAlarmNow(): Promise<void> {
    await this.alarm();
  }

  /** Shifts this chat's quota clock by `ms` (e.g. past UTC midnight) without waiting. */
  async operatorShiftClock(ms: number): Promise<void> {
    this.quotaShiftMs += ms;
    await this.ctx.storage.put(QUOTA_SHIFT_KEY, this.quotaShiftMs);
  }

  protected override quotaNow(): number {
    return super.quotaNow() + this.quotaShiftMs;
  }
}
