import { ACCEPTED_FORMATS } from "../../nemo/formats";
import { bold, num } from "../format";
import type { MediaCounts, MediaTexts } from "../types";

/** Chinese: photos, clips, audio and links people send. */
export const media: MediaTexts = {
  mediaAdded: (counts: MediaCounts, askWhatToMake = true) => {
    const parts = [
      counts.photos > 0 ? `${num(counts.photos)} 张照片` : undefined,
      counts.videos > 0 ? `${num(counts.videos)} 个视频` : undefined,
      counts.audio > 0 ? `${num(counts.audio)} 个音频` : undefined,
      counts.files > 0 ? `${num(counts.files)} 个文件` : undefined,
    ].filter((part) => part !== undefined);
    return `📥 已添加${parts.length > 0 ? ` ${parts.join("、")}` : "素材"}${askWhatToMake ? " — 告诉我想做什么" : ""}`;
  },
  uploading: (done: number, total: number) => `⬆️ 正在上传 ${num(done)}/${num(total)}…`,
  uploadFailed: (filename?: string) => `⚠️ ${filename ? bold(filename) : "文件"}上传失败，请重新发送。`,
  uploadFailedAll: (count: number) => `⚠️ 这 ${num(count)} 个文件都没能上传，请重新发送。`,
  uploadHelp: "📎 直接在这里发送照片、视频或音频（或粘贴链接）— 我会把它们加入你的项目。",
  unsupportedMedia: `🚫 不支持这种文件类型。支持的格式：${ACCEPTED_FORMATS}。`,
  fileTooBigForTelegram: (filename?: string) =>
    `📦 ${filename ? bold(filename) : "文件"}超过 20 MB，Telegram 不允许机器人下载。请剪短或压缩，或者发送文件链接。`,
  fileTooLargeForNemo: (filename?: string) =>
    `📦 NemoVideo 提示${filename ? ` ${bold(filename)} ` : "文件"}太大。请剪短或压缩后重新发送。`,
};
