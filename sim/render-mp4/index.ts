/** Real, playable MP4 renders for the local stack (see README.md in this folder). */
export { type RenderedVideo, type RenderFront, type RenderFrontOptions, startRenderFront } from "./front";
export { type ImageLookup, planFromDraft, uploadHash } from "./plan";
export {
  type Caption,
  ffmpegAvailable,
  ffmpegPath,
  findFont,
  type Music,
  musicExpression,
  type RenderSpec,
  renderMp4,
  type Slide,
  wrapText,
} from "./render";
