import { escapeHtml } from "../../telegram/text";
import { link, num } from "../format";
import type { AccountTexts } from "../types";

/** Chinese: accounts and tokens (issue 17), export refusals (14.4). */
export const accounts: AccountTexts = {
  freeAccountsExhausted: [
    "🚧 NemoVideo 暂时不再发放免费账号：本机器人本周的额度已用完。",
    "两种继续的方法：",
    "• 使用你自己的 NemoVideo 账号：在私聊中给我发送 /token（令牌在 nemovideo.com 的 设置 → API Tokens）；",
    "• 或请本机器人的运营者接入一个共享的 NemoVideo 账号。",
    "已有账号的聊天不受影响。你的请求没有发出；请稍后或使用 /token 后再发一次。",
  ].join("\n"),
  tokenNeeded: [
    "🔑 本机器人需要使用你自己的 NemoVideo 账号。",
    "请在私聊中给我发送 /token，并粘贴你的 API 令牌（nemovideo.com 的 设置 → API Tokens）。",
  ].join("\n"),
  tokenAsk: [
    "🔑 请在下一条消息中发送你的 NemoVideo API 令牌（nemovideo.com 的 设置 → API Tokens）。",
    "我会立即删除那条消息，并加密保存令牌。发送 /token off 可恢复默认账号。",
  ].join("\n"),
  tokenSaved: (available: number | undefined) =>
    [
      `✅ 令牌已验证并保存${available === undefined ? "" : `（可用积分 ${num(available)}）`}。`,
      "从现在起，这个聊天使用你自己的 NemoVideo 账号，并在其中新建了项目。",
    ].join("\n"),
  tokenOldProject: "你之前的项目仍保留在 NemoVideo 中：",
  tokenWrong:
    "❌ NemoVideo 不接受这个令牌（错误或已过期），没有保存任何内容。请在 nemovideo.com 的 设置 → API Tokens 中检查后再发送 /token。",
  tokenCheckFailed: "⚠️ 暂时无法向 NemoVideo 验证令牌，没有保存任何内容。请稍后再发送 /token。",
  tokenOff: "↩️ 已删除你的令牌。这个聊天已恢复使用机器人的默认账号，并新建了项目。",
  tokenOffNone: "你还没有给我令牌，无需关闭。",
  tokenInGroup: "🔒 请在私聊中把令牌发给我，切勿发在群里。打开与我的私聊并在那里发送 /token。",
  tokenRefused:
    "🔑 NemoVideo 拒绝了你的令牌（已过期或被撤销？）。请用 /token 发送新的令牌，或发送 /token off 恢复默认账号。",
  exportNeedsAccount: ({ registerUrl, linkBelow }: { registerUrl?: string; linkBelow: boolean }) =>
    [
      "🔒 免费匿名的 NemoVideo 账号无法导出视频。",
      linkBelow
        ? "你的项目是安全的：在 NemoVideo 中打开并在浏览器里导出（下方按钮会保留项目）。"
        : "你的项目是安全的：在私聊中给我发送 /open，即可在 NemoVideo 中打开并在浏览器里导出。",
      registerUrl ? `或${link(registerUrl, "免费注册")}后在这里导出。` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  forgetTooSoon: "⏳ 每人每天只能使用一次 /forget。没有删除任何内容，请明天再试。",
  statsLine: (status: { state: "ok" | "capped"; lastRefusalAt?: string }) =>
    status.state === "capped"
      ? `🚧 匿名令牌：已达上限（最近一次拒绝 ${escapeHtml(status.lastRefusalAt ?? "?")}）。新聊天需要 NEMO_TOKEN 或 /token。`
      : `匿名令牌：正常${status.lastRefusalAt ? `（最近一次拒绝 ${escapeHtml(status.lastRefusalAt)}）` : ""}`,
};
