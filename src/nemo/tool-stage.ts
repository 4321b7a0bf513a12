/** Which progress label an agent tool call gets (keyed on tool-name substrings, nemo-api.md §4.4). */
export type ToolStage = "understand" | "music" | "generate" | "edit" | "working";

/** Classifies an agent tool name into a progress stage. */
export function toolStage(name: string): ToolStage {
  const tool = name.toLowerCase();
  if (/understand|analy[sz]/.test(tool)) return "understand";
  if (/music|suno|audio|voiceover|bgm|sound/.test(tool)) return "music";
  if (/generate_video|seedance|video_gen/.test(tool)) return "generate";
  if (/edit|draft|multitrack/.test(tool)) return "edit";
  return "working";
}
