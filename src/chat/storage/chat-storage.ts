import { type output, ZodArray, type ZodType } from "zod";
import { asideKey, KEYS, type KeyName, SCHEMAS } from "./keys";
import { serialOn } from "./serial";

type Value<N extends KeyName> = output<(typeof SCHEMAS)[N]>;
export type StoredValues = { [N in KeyName]?: Value<N> };

/**
 * A chat's storage through the registry (keys.ts): values are read through their schema, and every write
 * of a key waits for the changes of that key before it (serial.ts), so `update` is a read-modify-write
 * nothing can slip into. One per storage object.
 */
export type ChatStorage = ReturnType<typeof createChatStorage>;

const byStorage = new WeakMap<DurableObjectStorage, ChatStorage>();

export function chatStorage(storage: DurableObjectStorage): ChatStorage {
  let facade = byStorage.get(storage);
  if (!facade) {
    facade = createChatStorage(storage);
    byStorage.set(storage, facade);
  }
  return facade;
}

function createChatStorage(storage: DurableObjectStorage) {
  return {
    async get<N extends KeyName>(name: N): Promise<Value<N> | undefined> {
      return readItem(storage, KEYS[name], SCHEMAS[name] as unknown as ZodType<Value<N>>);
    },

    /** Writes several keys in one put: they land together or not at all. */
    put(values: StoredValues): Promise<void> {
      const entries = Object.fromEntries(Object.entries(values).map(([name, value]) => [KEYS[name as KeyName], value]));
      const keys = Object.keys(entries);
      const [only] = keys;
      return serialOn(storage, keys, () =>
        keys.length === 1 && only !== undefined ? storage.put(only, entries[only]) : storage.put(entries),
      );
    },

    async delete(...names: KeyName[]): Promise<void> {
      const keys = names.map((name) => KEYS[name]);
      const [only] = keys;
      await serialOn(storage, keys, async () => {
        if (keys.length === 1 && only !== undefined) await storage.delete(only);
        else await storage.delete(keys);
      });
    },

    /**
     * Reads the key, applies `change` (undefined deletes the key) and writes the result, with no other
     * change of the key in between. `change` is synchronous: it decides from the value alone.
     */
    update<N extends KeyName>(
      name: N,
      change: (current: Value<N> | undefined) => Value<N> | undefined,
    ): Promise<Value<N> | undefined> {
      return updateItem(storage, KEYS[name], SCHEMAS[name] as unknown as ZodType<Value<N>>, change);
    },

    /** Reads the key and deletes it in one step, answering what it held (a one-time mark is taken once). */
    async take<N extends KeyName>(name: N): Promise<Value<N> | undefined> {
      let taken: Value<N> | undefined;
      await this.update(name, (current) => {
        taken = current;
        return undefined;
      });
      return taken;
    },
  };
}

/** Reads one key (a single key or an item of a prefixed store) through its schema. */
export async function readItem<T>(
  storage: DurableObjectStorage,
  key: string,
  schema: ZodType<T>,
): Promise<T | undefined> {
  const raw = await storage.get(key);
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return setAside(storage, key, schema);
}

/** Sets an unreadable value aside (see setAsideUnreadable), in the key's chain. */
export function setAside<T>(storage: DurableObjectStorage, key: string, schema: ZodType<T>): Promise<T | undefined> {
  return serialOn(storage, [key], () => setAsideUnreadable(storage, key, schema));
}

/** `update` for any key: read, change, write, with no other change of the key in between. */
export function updateItem<T>(
  storage: DurableObjectStorage,
  key: string,
  schema: ZodType<T>,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  return serialOn(storage, [key], async () => {
    const raw = await storage.get(key);
    const parsed = raw === undefined ? undefined : schema.safeParse(raw);
    const current = parsed?.success ? parsed.data : parsed ? await setAsideUnreadable(storage, key, schema) : undefined;
    const next = change(current);
    // The value handed back unchanged: nothing to write.
    if (next === current && next !== undefined) return next;
    if (next === undefined) {
      if (current !== undefined || raw !== undefined) await storage.delete(key);
    } else await storage.put(key, next);
    return next;
  });
}

/**
 * A stored value that no longer parses (written by a broken or newer version) is never trusted nor
 * silently lost: it moves to `aside:<key>` for the operator to look at, the warning names only the key.
 * A list keeps its readable items in place and sets aside only the others.
 */
async function setAsideUnreadable<T>(
  storage: DurableObjectStorage,
  key: string,
  schema: ZodType<T>,
): Promise<T | undefined> {
  const raw = await storage.get(key);
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  console.warn(JSON.stringify({ level: "warn", event: "storage_invalid", key }));
  if (schema instanceof ZodArray && Array.isArray(raw)) {
    const kept: unknown[] = [];
    const unreadable: unknown[] = [];
    for (const item of raw) {
      const one = (schema.element as ZodType).safeParse(item);
      if (one.success) kept.push(one.data);
      else unreadable.push(item);
    }
    await storage.put({ [key]: kept, [asideKey(key)]: unreadable });
    return kept as T;
  }
  // Issued together, so the value is never in both places or in neither.
  await Promise.all([storage.put(asideKey(key), raw), storage.delete(key)]);
  return undefined;
}

/** Every item of a prefixed store, in key order; an unreadable one is set aside (not listed). */
export async function listItems<T>(
  storage: DurableObjectStorage,
  prefix: string,
  schema: ZodType<T>,
  options: { limit?: number } = {},
): Promise<[string, T][]> {
  const items: [string, T][] = [];
  for (const [key, value] of await storage.list({ prefix, ...options })) {
    const parsed = schema.safeParse(value);
    if (parsed.success) items.push([key, parsed.data]);
    else await setAside(storage, key, schema);
  }
  return items;
}
