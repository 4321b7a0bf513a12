export { createSerial } from "./serial";
export {
  type ActiveTurn,
  type Album,
  type AlbumItem,
  AlbumItemSchema,
  AlbumSchema,
  type ChatFlags,
  type DraftRead,
  KEYS,
  type Origin,
  type QueuedTurn,
  type RenderJob,
  RenderJobSchema,
  readKey,
  SCHEMAS,
  type UploadBatch,
  type UploadOutcome,
} from "./state";
