import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update, UserFromGetMe } from "@grammyjs/types";
import { Flaky } from "../flaky/index.js";
import { executeCall } from "./api.js";
import { readRequest } from "./body.js";
import { CallLog } from "./call-log.js";
import { serveDownload } from "./download.js";
import { ApiError } from "./errors.js";
import { Faults } from "./faults.js";
import { addedFile } from "./files.js";
import { sleep } from "./sleep.js";
import { createState } from "./state.js";
import type { ApiResponse, FileDownload, Params, RecordedFile, TelegramFake, TelegramFakeOptions } from "./types.js";
import { isAllowed, updateChat, updateMessage } from "./update-kind.js";
import { createUpdateBuilders } from "./updates.js";
import { WebhookDelivery } from "./webhook.js";

export const DEFAULT_TOKEN = "123456:TEST-fake-bot-token-abcdefghijklmnopq";
const MB = 1024 * 1024;

function makeBotInfo(token: string, bot: TelegramFakeOptions["bot"]): UserFromGetMe {
  const idFromToken = Number(token.split(":")[0]);
  return {
    id: bot?.id ?? (Number.isSafeInteger(idFromToken) && idFromToken > 0 ? idFromToken : 123456),
    is_bot: true,
    first_name: bot?.first_name ?? "Nemo",
    username: bot?.username ?? "nemo_test_bot",
    can_join_groups: true,
    // Privacy mode is on by default (BotFather); group tests rely on mentions and replies.
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** Starts the Telegram Bot API fake on 127.0.0.1; it also plays Telegram towards the bot's webhook. */
export async function startTelegramFake(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo = makeBotInfo(token, options.bot);
  const faults = new Faults();
  const flaky = new Flaky(options.flaky);
  const log = new CallLog();
  const fileDownloads: FileDownload[] = [];
  const closing = new AbortController();
  // Every delayed answer waits on it; more than ten at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  const webhook = new WebhookDelivery(
    { maxAttempts: options.redelivery?.maxAttempts ?? 5, delayMs: options.redelivery?.delayMs ?? 200 },
    async ({ method, ...params }) => {
      await runCall(
        { method: String(method), token, params: params as Params, files: [], signal: closing.signal },
        Date.now(),
      );
    },
  );
  const state = createState({
    token,
    botInfo,
    limits: { downloadBytes: options.downloadLimitBytes ?? 20 * MB, uploadBytes: options.uploadLimitBytes ?? 50 * MB },
    webhook,
    groupRate: options.groupRate,
  });
  const initialWebhook = () => {
    webhook.config = options.webhook
      ? { url: options.webhook.url, secret: options.webhook.secret, allowedUpdates: [], maxConnections: 40 }
      : undefined;
    webhook.lastErrorDate = webhook.lastErrorMessage = undefined;
  };
  initialWebhook();
  let nextUpdateId = 528_000_001;

  async function runCall(
    call: { method: string; token: string; params: Params; files: RecordedFile[]; signal: AbortSignal },
    at: number,
    cut?: "lostAnswer",
  ) {
    const outcome = await executeCall(state, faults, call);
    log.push({
      ...(cut ? { flaky: cut } : {}),
      method: outcome.method,
      params: call.params,
      files: call.files,
      token: call.token,
      status: outcome.reset ? 0 : outcome.status,
      response: outcome.response,
      at,
    });
    return outcome;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, callToken: string, method: string, url: URL) {
    const at = Date.now();
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const signal = AbortSignal.any([controller.signal, closing.signal]);
    let outcome: { status: number; response: ApiResponse; reset: boolean };
    // A flaky connection (issue 16): cut before the call runs, after a stall, or after it ran unseen.
    const cut = flaky.draw(["reset", "stall", "lostAnswer"]);
    if (cut === "reset" || cut === "stall") {
      if (cut === "stall") await sleep(flaky.stallMs, signal).catch(() => {});
      const response = flakyResponse(cut);
      log.push({ method, params: {}, files: [], token: callToken, status: 0, response, at, flaky: cut });
      req.socket.destroy();
      return;
    }
    try {
      const { params, files } = await readRequest(req, url, state.limits.uploadBytes);
      outcome = await runCall(
        { method, token: callToken, params, files, signal },
        at,
        cut === "lostAnswer" ? cut : undefined,
      );
    } catch (error) {
      // Body-level failures (413, bad JSON) happen before a method runs; they are recorded all the same.
      const apiError = error instanceof ApiError ? error : new ApiError(400, `Bad Request: ${String(error)}`);
      outcome = { status: apiError.code, response: apiError.toResponse(), reset: false };
      log.push({
        method,
        params: {},
        files: [],
        token: callToken,
        status: apiError.code,
        response: outcome.response,
        at,
      });
    }
    if (outcome.reset || cut === "lostAnswer") {
      req.socket.destroy();
      return;
    }
    const retryAfter = outcome.response.ok ? undefined : outcome.response.parameters?.retry_after;
    res.writeHead(outcome.status, {
      "content-type": "application/json",
      ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
    });
    res.end(JSON.stringify(outcome.response));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    const api = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    const cut = file ? (flaky.draw(["reset", "stall"]) as "reset" | "stall" | undefined) : undefined;
    const work = cut
      ? cutDownload(req, res, cut, flaky.stallMs, closing.signal)
      : file
        ? serveDownload(
            state,
            faults,
            decodeURIComponent(file[1] as string),
            decodeURIComponent(file[2] as string),
            res,
            fileDownloads,
          )
        : api
          ? handleApi(req, res, decodeURIComponent(api[1] as string), api[2] as string, url)
          : Promise.resolve(notFound(res));
    work.catch((error: unknown) => {
      console.error("[telegram-fake] request failed:", error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Makes the fake aware of an update's chat and message, and gives it an update_id. */
  function ingest(partial: Partial<Update>): Update {
    const update_id = partial.update_id ?? nextUpdateId;
    nextUpdateId = Math.max(nextUpdateId, update_id + 1);
    const update = { ...partial, update_id } as Update;
    const chat = updateChat(update);
    if (chat) state.chats.observe(chat);
    const message = updateMessage(update);
    if (message) state.chats.record(message, false, Boolean(update.edited_message ?? update.edited_channel_post));
    if (update.callback_query) state.openCallbackQueries.add(update.callback_query.id);
    const member = update.my_chat_member;
    if (member) {
      // A private "kicked" is the user blocking the bot; in a group "kicked" or "left" removes the bot. Sends
      // then fail with 403 until the user unblocks it or the group adds it again.
      const status = member.new_chat_member.status;
      const gone = status === "kicked" || (member.chat.type !== "private" && status === "left");
      if (gone) state.blocked.add(member.chat.id);
      else if (status === "member" || status === "administrator" || member.chat.type === "private") {
        state.blocked.delete(member.chat.id);
      }
    }
    return update;
  }

  async function deliver(partial: Partial<Update>) {
    const update = ingest(partial);
    const config = webhook.config;
    if (!config) throw new Error("deliver(): no webhook is set; pass options.webhook or call setWebhook first");
    if (!isAllowed(update, config.allowedUpdates)) return { update_id: update.update_id, status: 0, attempts: 0 };
    return webhook.deliver(update);
  }

  const fake: TelegramFake = {
    apiRoot,
    token,
    botInfo,
    calls: log.calls,
    callsTo: (method) => log.callsTo(method),
    waitFor: (predicate, waitOptions) => log.waitFor(predicate, waitOptions?.timeoutMs),
    chat: (chatId) => state.chats.view(chatId),
    deliver,
    async deliverAlbum(updates, albumOptions = {}) {
      const groupId = updates.map((update) => updateMessage(update)?.media_group_id).find(Boolean) ?? `${Date.now()}`;
      const items = updates.map((update) => {
        const message = updateMessage(update);
        return message && !message.media_group_id
          ? { ...update, message: { ...message, media_group_id: groupId } }
          : update;
      }) as Partial<Update>[];
      if (albumOptions.shuffle) shuffle(items);
      // All POSTs are queued at once: a burst, serialised per chat by the delivery queue like Telegram does.
      await Promise.all(items.map((update) => deliver(update)));
    },
    queueForPolling(update) {
      state.polling.push(ingest(update));
    },
    ingest,
    addFile: (input) => addedFile(state.files.add(input)),
    fileDownloads,
    fault: (method, spec) => faults.add(method, spec),
    setFlaky: (flakyOptions) => flaky.set(flakyOptions),
    flakyCounts: () => ({ ...flaky.counts }),
    blockBy: (chatId) => {
      state.blocked.add(chatId);
    },
    setChatMember: (chatId, userId, status) => {
      state.members.set(`${chatId}:${userId}`, status);
    },
    setChatAdmins: (chatId, userIds) => {
      for (const userId of userIds) state.members.set(`${chatId}:${userId}`, "administrator");
    },
    refuseReactions: (chatId) => {
      state.reactionsRefused.add(chatId);
    },
    updates: createUpdateBuilders({
      bot: { id: botInfo.id, username: botInfo.username, first_name: botInfo.first_name },
      nextUpdateId: () => nextUpdateId++,
      nextMessageId: (chatId) => state.chats.allocateId(chatId),
      findMessage: (chatId, messageId) => state.chats.get(chatId, messageId)?.message,
      createFile: ({ size, mimeType, seed }) => state.files.add({ size, mimeType, seed }),
      fileInfo: (fileId) => state.files.get(fileId),
    }),
    reset() {
      log.clear();
      faults.clear();
      state.chats.clear();
      state.files.clear();
      state.commands.clear();
      state.openCallbackQueries.clear();
      state.blocked.clear();
      state.members.clear();
      state.reactionsRefused.clear();
      state.groupRate.clear();
      state.polling.clear();
      fileDownloads.length = 0;
      initialWebhook();
    },
    async close() {
      closing.abort();
      webhook.close();
      state.polling.wakeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** What the call log shows for a call a flaky connection cut before it ran (the bot saw no answer). */
function flakyResponse(cut: "reset" | "stall"): ApiResponse {
  return { ok: false, error_code: 0, description: `flaky connection: ${cut}` };
}

/** A file download a flaky connection cut: closed at once, or after hanging for `stallMs`. */
async function cutDownload(
  req: IncomingMessage,
  res: ServerResponse,
  cut: "reset" | "stall",
  stallMs: number,
  closing: AbortSignal,
): Promise<void> {
  if (cut === "stall") await sleep(stallMs, closing).catch(() => {});
  if (!res.headersSent) req.socket.destroy();
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
