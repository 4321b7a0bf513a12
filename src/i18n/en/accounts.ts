import { escapeHtml } from "../../telegram/text";
import { link, num } from "../format";
import type { AccountTexts } from "../types";

/** English: accounts and tokens (issue 17), export refusals (14.4). */
export const accounts: AccountTexts = {
  freeAccountsExhausted: [
    "🚧 NemoVideo isn't handing out free accounts right now: this bot has used up its share for the week.",
    "Two ways to go on:",
    "• bring your own NemoVideo account: send /token to me in a private chat (the token is under Settings → API Tokens on nemovideo.com);",
    "• or ask the person who runs this bot to connect a shared NemoVideo account.",
    "Chats that already have an account keep working. Your request was not sent; send it again later or after /token.",
  ].join("\n"),
  tokenNeeded: [
    "🔑 This bot works with your own NemoVideo account.",
    "Send /token to me in a private chat and paste your API token (Settings → API Tokens on nemovideo.com).",
  ].join("\n"),
  tokenAsk: [
    "🔑 Send me your NemoVideo API token as your next message (Settings → API Tokens on nemovideo.com).",
    "I delete that message at once and keep the token sealed. /token off goes back to the default account.",
  ].join("\n"),
  tokenSaved: (available: number | undefined) =>
    [
      `✅ Token checked and saved${available === undefined ? "" : ` (${num(available)} credits available)`}.`,
      "From now on this chat works in your own NemoVideo account, in a new project.",
    ].join("\n"),
  tokenOldProject: "Your previous project stays in NemoVideo:",
  tokenWrong:
    "❌ NemoVideo did not accept that token (wrong or expired). Nothing was saved. Check it under Settings → API Tokens on nemovideo.com and send /token again.",
  tokenCheckFailed:
    "⚠️ I couldn't check the token with NemoVideo just now. Nothing was saved; please send /token again in a minute.",
  tokenOff: "↩️ Your token is forgotten. This chat is back on the bot's default account, in a new project.",
  tokenOffNone: "You haven't given me a token, so there is nothing to turn off.",
  tokenInGroup:
    "🔒 Send your token to me in a private chat, never in a group. Open a chat with me and send /token there.",
  tokenRefused:
    "🔑 NemoVideo refused your token (expired or revoked?). Send /token with a new one, or /token off to go back to the default account.",
  exportNeedsAccount: ({ registerUrl, linkBelow }: { registerUrl?: string; linkBelow: boolean }) =>
    [
      "🔒 Export isn't available on a free anonymous NemoVideo account.",
      linkBelow
        ? "Your project is safe: open it in NemoVideo and export it in the browser (the button below keeps the project)."
        : "Your project is safe: send me /open in a private chat to open it in NemoVideo and export it in the browser.",
      registerUrl ? `Or ${link(registerUrl, "register for free")} and export here.` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  forgetTooSoon: "⏳ /forget works once a day per person. Nothing was deleted; please try again tomorrow.",
  statsLine: (status: { state: "ok" | "capped"; lastRefusalAt?: string }) =>
    status.state === "capped"
      ? `🚧 Anonymous tokens: capped (last refusal ${escapeHtml(status.lastRefusalAt ?? "?")}). New chats need NEMO_TOKEN or /token.`
      : `Anonymous tokens: ok${status.lastRefusalAt ? ` (last refusal ${escapeHtml(status.lastRefusalAt)})` : ""}`,
};
