import type { Context } from "grammy/web";
import type { Origin } from "../chat/storage";

/** Set once per update by the origin middleware (src/telegram/middleware/origin.ts). */
export type OriginFlavor = { origin: Origin };

/** The context of the chat's bot: handlers installed after the origin middleware read `ctx.origin`. */
export type BotContext = Context & OriginFlavor;
