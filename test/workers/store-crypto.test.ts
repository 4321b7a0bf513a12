import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ChatRecord, chatRecordKey, createChatStore } from "../../src/store/chat-record";
import { importTokenKeys, open, SealedValueUnreadableError, seal } from "../../src/store/crypto";

const keyB64 = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes));
};
const TOKEN = "nmv_usr_sealedTestToken01";
const RECORD: ChatRecord = { clientId: "client-1", token: TOKEN, sessionId: "session-1", language: "en" };

let nextChat = 1;
const kv = () => env.CHATS_KV;
const raw = (chatId: number) => kv().get(chatRecordKey(chatId));

describe("sealing tokens with AES-GCM", () => {
  it("round-trips, with a fresh IV each time, and names the key by fingerprint only", async () => {
    const secret = keyB64();
    const keys = await importTokenKeys({ TOKEN_ENCRYPTION_KEY: secret });
    if (!keys) throw new Error("keys expected");
    const a = await seal(keys, TOKEN);
    const b = await seal(keys, TOKEN);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(JSON.stringify(a)).not.toContain(secret);
    expect(a.kid).toMatch(/^[0-9a-f]{8}$/);
    expect(await open(keys, a)).toEqual({ plaintext: TOKEN, stale: false });
  });

  it("refuses a tampered value and a value sealed with an unknown key", async () => {
    const keys = await importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    const other = await importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    if (!keys || !other) throw new Error("keys expected");
    const sealed = await seal(keys, TOKEN);
    const flipped = atob(sealed.ct);
    const tampered = { ...sealed, ct: btoa(`${String.fromCharCode(flipped.charCodeAt(0) ^ 1)}${flipped.slice(1)}`) };
    await expect(open(keys, tampered)).rejects.toBeInstanceOf(SealedValueUnreadableError);
    await expect(open(other, sealed)).rejects.toBeInstanceOf(SealedValueUnreadableError);
  });
});

describe("the chat record in KV", () => {
  it("stores the token sealed when a key is set and reads it back", async () => {
    const chatId = nextChat++;
    const keys = importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    await createChatStore(kv(), { keys: () => keys }).write(chatId, RECORD);
    const stored = (await raw(chatId)) ?? "";
    expect(stored).not.toContain(TOKEN);
    // Issue 19.7: the client id is sealed too, and every sealed value is bound to its KV key (v2).
    expect(stored).not.toContain("client-1");
    expect(JSON.parse(stored)).toMatchObject({
      sessionId: "session-1",
      sealedToken: { v: 2 },
      sealedClientId: { v: 2 },
    });
    expect(await createChatStore(kv(), { keys: () => keys }).read(chatId)).toMatchObject(RECORD);
  });

  it("a sealed value copied under another chat's key does not open there", async () => {
    const from = nextChat++;
    const to = nextChat++;
    const keys = importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    await createChatStore(kv(), { keys: () => keys }).write(from, RECORD);
    await kv().put(chatRecordKey(to), (await raw(from)) ?? "");
    const read = await createChatStore(kv(), { keys: () => keys }).read(to);
    expect(read?.token).toBeUndefined();
    expect(read?.clientId).not.toBe("client-1");
  });

  it("migrates values sealed before binding (v1, no associated data): they open and are resealed as v2", async () => {
    const chatId = nextChat++;
    const secret = keyB64();
    const keys = await importTokenKeys({ TOKEN_ENCRYPTION_KEY: secret });
    if (!keys) throw new Error("keys expected");
    // What the previous version wrote: the token sealed without associated data, the client id in clear.
    const previous = {
      clientId: "client-1",
      sessionId: "session-1",
      language: "en",
      sealedToken: await seal(keys, TOKEN),
    };
    expect(previous.sealedToken.v).toBe(1);
    await kv().put(chatRecordKey(chatId), JSON.stringify(previous));
    const store = createChatStore(kv(), { keys: async () => keys });
    expect(await store.read(chatId)).toMatchObject(RECORD);
    const resealed = JSON.parse((await raw(chatId)) ?? "{}");
    expect(resealed).toMatchObject({ sealedToken: { v: 2 }, sealedClientId: { v: 2 } });
    expect(resealed.clientId).toBeUndefined();
    expect(await createChatStore(kv(), { keys: async () => keys }).read(chatId)).toMatchObject(RECORD);
  });

  it("reseals a clear token once encryption is turned on", async () => {
    const chatId = nextChat++;
    await createChatStore(kv()).write(chatId, RECORD);
    expect(await raw(chatId)).toContain(TOKEN);
    const keys = importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    expect(await createChatStore(kv(), { keys: () => keys }).read(chatId)).toMatchObject(RECORD);
    expect(await raw(chatId)).not.toContain(TOKEN);
  });

  it("rotates: with the old key as TOKEN_ENCRYPTION_KEY_PREVIOUS a record still opens and is resealed with the new key", async () => {
    const chatId = nextChat++;
    const oldKey = keyB64();
    const newKey = keyB64();
    const before = importTokenKeys({ TOKEN_ENCRYPTION_KEY: oldKey });
    await createChatStore(kv(), { keys: () => before }).write(chatId, RECORD);
    const oldKid = JSON.parse((await raw(chatId)) ?? "{}").sealedToken.kid;

    const during = importTokenKeys({ TOKEN_ENCRYPTION_KEY: newKey, TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey });
    expect(await createChatStore(kv(), { keys: () => during }).read(chatId)).toMatchObject(RECORD);
    const newKid = JSON.parse((await raw(chatId)) ?? "{}").sealedToken.kid;
    expect(newKid).not.toBe(oldKid);

    // Once every record was read, the previous key can go.
    const after = importTokenKeys({ TOKEN_ENCRYPTION_KEY: newKey });
    expect(await createChatStore(kv(), { keys: () => after }).read(chatId)).toMatchObject(RECORD);
  });

  it("treats a token sealed with a key no longer configured as absent, keeping the rest of the record", async () => {
    const chatId = nextChat++;
    const lost = importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    await createChatStore(kv(), { keys: () => lost }).write(chatId, RECORD);
    const replaced = importTokenKeys({ TOKEN_ENCRYPTION_KEY: keyB64() });
    const read = await createChatStore(kv(), { keys: () => replaced }).read(chatId);
    expect(read).toMatchObject({ sessionId: "session-1" });
    expect(read?.token).toBeUndefined();
    // The client id was sealed with the lost key too (issue 19.7): the chat gets a new one.
    expect(read?.clientId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
