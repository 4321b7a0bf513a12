/** Real, playable MP4 renders for the local stack (see README.md in this folder). */
export { type RenderedVideo, type RenderFront, type RenderFrontOptions, startRenderFront } from "./front";
export { audioArgs, type Music, musicExpression } from "./music";
export { type ImageLookup, planFromDraft, uploadHash } from "./plan";
export {
  type Caption,
  ffmpegAvailable,
  ffmpegPath,
  findFont,
  type RenderSpec,
  renderMp4,
  type Slide,
  wrapText,
} from "./render";
