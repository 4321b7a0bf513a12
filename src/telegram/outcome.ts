import type { Update } from "grammy/types";
import type { Bot, Context } from "grammy/web";

/**
 * How a middleware that ended an update before the chat's own handlers says what it did, for the chat's
 * per-update log line: refused by the allowlists, blocked by an admin (src/operator/gate.ts), or an
 * operator command (src/operator/commands.ts).
 */
export type UpdateOutcome = "refused" | "blocked" | "operator";

// Keyed by the update object itself: `bot.handleUpdate` hands it to the update's context unchanged, so
// the note cannot reach another update however many run at once.
const outcomes = new WeakMap<Update, UpdateOutcome>();

/** Records that this update ended here, and how. */
export function noteOutcome(ctx: Context, outcome: UpdateOutcome): void {
  outcomes.set(ctx.update, outcome);
}

/** Runs one update through the bot; how a middleware took it, or undefined when the chat's handlers did. */
export async function handleUpdate<C extends Context>(bot: Bot<C>, update: Update): Promise<UpdateOutcome | undefined> {
  await bot.handleUpdate(update);
  const outcome = outcomes.get(update);
  outcomes.delete(update);
  return outcome;
}
