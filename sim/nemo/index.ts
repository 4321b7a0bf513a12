/** NemoVideo mega-api simulator: a strict local stand-in for the service no machine here can reach. */
export { generatedClipSha256 } from "./generated";
export { startNemoSim } from "./server";
export { parseSseText, type SseFrame } from "./sse-text";
export type {
  Dialect,
  Draft,
  DraftSegment,
  DraftTrack,
  EndpointName,
  Fault,
  NemoSim,
  NemoSimOptions,
  PostExtra,
  RecordedRequest,
  RenderInfo,
  RenderShape,
  ScriptedEvent,
  ScriptedTurn,
  UploadRecord,
} from "./types";
