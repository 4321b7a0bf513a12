/** The shapes of usage statistics, free of Workers types so Node-side tests can import them. */
export type StatsEventKind = "active" | "turn" | "render" | "failure" | "credits";
export type StatsEvent = { kind: StatsEventKind; chat: string; amount?: number };
/** Counters for one window of /stats. */
export type StatsWindow = { chats: number; turns: number; renders: number; failures: number; credits: number };
export type StatsSummary = {
  day: StatsWindow;
  week: StatsWindow;
  /** Issue 17: whether NemoVideo still gives anonymous tokens (src/operator/anonymous-tokens.ts). */
  anonymousTokens?: { state: "ok" | "capped"; lastRefusalAt?: string };
};
