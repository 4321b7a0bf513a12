import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../sim/telegram/types";
import { buttonsOf, draftWithTitle, textOf } from "../support/e2e-chat";
import { type Stack, startStack } from "../support/stack";

/**
 * Issue 19.1: a claim link (`/workspace/claim?ct=clm_…`, a browser session into the NemoVideo account
 * for 7 days) goes only to whom the account belongs. With the operator's NEMO_TOKEN: never, anywhere
 * (no Open button under videos or after turns, /open explains). With anonymous per-chat tokens in a
 * group: only to the member who asks, in their private chat, never as a URL under a message all see.
 */
const CLAIM = /clm_|workspace\/claim/;

describe("claim links only to whom they belong", () => {
  let anonymous: Stack;
  let operator: Stack;
  let nextGroup = -4_910_000_001;
  let nextUser = 7_491_000_001;

  beforeAll(async () => {
    anonymous = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } });
    // The operator's token must be one the simulator knows: this Worker talks to the first stack's simulator.
    const operatorToken = anonymous.nemo.issueToken({ clientId: "operator" }).token;
    operator = await startStack({ vars: { NEMO_TOKEN: operatorToken, NEMO_API_BASE: anonymous.nemo.url } });
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([anonymous?.close(), operator?.close()]);
  });

  const callsIn = (stack: Stack, chatId: number) =>
    stack.telegram.calls.filter((call) => Number(call.params.chat_id) === chatId && call.response.ok);
  const waitIn = (stack: Stack, chatId: number, pattern: RegExp, method?: string) =>
    stack.telegram.waitFor(
      (call) =>
        Number(call.params.chat_id) === chatId &&
        call.response.ok &&
        (!method || call.method === method) &&
        pattern.test(textOf(call)),
      { timeoutMs: 20_000 },
    );
  const messageIdOf = (call: RecordedCall) => (call.response as { result: { message_id: number } }).result.message_id;

  /** An agent turn leaving an exportable draft, then an export, in a private chat or a group. */
  async function videoIn(stack: Stack, chatId: number, from: { id: number; first_name: string }) {
    const { telegram } = stack;
    anonymous.nemo.scriptTurn({
      events: [{ event: { type: "text", content: "Made your video." } }],
      draftAfter: draftWithTitle({ text: "Beach day", st: 0, d: 3_000 }),
    });
    const say = (text: string) =>
      chatId > 0
        ? telegram.updates.privateText(text, { from })
        : telegram.updates.groupText(text, { chatId, from, mentionBot: true });
    if (chatId > 0) await telegram.deliver(telegram.updates.command("start", { from }));
    await telegram.deliver(say("make a beach video"));
    const whatNext = await waitIn(stack, chatId, /What next/);
    await telegram.deliver(telegram.updates.command("export", { chatId, from }));
    const video = await waitIn(stack, chatId, /Video ready/, "sendVideo");
    return { whatNext, video };
  }

  it("with NEMO_TOKEN no claim link reaches a private chat: no Open button, /open explains", async () => {
    const from = { id: nextUser++, first_name: "Olga" };
    const { whatNext, video } = await videoIn(operator, from.id, from);
    expect(buttonsOf(whatNext).map((button) => button.text)).not.toContain("🌐 Open in NemoVideo");
    // The video keeps Timeline and Credits (issue 15); no Open button, no link of any kind.
    expect(openButtons(video)).toEqual([]);
    expect(buttonsOf(video).filter((button) => button.url)).toEqual([]);
    await operator.telegram.deliver(operator.telegram.updates.command("open", { from }));
    const answer = await waitIn(operator, from.id, /operator's NemoVideo account/);
    expect(buttonsOf(answer)).toEqual([]);
    expect(JSON.stringify(callsIn(operator, from.id))).not.toMatch(CLAIM);
  }, 60_000);

  it("with NEMO_TOKEN no claim link reaches a group either", async () => {
    const chatId = nextGroup--;
    const from = { id: nextUser++, first_name: "Gus" };
    const { video } = await videoIn(operator, chatId, from);
    // The video keeps Timeline and Credits (issue 15); no Open button, no link of any kind.
    expect(openButtons(video)).toEqual([]);
    expect(buttonsOf(video).filter((button) => button.url)).toEqual([]);
    await operator.telegram.deliver(operator.telegram.updates.command("open", { chatId, from }));
    await waitIn(operator, chatId, /operator's NemoVideo account/);
    // Nothing anywhere in this Worker's Telegram traffic, private chats included, ever held a claim link.
    expect(JSON.stringify(operator.telegram.calls.map((call) => call.params))).not.toMatch(CLAIM);
    expect(JSON.stringify(operator.telegram.calls.map((call) => call.response))).not.toMatch(CLAIM);
  }, 60_000);

  it("in a group, the link goes only to the member who asks, privately; never under the video", async () => {
    const { telegram } = anonymous;
    const chatId = nextGroup--;
    const ann = { id: nextUser++, first_name: "Ann" };
    const ben = { id: nextUser++, first_name: "Ben" };
    // Ann has a private chat with the bot; Ben never started it.
    await telegram.deliver(telegram.updates.command("start", { from: ann }));
    await waitIn(anonymous, ann.id, /Try saying/);
    const { video } = await videoIn(anonymous, chatId, ann);
    const open = openButtons(video);
    expect(open).toHaveLength(1);
    expect(buttonsOf(video).filter((button) => button.url)).toEqual([]);
    expect(open[0]?.url).toBeUndefined();
    expect(open[0]?.callback_data).toMatch(/^x:open:/);

    // Ben presses the video's Open button: he must start the bot privately first.
    await telegram.deliver(
      telegram.updates.callback(open[0]?.callback_data ?? "", { chatId, messageId: messageIdOf(video), from: ben }),
    );
    await waitIn(anonymous, chatId, /Start a chat with me first/);
    // Ann asks with /open: the link arrives in her private chat, the group only hears that it was sent.
    await telegram.deliver(telegram.updates.command("open", { chatId, from: ann }));
    await waitIn(anonymous, chatId, /sent you the link in a private message/);
    const dm = await waitIn(anonymous, ann.id, /group's project/);
    expect(buttonsOf(dm)[0]?.url).toMatch(/\/workspace\/claim\?ct=clm_/);

    expect(JSON.stringify(callsIn(anonymous, chatId).map((call) => call.params))).not.toMatch(CLAIM);
    expect(JSON.stringify(telegram.chat(chatId).messages)).not.toMatch(CLAIM);
    expect(callsIn(anonymous, ben.id)).toEqual([]);
  }, 60_000);

  it("in a private chat with an anonymous token the video keeps its Open link, as before", async () => {
    const from = { id: nextUser++, first_name: "Pia" };
    const { video } = await videoIn(anonymous, from.id, from);
    expect(buttonsOf(video)[0]?.url).toMatch(/\/workspace\/claim\?ct=clm_/);
  }, 60_000);
});

/** A message's "Open in NemoVideo" buttons (a video also carries Timeline and Credits). */
function openButtons(call: Parameters<typeof buttonsOf>[0]) {
  return buttonsOf(call).filter((button) => /Open in NemoVideo/.test(button.text));
}
