import type { RecordedFile } from "../sim/telegram/types";
import { type Stack, startStack } from "../test/support/stack";
import { BENCH_TOKEN_CAP, percentile } from "./measure";

/** The production default, not the tests' shrunk 250 ms: albums are grouped as they would be live. */
const ALBUM_SETTLE_MS = 1_500;

export type ManyChatsResult = {
  chats: number;
  delivered: number;
  lost: number;
  duplicated: number;
  wallMs: number;
  perChatP50: number;
  perChatP99: number;
  turns: number;
  uploads: number;
  duplicateTexts: number;
  /** Chats whose album was uploaded as more than one batch (items arrived further apart than ALBUM_SETTLE_MS). */
  splitAlbums: number;
  albumSettleMs: number;
  /** Webhook acknowledgement (POST to 200) of the album items during the burst. */
  ackP50: number;
  ackP99: number;
  /** Webhook POSTs of the burst answered with anything but 2xx (Telegram would back off the whole bot). */
  webhookNot2xx: number;
  /** Updates Telegram had to deliver more than once before a 2xx. */
  redelivered: number;
  /** Final webhook statuses that were not 2xx, by status (0 = no answer within the fake's timeout). */
  finalNot2xx: Record<string, number>;
  /** Telegram's getWebhookInfo.last_error_message after the burst, when any delivery failed. */
  lastWebhookError: string | undefined;
  timedOut: boolean;
};

/**
 * `chats` people each send an album of two photos with the instruction, all at once, to one local workerd.
 * Delivered = exactly one video, the render of that chat's own project; lost = no video when the run ends;
 * duplicated = more than one video, a turn or upload made twice, or a text sent twice in a chat.
 */
export async function benchManyChats(chats = 200, timeoutMs = 180_000): Promise<ManyChatsResult> {
  const stack: Stack = await startStack({
    nemo: { silentEditRate: 0, temporaryIssueRate: 0, tokenIpCap: BENCH_TOKEN_CAP },
    vars: { LOG_LEVEL: "error", ALBUM_SETTLE_MS: String(ALBUM_SETTLE_MS) },
  });
  try {
    const { telegram, nemo } = stack;
    const caption = (index: number) => `turn my photos into a 30-second TikTok with music for chat ${index}`;
    const users = Array.from({ length: chats }, (_, index) => 6_900_000_000 + index);
    const albums = users.map((id, index) => telegram.updates.album(2, { caption: caption(index), from: { id } }));
    const started = Date.now();
    const finishedAt = new Map<number, number>();
    // Each chat's items go one after another, as Telegram delivers one update at a time per chat; every
    // webhook answer is timed, so the acknowledgement under this load is measured too.
    const acks: number[] = [];
    let webhookNot2xx = 0;
    let redelivered = 0;
    const finalNot2xx: Record<string, number> = {};
    await Promise.all(
      albums.map(async (album) => {
        for (const update of album) {
          const posted = performance.now();
          const delivery = await telegram.deliver(update);
          acks.push(performance.now() - posted);
          // Every attempt before the last failed; the last one counts when it was not a 2xx either.
          const lastFailed = delivery.status < 200 || delivery.status >= 300 ? 1 : 0;
          webhookNot2xx += Math.max(0, delivery.attempts - 1) + lastFailed;
          if (delivery.attempts > 1) redelivered++;
          if (lastFailed) finalNot2xx[delivery.status] = (finalNot2xx[delivery.status] ?? 0) + 1;
        }
      }),
    );
    const info = (await (await fetch(`${telegram.apiRoot}/bot${telegram.token}/getWebhookInfo`)).json()) as {
      result?: { last_error_message?: string };
    };
    const lastWebhookError = info.result?.last_error_message;
    const deadline = started + timeoutMs;
    let timedOut = false;
    for (;;) {
      for (const call of telegram.calls) {
        if (call.method === "sendVideo" && call.status === 200) {
          const chatId = Number(call.params.chat_id);
          if (!finishedAt.has(chatId))
            finishedAt.set(chatId, (call.params.video as unknown as RecordedFile).lastByteAt);
        }
      }
      if (finishedAt.size === chats) break;
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallMs = Math.max(...finishedAt.values()) - started;
    // A quiet second for any late duplicate to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const sessions = nemo.sessions().map((id) => ({ id, view: nemo.session(id) }));
    const turns = sessions.flatMap((s) => s.view?.turns ?? []);
    const uploads = sessions.flatMap((s) => s.view?.uploads ?? []).map((upload) => upload.sha256);
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    let duplicateTexts = 0;
    let splitAlbums = 0;
    users.forEach((chatId, index) => {
      const videos = telegram.calls.filter(
        (call) => call.method === "sendVideo" && call.status === 200 && call.params.chat_id === chatId,
      );
      // What the person sees at the end: a status message sent per upload batch and then removed is not a
      // repeated reply, a visible text shown twice is.
      const texts = telegram
        .chat(chatId)
        .messages.filter((message) => message.from_bot && message.text)
        .map((message) => String(message.text));
      const repeatedTexts = texts.length - new Set(texts).size;
      duplicateTexts += repeatedTexts;
      const batches = telegram.calls.filter(
        (call) =>
          call.method === "sendMessage" &&
          call.params.chat_id === chatId &&
          /^⬆️ Uploading 0\//.test(String(call.params.text)),
      ).length;
      if (batches > 1) splitAlbums++;
      const turnCount = turns.filter((turn) => turn === caption(index)).length;
      const photoHashes = telegram
        .chat(chatId)
        .messages.filter((message) => !message.from_bot && message.photo)
        .map((message) => message.photo?.sha256);
      const uploadsTwice = photoHashes.some((hash) => uploads.filter((uploaded) => uploaded === hash).length > 1);
      if (videos.length > 1 || turnCount > 1 || uploadsTwice || repeatedTexts > 0) duplicated++;
      else if (videos.length === 1) delivered++;
      else lost++;
    });
    const perChat = [...finishedAt.values()].map((at) => at - started);
    return {
      chats,
      delivered,
      lost,
      duplicated,
      wallMs,
      perChatP50: percentile(perChat, 50),
      perChatP99: percentile(perChat, 99),
      turns: turns.length,
      uploads: uploads.length,
      duplicateTexts,
      splitAlbums,
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      albumSettleMs: ALBUM_SETTLE_MS,
      webhookNot2xx,
      redelivered,
      finalNot2xx,
      lastWebhookError,
      timedOut,
    };
  } finally {
    await stack.close();
  }
}
