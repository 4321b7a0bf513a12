/** The Durable Object's own machinery: the durable inbox of updates, the one alarm, the bot's identity. */
export { resolveBotInfo } from "./bot-info";
export { createInbox, type Inbox } from "./inbox";
export { createWakeSchedule, type WakeSchedule } from "./wake";
