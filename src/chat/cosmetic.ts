import type { Config } from "../config";
import { logEvent } from "../log";

/**
 * Runs a call that only decorates the chat (a reaction, a draft, a status edit): its failure, whatever
 * the cause, is logged and skipped, never the work's failure. Answers the error, or undefined when the
 * call went through.
 */
export async function cosmetic(config: Config, what: string, call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    logEvent(config, "warn", {
      event: "cosmetic_failed",
      what,
      error: error instanceof Error ? error.name : typeof error,
    });
    return error ?? new Error("cosmetic call failed");
  }
}
