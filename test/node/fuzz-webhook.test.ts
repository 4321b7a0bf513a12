import type { Update } from "@grammyjs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUpdateBuilders } from "../../sim/telegram/updates";
import { type Stack, startStack, WEBHOOK_SECRET } from "../support/stack";
import { expectClearText, mulberry32, type Random, until } from "./faults-harness";

/**
 * Fuzzed updates POSTed to the webhook with the valid secret: fields removed, wrong types, huge strings,
 * odd unicode, broken entities, non-objects. The Worker must answer every one below 500, keep running,
 * and still greet a normal /start afterwards. 10,000 under `npm run test:faults`, 1,000 in `npm test`;
 * FUZZ_UPDATES overrides the count and FUZZ_SEED replays a run.
 */
const COUNT = Number(process.env.FUZZ_UPDATES ?? (process.env.npm_lifecycle_event === "test:faults" ? 10_000 : 1_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_401);
const CONCURRENCY = 16;
/** A few chats take most updates, so their objects see deep inboxes; the rest spread over many chats. */
const HOT_CHATS = [6_100_000_001, 6_100_000_002, 6_100_000_003, -4_100_000_001, -1_001_100_000_001];

describe(`${COUNT} fuzzed updates at the webhook`, () => {
  let stack: Stack;
  const workerOutput: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      // The fuzzed updates open many chats from one address: the token cap (e2e-accounts-cap) is raised.
      nemo: { temporaryIssueRate: 0, tokenIpCap: 10_000 },
      onWorkerOutput: (_stream, text) => workerOutput.push(text),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("never get a 5xx, never crash the Worker, and the bot still answers /start", async () => {
    const random = mulberry32(SEED);
    const fuzz = createFuzzer(random);
    // The hot chats are known to the fake, so what the bot sends them is recorded and can be checked.
    for (const chatId of HOT_CHATS) stack.telegram.ingest(fuzz.sample(chatId));

    const statuses = new Map<number, number>();
    const failures: Array<{ index: number; status: number; body: string }> = [];
    let next = 0;
    let resets = 0;
    const post = (body: string): Promise<number | "reset"> =>
      fetch(`${stack.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body,
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => "reset" as const,
      );
    const started = Date.now();
    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= COUNT) return;
        const body = fuzz.body(index);
        let status = await post(body);
        if (status === "reset" && Buffer.byteLength(body) > 1024 * 1024) {
          // A body past the 1 MB limit is refused from its Content-Length before it is read: workerd may
          // close the socket while the client still writes, which the client sees as a reset, not a 413.
          status = 413;
        } else if (status === "reset") {
          // A kept-alive socket closed after such a refusal resets the next request sent on it; Telegram
          // redelivers on any connection failure, and so does this loop, once.
          resets++;
          status = await post(body);
        }
        if (status === "reset") {
          failures.push({ index, status: 0, body: `connection reset twice: ${body.slice(0, 300)}` });
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push({ index, status, body: body.slice(0, 300) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedMs = Date.now() - started;
    if (process.env.SHOW_FUZZ) {
      console.log({ COUNT, SEED, elapsedMs, resets, statuses: Object.fromEntries(statuses) });
      console.log(
        workerOutput
          .join("")
          .split("\n")
          .filter((line) => !line.startsWith('{"level":"info"'))
          .join("\n")
          .slice(0, 5000),
      );
    }

    expect(failures, `seed ${SEED}: updates answered with 5xx`).toEqual([]);
    expect([...statuses.keys()].every((status) => [200, 400, 413].includes(status))).toBe(true);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(COUNT / 2);

    // The Worker is alive and a person who was never part of the storm is greeted as usual.
    const health = await fetch(`${stack.url}/healthz`);
    expect(health.status).toBe(200);
    const start = stack.telegram.updates.command("start", { from: { id: 6_199_999_999, language_code: "en" } });
    expect((await stack.telegram.deliver(start)).status).toBe(200);
    const greeting = await stack.telegram.waitFor(
      (call) =>
        call.method === "editMessageText" &&
        call.params.chat_id === 6_199_999_999 &&
        String(call.params.text).includes("Try saying"),
      { timeoutMs: 20_000 },
    );
    expect(greeting.status).toBe(200);

    // A hot chat that was fuzzed still answers a normal command, after its backlog.
    const hot = HOT_CHATS[0] ?? 0;
    const help = stack.telegram.updates.command("help", { from: { id: hot } });
    await stack.telegram.deliver(help);
    await until(
      () =>
        stack.telegram.calls.some(
          (call) =>
            call.method === "sendMessage" && call.params.chat_id === hot && /\/start/.test(String(call.params.text)),
        ),
      "the hot chat's /help answer",
      20_000,
    );

    // What the bot said in the fuzzed chats is plain, clear text: no stack, no raw JSON, no "undefined".
    for (const chatId of HOT_CHATS) {
      for (const message of stack.telegram.chat(chatId).messages.filter((m) => m.from_bot && m.text)) {
        expectClearText(message.text);
      }
    }
    // workerd never reported an uncaught exception or an unhandled rejection.
    expect(workerOutput.join("").match(/Uncaught|unhandled|internal error/gi) ?? []).toEqual([]);
  });
});

const ODD_TEXTS = [
  "\ud800",
  "\udfff lone low surrogate",
  "\u202eevil right-to-left override",
  "zero\u200bwidth\u200djoiner\u2060",
  `e${"\u0301".repeat(2_000)}`,
  "👩‍👩‍👧‍👦🏳️‍🌈🇺🇳".repeat(50),
  "\u0000nul\u0000bytes",
  "\ufeffBOM\uffff\ufffe",
  "<b>unclosed <i>tags &amp; &lt;script&gt;alert(1)</script>",
  "/start@some_other_bot extra",
  "/export@nemo_test_bot",
  "@nemo_test_bot",
  "http://127.0.0.1:1/file.mp4 https://example.com/clip.mov",
  "生成一个三十秒的抖音视频",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, as a user might paste one
  "${process.env.BOT_TOKEN} {{secret}} %s %n",
  "\n\n\n\t\t  ",
  "",
];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  "",
  "123",
  "not a number",
  [],
  [1, "two", null],
  {},
  { nested: { deeper: { deepest: [{}] } } },
];

/** Builds fuzzed request bodies from realistic updates. */
function createFuzzer(random: Random) {
  const builders = createUpdateBuilders();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  let updateId = 900_000_000;

  function hugeString(): string {
    const roll = random();
    // Mostly tens of KB; now and then near the 1 MB body limit, and sometimes past it (→ 413).
    const size = roll < 0.9 ? 4_096 + Math.floor(random() * 60_000) : roll < 0.97 ? 600_000 : 1_100_000;
    return pick(["a", "я", "😀", "<", "\\", '"']).repeat(Math.ceil(size / 2));
  }

  function oddValue(): unknown {
    const roll = random();
    if (roll < 0.45) return structuredClone(pick(WRONG_VALUES));
    if (roll < 0.8) return pick(ODD_TEXTS);
    if (roll < 0.85) return hugeString();
    let deep: unknown = "bottom";
    for (let i = 0; i < 200; i++) deep = { d: deep };
    return deep;
  }

  function sample(chatId: number): Update {
    const from = { id: chatId > 0 ? chatId : 6_100_000_009, language_code: pick(["en", "zh-hans", "", "xx"]) };
    const options = { chatId, from } as const;
    const kinds: Array<() => Update> = [
      () => builders.privateText(pick(ODD_TEXTS.concat(["make a tiktok", "credits", "export"])), { from }),
      () =>
        builders.command(pick(["start", "help", "credits", "status", "export", "new", "cancel", "language"]), options),
      () => builders.photo({ ...options, caption: pick(ODD_TEXTS) }),
      () => builders.album(3, { ...options, caption: "make a video" })[0] as Update,
      () => builders.video({ ...options, size: pick([1, 5_000_000, 30_000_000]) }),
      () => builders.document({ ...options, fileName: pick(["a.exe", "b.mp4", "", "..", "c"]), mimeType: "x/y" }),
      () => builders.callback(pick(["export", "retry:turn:x", "lang:zh", "", "💥"]), { messageId: 5, chatId }),
      () => builders.myChatMember(pick(["member", "kicked", "left", "administrator"]), chatId),
      () => builders.editedMessage("edited", { ...options, messageId: 3 }),
      () => builders.groupText("hi", { chatId: chatId < 0 ? chatId : -4_100_000_001, mentionBot: chance(0.5) }),
      () => builders.sticker(options),
      () => builders.voice(options),
      () => builders.channelPost("post"),
    ];
    const update = pick(kinds)();
    update.update_id = ++updateId;
    return update;
  }

  /** Every object and array inside a value (the first 40 levels). */
  function containers(value: unknown, out: Array<Record<string, unknown> | unknown[]> = [], depth = 0) {
    if (value && typeof value === "object" && depth < 40) {
      out.push(value as Record<string, unknown>);
      for (const child of Object.values(value)) containers(child, out, depth + 1);
    }
    return out;
  }

  function mutate(update: Record<string, unknown>): void {
    const targets = containers(update);
    const target = pick(targets);
    const keys = Object.keys(target);
    const key = keys.length > 0 ? pick(keys) : "extra";
    const roll = random();
    const record = target as Record<string, unknown>;
    if (roll < 0.3) delete record[key];
    else if (roll < 0.75) record[key] = oddValue();
    else if (roll < 0.85) record[`unknown_${Math.floor(random() * 1e6)}`] = oddValue();
    else if (roll < 0.95) {
      // Entities that point outside the text, overlap or have a bogus type.
      const message = update.message ?? update.edited_message;
      if (message && typeof message === "object" && !Array.isArray(message))
        (message as Record<string, unknown>).entities = [
          { type: pick(["bot_command", "mention", "url", "bogus"]), offset: Math.floor(random() * 50) - 5, length: 99 },
        ];
    } else record[key] = hugeString();
  }

  return {
    sample,
    body(index: number): string {
      const roll = random();
      if (roll < 0.02) return pick(["[]", "null", '"update"', "42", "{", "", '{"update_id": 1,}']);
      const chatId = chance(0.7) ? pick(HOT_CHATS) : 6_200_000_000 + Math.floor(random() * 50);
      const update = sample(chatId) as unknown as Record<string, unknown>;
      const mutations = index % 10 === 0 ? 0 : 1 + Math.floor(random() * 4);
      for (let i = 0; i < mutations; i++) mutate(update);
      if (chance(0.03)) update.update_id = update.update_id === undefined ? 1 : (HOT_CHATS[0] ?? 1);
      return JSON.stringify(update);
    },
  };
}
