import { t } from "../../i18n";
import { isGenerationTool, mentionsTemporaryIssue, withoutTemporaryIssue } from "../../nemo/generation";
import { type GuiAction, translateAgentText } from "../../nemo/gui";
import type { AgentEvent } from "../../nemo/sse";
import { ChatUnreachableError, decoration } from "../../telegram/sender";
import { splitMessage } from "../../telegram/text";
import { rawClipUrl, rawDraftOf } from "./raw-clip";
import type { TurnRecord } from "./turn-record";
import type { TurnDeps } from "./types";

export type EventReader = {
  /** Shows one event of the stream in the chat and records what it tells about the turn. */
  read(event: AgentEvent): Promise<void>;
  /** The GUI actions the agent's texts asked for ("show_timeline", "export"…), in the order first asked. */
  actions(): GuiAction[];
};

/** Reads a turn's SSE events into the chat: stage changes, partial text, answers, errors, the raw clip. */
export function createEventReader(deps: TurnDeps, record: TurnRecord): EventReader {
  const { config, session, sender, progress } = deps;
  const lang = record.current.origin.lang;
  const texts = t(lang);
  const actions = new Set<GuiAction>();
  let stage = texts.working;
  /** A tool finished: a "temporary issue" remark after this is a trailing one and is dropped (§4.4). */
  let sawToolResult = false;

  /** Stage one of a generation is done: remember the draft (to name the extras added next), show the clip. */
  const generated = async (result: unknown) => {
    const state = await session
      .read(lang, (project) => project.client.state(project.record.sessionId))
      .catch(() => undefined);
    // Unread, the extras cannot be told from what was there before: then none are named.
    if (state) await record.save({ generated: rawDraftOf(state) ?? {} });
    const url = rawClipUrl(result, state);
    // A preview that cannot be sent must not cost the turn; a chat that blocked the bot still stops it.
    if (url && deps.previewClip) {
      await deps.previewClip(record.current.origin, url).catch((error: unknown) => {
        if (error instanceof ChatUnreachableError) throw error;
      });
    }
  };

  const answered = async (text: string) => {
    const turn = record.current;
    progress.textSent();
    // "I encountered a temporary issue" after normal output is noise, not an error (§4.4).
    const trailing = mentionsTemporaryIssue(text) && (turn.sawText || sawToolResult);
    const translated = translateAgentText(trailing ? "" : withoutTemporaryIssue(text));
    for (const action of translated.actions) actions.add(action);
    if (!translated.text.trim()) return;
    // In groups every answer quotes the message that asked, so members see whom it answers.
    const replyTo = turn.origin.messageId;
    for (const [index, chunk] of splitMessage(texts.agentText(translated.text)).entries()) {
      await sender.send(chunk, index === 0 && replyTo !== undefined ? { replyTo } : {});
    }
    if (!turn.sawText) await record.save({ sawText: true });
  };

  return {
    actions: () => [...actions],
    async read(event) {
      if (event.kind === "tool_call") {
        const next = texts.stageForTool(event.name);
        if (next !== stage) {
          stage = next;
          await progress.stage(stage);
        }
        await decoration(config, "chat_action", () =>
          sender.action(/video|seedance/i.test(event.name) ? "upload_video" : "typing"),
        );
      } else if (event.kind === "tool_result") {
        sawToolResult = true;
        if (isGenerationTool(event.name)) await generated(event.result);
      } else if (event.kind === "partial") {
        await progress.partial(event.text);
      } else if (event.kind === "text") {
        await answered(event.text);
      } else if (event.kind === "error") {
        await sender.send(texts.backendError, { replyTo: record.current.origin.messageId });
        if (!record.current.sawText) await record.save({ sawText: true });
      }
    },
  };
}
