/** Everything the chat sends: guarded, paced senders, the outbox of answers Telegram did not take, and whether the chat can be written to at all. */
export { createLatestMessage, type LatestMessage } from "./latest-message";
export type { Outbox } from "./outbox";
export { createReachability, type Reachability, showsReachable } from "./reachability";
export { type ChatSenders, createChatSenders } from "./senders";
