import type { Api, RawApi } from "grammy/web";
import type { Config } from "../../config";
import type { Extra } from "../../nemo/generation";
import type { GuiAction } from "../../nemo/gui";
import type { QuotaHooks } from "../../operator/quota-hooks";
import type { ChatSender } from "../../telegram/sender";
import type { MediaFlow } from "../media";
import type { ChatProgress, TurnProgress } from "../progress";
import type { RenderFlow } from "../renders";
import type { NemoSession } from "../session";
import type { ActiveTurn, DraftRead, Origin } from "../storage";
import type { TurnEndings } from "./endings";
import type { RawClipPreview } from "./raw-clip";
import type { TurnStore } from "./store";

/** What a claimed turn's life (stream, recovery, rechecks) needs from the chat (chat-work.ts builds it). */
export type TurnLifecycleDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  requestWake: (atMs: number) => Promise<void>;
  senderFor: (origin: Origin) => ChatSender;
  turns: TurnStore;
  endings: TurnEndings;
  /** Telegram refused a send: the chat stops all its work. */
  markUnreachable: () => Promise<void>;
  log: (where: string, error: unknown) => void;
  /** The chat's Bot API, for the raw clip preview of a generation (issue 14). */
  api: Api<RawApi>;
  /** Reactions and drafts (issue 18). */
  progress: ChatProgress;
  /** Messages the chat may still send in the current minute (groups); decoration yields to answers. */
  messageRoom: () => number;
};

/** What the agent queue needs from the chat: the lifecycle's needs (it builds the turn store itself) and more. */
export type TurnQueueDeps = Omit<TurnLifecycleDeps, "turns"> & {
  newId: () => string;
  runInBackground: (promise: Promise<unknown>) => void;
  /** The operator's daily limits (src/operator); absent = none. */
  quotas?: QuotaHooks;
  /** A render in progress or media still settling holds the queue. */
  renders: Pick<RenderFlow, "isActive">;
  media: Pick<MediaFlow, "isActive">;
};

/** What one agent turn over /run_sse needs (runner.ts and the parts it hands the turn to). */
export type TurnDeps = {
  config: Config;
  session: NemoSession;
  sender: ChatSender;
  now: () => number;
  /** Persists the turn's progress so an evicted object can resume from it. */
  persist: (turn: ActiveTurn) => Promise<void>;
  /** What the turn shows while it runs: status with its Stop button, drafts, throttled edits. */
  progress: TurnProgress;
  signal?: AbortSignal;
  /** Sends a generation's raw clip into the chat as soon as it exists (issue 14). */
  previewClip?: RawClipPreview;
};

/** How a turn ended, for the Durable Object to decide what comes next. */
export type TurnOutcome =
  /** `exportable` is undefined when the state could not be read after the turn: unknown, not "no". */
  | {
      kind: "done";
      actions: GuiAction[];
      exportable: boolean | undefined;
      extras?: Extra[];
      /** The draft the turn left, as read at its end: an automatic export renders it without reading again. */
      after?: DraftRead;
    }
  | { kind: "recover" }
  | { kind: "stopped" };
