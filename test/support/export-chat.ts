import type { Draft } from "../../sim/nemo/types";
import type { RecordedCall } from "../../sim/telegram/types";
import type { Stack } from "./stack";

/**
 * Helpers for the export tests: a private chat (its own user id, so its own Durable Object and project)
 * whose project holds an exportable draft put there by a scripted agent turn, and readers for what the
 * bot did in that chat.
 */

let nextUserId = 7_600_000_000;

/** A short draft: one video clip, and a title track when `title` is given. */
export function draftWith(title: string | undefined, options: { durationMs?: number } = {}): Draft {
  const durationMs = options.durationMs ?? 6_000;
  return {
    t: [
      {
        tt: 0,
        m: { name: "Video" },
        sg: [{ id: "seg_video_1", st: 0, d: durationMs, m: { name: "beach.mp4", src: "upload://abc/beach.mp4" } }],
      },
      ...(title
        ? [
            {
              tt: 7,
              m: { name: "Title" },
              sg: [{ id: "seg_title_1", st: 0, d: 3_000, m: { name: "Title", text: title, size: 48 } }],
            },
          ]
        : []),
    ],
    d: durationMs,
    // What NemoVideo puts there: the task name the bot created the project with, not a title.
    m: { title: "project", width: 1080, height: 1920 },
  };
}

export type ExportChat = {
  chatId: number;
  userId: number;
  from: { id: number; language_code: string };
  sessionId: string;
  /** The message that carries the Export button after the turn. */
  exportButtonMessageId: number;
  /** Sends a text from the user; returns the update's message id. */
  say(text: string): Promise<number>;
  /** Runs one more scripted turn that leaves `draft` in the project (an edit). */
  edit(draft: Draft): Promise<void>;
  calls(method?: string): RecordedCall[];
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  renderIds(): string[];
};

export const textOf = (call: RecordedCall) => String(call.params.text ?? call.params.caption ?? "");

/** A chat whose project is exportable (the agent turn ended with the Export button). */
export async function exportableChat(
  stack: Stack,
  options: { title?: string; languageCode?: string; draft?: Draft } = {},
): Promise<ExportChat> {
  const { telegram, nemo } = stack;
  const userId = nextUserId++;
  const from = { id: userId, language_code: options.languageCode ?? "en" };
  const chatCalls = (method?: string) =>
    telegram.calls.filter((call) => call.params.chat_id === userId && (!method || call.method === method));
  const waitFor = (predicate: (call: RecordedCall) => boolean, timeoutMs = 15_000) =>
    telegram.waitFor((call) => call.params.chat_id === userId && predicate(call), { timeoutMs });
  const exportButtons = () =>
    chatCalls("sendMessage").filter((call) => JSON.stringify(call.params.reply_markup ?? {}).includes("x:export"));

  const runTurn = async (draft: Draft) => {
    const before = exportButtons().length;
    nemo.scriptTurn({
      events: [{ event: { type: "text", content: "I tidied up the edit." } }],
      draftAfter: draft,
      creditsCost: 2,
    });
    await telegram.deliver(telegram.updates.privateText("tidy up the edit please", { from }));
    await waitFor(() => exportButtons().length > before);
  };

  await runTurn(options.draft ?? draftWith(options.title ?? "Summer Trip"));
  const run = nemo.requests.findLast((request) => request.endpoint === "run_sse");
  const sessionId = String((run?.bodySummary as { session_id?: string } | undefined)?.session_id ?? "");
  const button = exportButtons().at(-1);
  const result = button?.response.ok ? (button.response.result as { message_id: number }) : undefined;
  return {
    chatId: userId,
    userId,
    from,
    sessionId,
    exportButtonMessageId: result?.message_id ?? 0,
    async say(text) {
      const update = telegram.updates.privateText(text, { from });
      await telegram.deliver(update);
      return update.message?.message_id ?? 0;
    },
    edit: runTurn,
    calls: chatCalls,
    waitFor,
    renderIds: () =>
      nemo.requests
        .filter(
          (request) =>
            request.endpoint === "render-submit" &&
            request.status === 200 &&
            (request.bodySummary as { sessionId?: string }).sessionId === sessionId,
        )
        .map((request) => String((request.bodySummary as { id?: string }).id)),
  };
}

/** Status polls NemoVideo answered for one render. */
export function statusPolls(stack: Stack, renderId: string) {
  return stack.nemo.requests.filter(
    (request) => request.endpoint === "render-status" && request.path.endsWith(`/${encodeURIComponent(renderId)}`),
  );
}
