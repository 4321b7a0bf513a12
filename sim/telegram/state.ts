import type { BotCommand, User, UserFromGetMe } from "@grammyjs/types";
import { ChatStore } from "./chats.js";
import { FileStore } from "./files.js";
import { GroupRate } from "./group-rate.js";
import { PollingQueue } from "./polling.js";
import type { Params, RecordedFile } from "./types.js";
import type { WebhookDelivery } from "./webhook.js";

/** Everything the fake Telegram knows; method handlers read and change it. */
export interface FakeState {
  token: string;
  botInfo: UserFromGetMe;
  /** The bot as it appears in `from` of its messages (no getMe-only fields). */
  botUser: User;
  limits: { downloadBytes: number; uploadBytes: number };
  files: FileStore;
  chats: ChatStore;
  /** Commands per `JSON(scope)|language_code`. */
  commands: Map<string, BotCommand[]>;
  /** Callback query ids delivered to the bot and not yet answered. */
  openCallbackQueries: Set<string>;
  blocked: Set<number>;
  /** Group members' statuses set by tests (`setChatMember`), keyed `chatId:userId`; others are "member". */
  members: Map<string, string>;
  /** Chats where setMessageReaction is refused. */
  reactionsRefused: Set<number>;
  /** The per-group message limit (429 when exceeded). */
  groupRate: GroupRate;
  polling: PollingQueue;
  webhook: WebhookDelivery;
}

/** What a method handler gets: the state, the request's params and files, and the request's abort signal. */
export interface MethodContext {
  state: FakeState;
  params: Params;
  files: RecordedFile[];
  signal: AbortSignal;
  /** Set by handlers whose real counterpart adds a description to a success ("Webhook was set"). */
  description?: string;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

export function createState(spec: {
  token: string;
  botInfo: UserFromGetMe;
  limits: FakeState["limits"];
  webhook: WebhookDelivery;
  groupRate?: { perWindow?: number; windowMs?: number };
}): FakeState {
  const files = new FileStore();
  return {
    token: spec.token,
    botInfo: spec.botInfo,
    botUser: {
      id: spec.botInfo.id,
      is_bot: true,
      first_name: spec.botInfo.first_name,
      username: spec.botInfo.username,
    },
    limits: spec.limits,
    files,
    chats: new ChatStore(files),
    commands: new Map(),
    openCallbackQueries: new Set(),
    blocked: new Set(),
    members: new Map(),
    reactionsRefused: new Set(),
    groupRate: new GroupRate(spec.groupRate?.perWindow ?? 20, spec.groupRate?.windowMs ?? 60_000),
    polling: new PollingQueue(),
    webhook: spec.webhook,
  };
}
