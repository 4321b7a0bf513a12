import { Miniflare } from "miniflare";

/**
 * Writes a chat object's storage the way an earlier release left it, while the Worker is stopped (see
 * `Stack.restartWorker`'s `whileStopped`): a stand-in Worker, run only here, opens the same persisted
 * Durable Object (same class name, same id from the chat id) and puts, deletes and sets the alarm as told.
 * Nothing of this is in the product's bundle.
 */
export type StorageEdit = {
  put?: Record<string, unknown>;
  delete?: string[];
  /** Sets the object's alarm, as the previous version leaves one for its pending work. */
  alarmAt?: number;
};

const STAND_IN = `
import { DurableObject } from "cloudflare:workers";
export class ChatDurableObject extends DurableObject {
  async fetch(request) {
    const edit = await request.json();
    const storage = this.ctx.storage;
    if (edit.delete?.length) await storage.delete(edit.delete);
    if (edit.put) await storage.put(edit.put);
    if (edit.alarmAt !== undefined) await storage.setAlarm(edit.alarmAt);
    return Response.json(Object.fromEntries(await storage.list()));
  }
  // An alarm due while the stand-in runs is the product's to run: leave it set.
  async alarm() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
}
export default {
  fetch(request, env) {
    const name = new URL(request.url).searchParams.get("chat");
    return env.CHAT.get(env.CHAT.idFromName(name)).fetch(request);
  },
};
`;

/** Applies `edit` to the chat object's storage and answers every key and value it then holds. */
export async function editChatStorage(
  durableObjectsPersist: string,
  chatId: number,
  edit: StorageEdit = {},
): Promise<Record<string, unknown>> {
  const mf = new Miniflare({
    modules: true,
    script: STAND_IN,
    compatibilityDate: "2026-04-01",
    durableObjects: { CHAT: { className: "ChatDurableObject", useSQLite: true } },
    durableObjectsPersist,
  });
  try {
    const response = await mf.dispatchFetch(`http://stand-in/?chat=${chatId}`, {
      method: "POST",
      body: JSON.stringify(edit),
    });
    if (!response.ok) throw new Error(`editing the chat object's storage failed: ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    await mf.dispose();
  }
}
