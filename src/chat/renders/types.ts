import type { ChatFlowDeps } from "../flow-deps";
import type { RenderJobs } from "./jobs";

/** What the render flow needs from its Durable Object (chat-work.ts builds it). */
export type RenderFlowDeps = ChatFlowDeps;

/** The flow's dependencies plus the chat's job store: what submit, poll and delivery share. */
export type RenderContext = RenderFlowDeps & { jobs: RenderJobs };
