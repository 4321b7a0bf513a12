import type { Api, RawApi } from "grammy/web";
import type { Config } from "../config";
import type { ChatSender } from "../telegram/sender";
import type { NemoSession } from "./session";
import type { Origin } from "./storage";

/** What the chat's long-running flows (media intake, renders) get from the chat's work (chat-work.ts). */
export type ChatFlowDeps = {
  config: Config;
  storage: DurableObjectStorage;
  session: NemoSession;
  now: () => number;
  newId: () => string;
  /** Asks the object to run its tick no later than this time (ms epoch). */
  requestWake: (atMs: number) => Promise<void>;
  runInBackground: (promise: Promise<unknown>) => void;
  senderFor: (origin: Origin) => ChatSender;
  api: () => Api<RawApi>;
};
