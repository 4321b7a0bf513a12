import type { UserFromGetMe } from "grammy/types";
import { Api } from "grammy/web";
import type { Config } from "../../config";
import { retryAnswer } from "../../telegram/retry-policy";
import { chatStorage } from "../storage";

let isolateCache: UserFromGetMe | undefined;

/**
 * The bot's getMe: from BOT_INFO when the operator set it, else asked once and kept (in the isolate and in
 * the chat's storage), so grammY does not call getMe on every update.
 */
export async function resolveBotInfo(config: Config, storage: DurableObjectStorage): Promise<UserFromGetMe> {
  if (config.BOT_INFO) return config.BOT_INFO as unknown as UserFromGetMe;
  if (isolateCache) return isolateCache;
  const stored = (await chatStorage(storage).get("botInfo")) as UserFromGetMe | undefined;
  if (stored) {
    isolateCache = stored;
    return stored;
  }
  // getMe changes nothing: a lost answer is simply asked again (issue 16), or every update would fail.
  const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  const policy = { delaysMs: config.ANSWER_RETRY_DELAYS_MS, sleep: (ms: number) => scheduler.wait(ms) };
  const me = await retryAnswer(policy, () => api.getMe());
  isolateCache = me;
  await chatStorage(storage).put({ botInfo: { ...me } });
  return me;
}
