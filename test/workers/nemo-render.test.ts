import { describe, expect, it } from "vitest";
import { NemoSchemaError, type RenderStatus } from "../../src/nemo";
import { clientWith, json } from "./nemo-fakes";

const URL_R1 = "https://static1.nemovideo.ai/render-result/render_xxx.mp4";

describe("render status", () => {
  it.each<[string, unknown, RenderStatus]>([
    [
      "R1 pending at submit",
      { success: true, data: { id: "render_1", status: "pending", progress: 5 } },
      { id: "render_1", status: "pending", progress: 5 },
    ],
    [
      "R1 processing",
      { success: true, data: { id: "render_1", status: "processing", progress: 50, createdAt: 1773423613616 } },
      { id: "render_1", status: "processing", progress: 50 },
    ],
    [
      "R1 completed",
      {
        success: true,
        data: {
          id: "render_1",
          status: "completed",
          progress: 100,
          outputUrl: URL_R1,
          createdAt: 1773423613616,
          completedAt: 1773423641222,
        },
      },
      { id: "render_1", status: "completed", progress: 100, outputUrl: URL_R1 },
    ],
    [
      "R1 failed",
      { success: true, data: { id: "render_1", status: "failed", progress: 30, error: "invalid draft" } },
      { id: "render_1", status: "failed", progress: 30, error: "invalid draft" },
    ],
    [
      "R2 flat completed",
      {
        taskId: "render_1",
        status: "completed",
        progress: 100,
        output: { url: "https://cdn.nemovideo.ai/r.mp4", duration: 30.5, size: 15728640 },
      },
      {
        id: "render_1",
        status: "completed",
        progress: 100,
        outputUrl: "https://cdn.nemovideo.ai/r.mp4",
        duration: 30.5,
        size: 15728640,
      },
    ],
    [
      "R2 flat processing",
      { taskId: "render_1", status: "processing", progress: 20 },
      { id: "render_1", status: "processing", progress: 20 },
    ],
    [
      "R2 failed with an error object",
      { taskId: "render_1", status: "failed", error: { message: "codec error" } },
      { id: "render_1", status: "failed", error: "codec error" },
    ],
    [
      "{success:false, error}",
      { success: false, error: "render not found" },
      { id: "render_1", status: "failed", error: "render not found" },
    ],
    ["an upper-case status", { status: "COMPLETED" }, { id: "render_1", status: "completed" }],
    [
      "progress outside 0-100",
      { status: "processing", progress: 140 },
      { id: "render_1", status: "processing", progress: 100 },
    ],
  ])("reads %s", async (_label, body, expected) => {
    const { client } = clientWith(() => json(body));
    expect(await client.renderStatus("render_1")).toEqual(expected);
  });

  it.each([
    ["no status", { success: true, data: { id: "render_1" } }],
    ["an unknown status", { success: true, data: { status: "teleporting" } }],
    ["a JSON array", [1, 2, 3]],
  ])("refuses %s with NemoSchemaError", async (_label, body) => {
    const { client } = clientWith(() => json(body));
    await expect(client.renderStatus("render_1")).rejects.toBeInstanceOf(NemoSchemaError);
  });
});

describe("submitting a render", () => {
  it("returns the submit answer as a status", async () => {
    const { client } = clientWith(() =>
      json({ success: true, data: { id: "render_1", status: "pending", progress: 5 } }),
    );
    expect(await client.submitRender({ id: "render_1", sessionId: "s", draft: {} })).toEqual({
      id: "render_1",
      status: "pending",
      progress: 5,
    });
  });

  it.each([
    ["an empty object", {}],
    ["success without data", { success: true }],
  ])("treats %s as accepted and pending under our id", async (_label, body) => {
    const { client } = clientWith(() => json(body));
    expect(await client.submitRender({ id: "render_9", sessionId: "s", draft: {} })).toEqual({
      id: "render_9",
      status: "pending",
    });
  });

  it("returns a duplicate-id refusal as a failed render, so the caller retries with a new id", async () => {
    const { client } = clientWith(() => json({ success: false, error: "duplicate id" }));
    expect(await client.submitRender({ id: "render_1", sessionId: "s", draft: {} })).toEqual({
      id: "render_1",
      status: "failed",
      error: "duplicate id",
    });
  });
});
