/**
 * Names for uploads that came without one (Telegram photos never have a file name; videos, GIFs and
 * audio often lack one): "Photo 1", "Clip 2", "Audio 1", "File 3", numbered per chat and kind, so the
 * agent (and the timeline it builds) speaks of the user's files the way the user would. A file that has a
 * name of its own (a document, a named video) keeps it. The extension NemoVideo needs is added at upload.
 */
import { type AlbumItem, chatStorage } from "../storage";

function wordFor(item: AlbumItem): string {
  const mime = item.mimeType ?? "";
  if (item.kind === "photo" || (item.kind === "document" && mime.startsWith("image/"))) return "Photo";
  if (item.kind === "video" || item.kind === "animation" || mime.startsWith("video/")) return "Clip";
  if (item.kind === "audio" || mime.startsWith("audio/")) return "Audio";
  return "File";
}

/** The items with a name each; the per-chat counters are kept in storage so later batches go on counting. */
export async function nameItems(storage: DurableObjectStorage, items: AlbumItem[]): Promise<AlbumItem[]> {
  if (items.every((item) => item.fileName?.trim())) return items;
  let named = items;
  // Counted and stored in one step: two batches named at once never get the same number.
  await chatStorage(storage).update("mediaNumbers", (stored) => {
    const numbers: Record<string, number> = { ...stored };
    named = items.map((item) => {
      if (item.fileName?.trim()) return item;
      const word = wordFor(item);
      const next = (Number.isInteger(numbers[word]) ? (numbers[word] ?? 0) : 0) + 1;
      numbers[word] = next;
      return { ...item, fileName: `${word} ${next}` };
    });
    return numbers;
  });
  return named;
}
