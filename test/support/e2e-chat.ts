import type { RecordedCall } from "../../sim/telegram/types";
import { type Stack, WEBHOOK_SECRET } from "./stack";

/**
 * Helpers for end-to-end chat tests: one private chat per test (its own user id, so chats and their
 * Durable Objects never share state), the session the bot created for it, and what reached each fake.
 */
export type TestChat = {
  chatId: number;
  sessionId: string;
  /** Delivers a text message from the user through the fake (which waits for the webhook's 200). */
  say(text: string): Promise<number>;
  /** The bot's messages as the user sees them now (edits applied, deleted ones gone). */
  botTexts(): string[];
  /** Calls the bot made to Telegram for this chat, in order. */
  calls(method?: string): RecordedCall[];
  /** Waits for a call to this chat whose text (or caption) matches. */
  waitForText(pattern: RegExp, options?: { method?: string; timeoutMs?: number }): Promise<RecordedCall>;
  /**
   * /run_sse requests since this chat was opened, in arrival order. Tests open one chat at a time, and a
   * request answered by a fault is recorded without its body, so time (not the session id) tells them apart.
   */
  runs(): { text: string; at: number; status: number }[];
  token(): string;
};

let nextUserId = 7_100_000_000;

/** Opens a private chat with /start and waits until the bot greets (token and session exist). */
export async function openChat(stack: Stack, options: { languageCode?: string } = {}): Promise<TestChat> {
  const { telegram, nemo } = stack;
  const userId = nextUserId++;
  const from = { id: userId, language_code: options.languageCode ?? "en" };
  const before = new Set(nemo.sessions());
  const openedAt = Date.now();
  await telegram.deliver(telegram.updates.command("start", { from } as never));
  await telegram.waitFor(
    (call) =>
      call.params.chat_id === userId && call.method === "editMessageText" && /Try saying|试试/.test(textOf(call)),
    { timeoutMs: 10_000 },
  );
  const sessionId = nemo.sessions().find((id) => !before.has(id)) ?? "";
  const chat: TestChat = {
    chatId: userId,
    sessionId,
    async say(text) {
      const update = telegram.updates.privateText(text, { from });
      await telegram.deliver(update);
      return update.update_id;
    },
    botTexts: () =>
      telegram
        .chat(userId)
        .messages.filter((message) => message.from_bot)
        .map((message) => message.text ?? message.caption ?? ""),
    calls: (method) =>
      telegram.calls.filter((call) => call.params.chat_id === userId && (!method || call.method === method)),
    waitForText: (pattern, opts = {}) =>
      telegram.waitFor(
        (call) =>
          call.params.chat_id === userId &&
          call.response.ok &&
          (opts.method ? call.method === opts.method : true) &&
          pattern.test(textOf(call)),
        { timeoutMs: opts.timeoutMs ?? 10_000 },
      ),
    runs: () =>
      nemo.requests
        .filter((request) => request.endpoint === "run_sse" && request.at >= openedAt)
        .map((request) => ({ text: messageTextOf(request.bodySummary), at: request.at, status: request.status })),
    token: () => {
      // The chat's latest authorised request (tests open one chat at a time).
      const request = nemo.requests.findLast((r) => r.at >= openedAt && r.headers.authorization);
      if (!request) throw new Error("no authorised request of this chat yet: ask for /status first");
      return (request.headers.authorization ?? "").replace(/^Bearer /, "");
    },
  };
  return chat;
}

/** POSTs an update straight to the Worker's webhook, as Telegram does on a redelivery. */
export async function postUpdate(stack: Stack, update: unknown): Promise<number> {
  const response = await fetch(`${stack.url}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

export function textOf(call: RecordedCall): string {
  const value = call.params.text ?? call.params.caption;
  return typeof value === "string" ? value : "";
}

/** The inline buttons of a call, flattened. */
export function buttonsOf(call: RecordedCall): { text: string; callback_data?: string; url?: string }[] {
  const markup = call.params.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat();
}

function messageTextOf(body: unknown): string {
  const parts = (body as { new_message?: { parts?: { text?: string }[] } } | undefined)?.new_message?.parts;
  return parts?.[0]?.text ?? "";
}

/** Waits until `check` holds, polling; for conditions on the fakes' records rather than one call. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A draft with a 15 s clip and, optionally, a title: what a finished generation leaves behind. */
export function draftWithTitle(title?: { text: string; st: number; d: number }) {
  return {
    d: 15_000,
    m: { title: "Test", width: 1080, height: 1920 },
    t: [
      { tt: 0, sg: [{ id: "seg_video", st: 0, d: 15_000, m: { name: "clip.mp4" } }] },
      ...(title ? [{ tt: 7, sg: [{ id: "seg_title", st: title.st, d: title.d, m: { text: title.text } }] }] : []),
    ],
  };
}
