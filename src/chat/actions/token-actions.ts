import { t } from "../../i18n";
import type { NemoClient } from "../../nemo/client";
import { NemoHttpError, NemoTokenInvalidError } from "../../nemo/errors";
import type { ChatSender } from "../../telegram/sender";
import { removeQuietly } from "../../telegram/sender";
import { openButtonFor } from "../renders";
import type { NemoSession } from "../session";
import { chatStorage, type Origin } from "../storage";

/**
 * /token (issue 17.3): a user brings their own NemoVideo API token. Only in a private chat; the message
 * carrying the token is deleted at once, the token is checked with a credits call before anything is
 * stored, and it is kept in the chat's record (sealed when TOKEN_ENCRYPTION_KEY is set). It never goes
 * into a log line, a chat message or a URL.
 */

/** How long "send me your token" waits for the next message. */
export const TOKEN_WAIT_MS = 10 * 60 * 1000;
/** NemoVideo user tokens, recognised even without /token so one pasted by itself is never sent to the agent. */
const TOKEN_SHAPE = /^nmv_usr_[\w-]{8,}$/;

export type TokenActionsDeps = {
  storage: DurableObjectStorage;
  session: NemoSession;
  nemo: NemoClient;
  now: () => number;
  senderFor: (origin: Origin) => ChatSender;
  /** The claim link of the chat's current project (Open in NemoVideo). */
  workspaceLink: (origin: Origin) => Promise<string>;
};

export function createTokenActions(deps: TokenActionsDeps) {
  const { storage, session } = deps;

  /** Deletes the message carrying a token; a failure never stops the flow. */
  const removeTokenMessage = removeQuietly;

  async function adopt(origin: Origin, token: string): Promise<void> {
    const texts = t(origin.lang).accounts;
    const sender = deps.senderFor(origin);
    let available: number | undefined;
    try {
      available = (await deps.nemo.withToken(token).credits()).available;
    } catch (error) {
      const refused =
        error instanceof NemoTokenInvalidError ||
        (error instanceof NemoHttpError && (error.status === 401 || error.status === 403));
      await sender.send(refused ? texts.tokenWrong : texts.tokenCheckFailed);
      return;
    }
    const before = await session.record();
    // The old project stays reachable: its claim link is taken while the old account still opens it.
    const oldLink =
      before.sessionId && before.taskId ? await deps.workspaceLink(origin).catch(() => undefined) : undefined;
    await session.useOwnToken(token);
    await sender.send(texts.tokenSaved(available));
    if (oldLink) await sender.send(texts.tokenOldProject, { buttons: openButtonFor(origin.lang, oldLink) });
  }

  return {
    /** `/token [value|off]`; `messageId` is the command's own message (deleted when it carries a token). */
    async command(origin: Origin, argument: string, messageId: number | undefined, isPrivate: boolean) {
      const texts = t(origin.lang).accounts;
      const sender = deps.senderFor(origin);
      const value = argument.trim();
      if (!isPrivate) {
        // Never read from a group; a token pasted there is removed when the bot may delete messages.
        if (value !== "") await removeTokenMessage(sender, messageId);
        await sender.send(texts.tokenInGroup, { replyTo: origin.messageId });
        return;
      }
      if (value.toLowerCase() === "off") {
        const record = await session.record();
        if (!record.ownToken) {
          await sender.send(texts.tokenOffNone);
          return;
        }
        await session.useOwnToken(undefined);
        await sender.send(texts.tokenOff);
        return;
      }
      if (value !== "") {
        await removeTokenMessage(sender, messageId);
        await chatStorage(storage).delete("awaitingTokenUntil");
        await adopt(origin, value);
        return;
      }
      await chatStorage(storage).put({ awaitingTokenUntil: deps.now() + TOKEN_WAIT_MS });
      await sender.send(texts.tokenAsk);
    },

    /**
     * A private text message: taken as the token when /token asked for one (or when it is shaped like a
     * NemoVideo token), deleted at once; false lets it go on as an ordinary message.
     */
    async reply(origin: Origin, text: string, messageId: number | undefined): Promise<boolean> {
      const value = text.trim();
      const until = await chatStorage(storage).get("awaitingTokenUntil");
      const awaited = until !== undefined && until > deps.now();
      if (!awaited && !TOKEN_SHAPE.test(value)) return false;
      if (until !== undefined) await chatStorage(storage).delete("awaitingTokenUntil");
      // A command instead of the token ends the wait and runs as usual.
      if (value.startsWith("/")) return false;
      await removeTokenMessage(deps.senderFor(origin), messageId);
      await adopt(origin, value);
      return true;
    },
  };
}

export type TokenActions = ReturnType<typeof createTokenActions>;
