import type { MessageEntity } from "@grammyjs/types";

/** Text after parse_mode was applied: what the person sees, plus entities in UTF-16 offsets. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** Telegram reports parse errors at UTF-8 byte offsets of the source, not JS indices. */
export const byteOffset = (source: string, index: number): number => Buffer.byteLength(source.slice(0, index), "utf8");

/** A parse failure; the caller wraps it as 400 "Bad Request: can't parse entities: …". */
export class EntityParseError extends Error {}

export type EntityWithoutRange = DistributiveOmit<MessageEntity, "offset" | "length">;

/** Accumulates output text and entities; offsets are JS string indices, which are UTF-16 code units. */
export class EntityBuilder {
  text = "";
  readonly entities: MessageEntity[] = [];

  /** Records an entity that started at `start` and ends at the current output position; empty ones are dropped. */
  close(entity: EntityWithoutRange, start: number): void {
    const length = this.text.length - start;
    if (length > 0) this.entities.push({ ...entity, offset: start, length } as MessageEntity);
  }

  result(): FormattedText {
    // Telegram lists entities by offset, outer before inner.
    const entities = [...this.entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { text: this.text, entities };
  }
}

/** Omit applied to each member of a union, so entity-specific fields survive. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
