/** NemoVideo client: the public surface other folders import from. */
export { createNemoClient, type NemoClient, type UploadFile } from "./client";
export {
  type NemoEndpoint,
  NemoError,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoHttpError,
  NemoInsufficientCreditsError,
  NemoMissingClientIdError,
  NemoRateLimitedError,
  NemoSchemaError,
  NemoSessionNotFoundError,
  NemoTokenInvalidError,
  NemoTransportError,
  NemoUnknownCodeError,
  NemoUnsupportedFileError,
} from "./errors";
export {
  type CanvasConfig,
  type Draft,
  DraftSchema,
  type ProjectState,
  type RenderStatus,
  type Segment,
  SegmentSchema,
  type Track,
  TrackSchema,
  type UploadedFile,
  type UploadResult,
} from "./schemas";
export { type AgentEvent, agentEventsOf } from "./sse";
export type { NemoClientOptions } from "./transport";
