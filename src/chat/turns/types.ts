import type { Api, RawApi } from "grammy/web";
import type { Config } from "../../config";
import type { QuotaHooks } from "../../operator/quota-hooks";
import type { ChatSender } from "../../telegram/sender";
import type { MediaFlow } from "../media";
import type { ChatProgress } from "../progress";
import type { RenderFlow } from "../renders";
import type { NemoSession } from "../session";
import type { Origin } from "../storage";
import type { TurnEndings } from "./endings";
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
