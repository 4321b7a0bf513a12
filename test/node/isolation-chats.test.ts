import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedFile } from "../../sim/telegram/types";
import { type Stack, startStack } from "../support/stack";
import {
  buildFlow,
  chatRecord,
  deliverAlbum,
  expectNothingLostOrDoubled,
  type Flow,
  okCalls,
  waitForOutcome,
} from "./faults-harness";

/**
 * Chats never see each other's sessions or files: two people and a group (whose member is one of the two)
 * run the photos → video flow at the same time; each chat's project, uploads, turn and video are its own,
 * and nothing of one chat reaches another.
 */
describe("chat isolation", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ nemo: { silentEditRate: 0, temporaryIssueRate: 0 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("two people and a group in parallel: disjoint projects, uploads, turns, messages and videos", async () => {
    const alice = buildFlow(stack, 6_400_000_001, "alice-only");
    const bob = buildFlow(stack, 6_400_000_002, "bob-only");
    const group = buildFlow(stack, 6_400_000_001, "group-only", 2, -4_400_000_001);
    const flows = [alice, bob, group];
    await Promise.all(flows.map((flow) => deliverAlbum(stack, flow)));
    await Promise.all(flows.map((flow) => waitForOutcome(stack, flow)));

    const records = await Promise.all(flows.map((flow) => chatRecord(stack, flow.chatId)));
    const sessionIds = records.map((record) => record?.sessionId ?? "");
    // Each chat has its own client id, token and NemoVideo project.
    for (const field of ["clientId", "token", "sessionId"] as const) {
      const values = records.map((record) => record?.[field]);
      expect(values.every(Boolean)).toBe(true);
      expect(new Set(values).size).toBe(flows.length);
    }

    flows.forEach((flow: Flow, index) => {
      const sessionId = sessionIds[index] ?? "";
      const session = stack.nemo.session(sessionId);
      const others = flows.filter((other) => other !== flow);
      // Its project holds exactly its own photos and its own instruction.
      expect(session?.uploads.map((upload) => upload.sha256).sort()).toEqual([...flow.photoHashes].sort());
      expect(session?.turns).toHaveLength(1);
      expect(session?.turns[0]).toContain(flow.caption);
      for (const other of others) {
        expect(session?.turns[0]).not.toContain(other.caption);
        for (const hash of other.photoHashes) expect(session?.uploads.some((u) => u.sha256 === hash)).toBe(false);
      }

      // Its video is the render of its own project.
      const [video] = okCalls(stack, flow.chatId, "sendVideo");
      const sent = (video?.params.video as unknown as RecordedFile | undefined)?.sha256;
      const ownRender = [...stack.nemo.renders.entries()].find(([, render]) => render.sessionId === sessionId)?.[0];
      expect(sent).toBe(stack.nemo.renderSha256(ownRender ?? ""));

      // Nothing of another chat appears in what this chat was sent.
      const seen = JSON.stringify(stack.telegram.calls.filter((call) => Number(call.params.chat_id) === flow.chatId));
      for (const [otherIndex, other] of flows.entries()) {
        if (other === flow) continue;
        expect(seen).not.toContain(other.caption);
        expect(seen).not.toContain(sessionIds[otherIndex] ?? "-");
      }
      expectNothingLostOrDoubled(stack, flow, { outcome: "video" });
    });

    // Every NemoVideo request naming a project was made with that project's own chat's token.
    const tokenOf = new Map(records.map((record) => [`Bearer ${record?.token}`, record?.sessionId]));
    for (const request of stack.nemo.requests) {
      const named = sessionIds.filter((id) => JSON.stringify([request.path, request.bodySummary]).includes(id));
      const owner = tokenOf.get(request.headers.authorization ?? "");
      for (const sessionId of named) expect(owner, `${request.endpoint} ${request.path}`).toBe(sessionId);
    }
  });
});
