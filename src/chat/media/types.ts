import type { ChatFlowDeps } from "../flow-deps";
import type { Origin } from "../storage";

/** What media intake gets from the chat's work: the shared flow dependencies and two hand-offs back. */
export type MediaFlowDeps = ChatFlowDeps & {
  /** Hands the instruction that came with the media to the agent queue. */
  instruction: (origin: Origin, text: string) => Promise<void>;
  /** Told when no upload is left, so instructions that waited for the media can run. */
  uploadsSettled: () => Promise<void>;
};
