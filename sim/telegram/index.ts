/** The Telegram Bot API fake: a local Bot API server that also plays Telegram towards the bot's webhook. */
export { DEFAULT_TOKEN, startTelegramFake } from "./server.js";
export type * from "./types.js";
export * from "./updates.js";
