import { ApiError, defaultDescription } from "./errors.js";
import type { Faults } from "./faults.js";
import { GroupRate } from "./group-rate.js";
import { botMethods } from "./methods/bot.js";
import { mediaMethods } from "./methods/media.js";
import { memberMethods } from "./methods/members.js";
import { messageMethods } from "./methods/messages.js";
import { progressMethods } from "./methods/progress.js";
import { updateMethods } from "./methods/updates.js";
import { sleep } from "./sleep.js";
import type { FakeState, MethodHandler } from "./state.js";
import type { ApiResponse, Params, RecordedFile } from "./types.js";

const HANDLERS: Record<string, MethodHandler> = {
  ...botMethods,
  ...messageMethods,
  ...mediaMethods,
  ...updateMethods,
  ...memberMethods,
  ...progressMethods,
};
/** Telegram method names are case-insensitive; calls are recorded under the canonical spelling. */
const CANONICAL = new Map(Object.keys(HANDLERS).map((name) => [name.toLowerCase(), name]));

export interface ApiCall {
  method: string;
  token: string;
  params: Params;
  files: RecordedFile[];
  signal: AbortSignal;
}

export interface ApiOutcome {
  /** Canonical method name, or the name as called when unknown. */
  method: string;
  status: number;
  response: ApiResponse;
  /** The connection must be destroyed instead of answered (an armed `reset` fault). */
  reset: boolean;
}

/** Runs one Bot API call against the state: token check, armed faults, blocked chats, then the method. */
export async function executeCall(state: FakeState, faults: Faults, call: ApiCall): Promise<ApiOutcome> {
  const method = CANONICAL.get(call.method.toLowerCase()) ?? call.method;
  const answer = (error: ApiError, reset = false): ApiOutcome => ({
    method,
    status: error.code,
    response: error.toResponse(),
    reset,
  });
  if (call.token !== state.token) return answer(new ApiError(401, "Unauthorized"));
  const handler = HANDLERS[method];
  if (!handler) return answer(new ApiError(404, "Not Found"));

  const fault = faults.take(method);
  if (fault?.delayMs) await sleep(fault.delayMs, call.signal);
  if (fault?.status !== undefined) {
    const retryAfter = fault.retryAfter ?? (fault.status === 429 ? 1 : undefined);
    const error = new ApiError(
      fault.status,
      fault.description ?? defaultDescription(fault.status, retryAfter),
      retryAfter,
    );
    return answer(error, fault.reset ?? false);
  }

  try {
    // "@channelname" chat ids are never blocked by a user; only numeric ids are checked here.
    const rawChatId = call.params.chat_id;
    const chatId =
      typeof rawChatId === "number" || (typeof rawChatId === "string" && /^-?\d+$/.test(rawChatId))
        ? Number(rawChatId)
        : undefined;
    if (chatId !== undefined && state.blocked.has(chatId)) {
      // Telegram's wording: a user blocks the bot; a group removes it.
      throw new ApiError(
        403,
        chatId > 0 ? "Forbidden: bot was blocked by the user" : "Forbidden: bot was kicked from the group chat",
      );
    }
    const limited =
      chatId !== undefined && GroupRate.counts(method) ? state.groupRate.take(chatId, Date.now()) : undefined;
    if (limited) {
      throw new ApiError(429, `Too Many Requests: retry after ${limited.retryAfterS}`, limited.retryAfterS);
    }
    const context = {
      state,
      params: call.params,
      files: call.files,
      signal: call.signal,
      description: undefined as string | undefined,
    };
    const result = await handler(context);
    const response: ApiResponse = {
      ok: true,
      result,
      ...(context.description ? { description: context.description } : {}),
    };
    return { method, status: 200, response, reset: fault?.reset ?? false };
  } catch (error) {
    if (error instanceof ApiError) return answer(error);
    console.error(`[telegram-fake] ${method} crashed:`, error);
    return answer(new ApiError(500, "Internal Server Error"));
  }
}
