/** The file extensions NemoVideo accepts for upload (nemo-api.md §6; `.jpeg` as its CLI accepts it). */
export const ACCEPTED_EXTENSIONS: readonly string[] = [
  "mp4",
  "mov",
  "avi",
  "webm",
  "mkv",
  "jpg",
  "jpeg",
  "png",
  "gif",
  "webp",
  "mp3",
  "wav",
  "m4a",
  "aac",
];

/** The accepted upload formats as people read them (nemo-api.md §6). */
export const ACCEPTED_FORMATS = "mp4, mov, avi, webm, mkv, jpg/jpeg, png, gif, webp, mp3, wav, m4a, aac";
