/**
 * Runs read-modify-write changes of one piece of storage one after another. A Durable Object is single
 * threaded, but its code interleaves at every await: two concurrent changes that each read, then write,
 * can lose one another's write. Storage input gates do not prevent that; they hold back new events, not
 * code already running in the object.
 */
export function createSerial(): <T>(change: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (change) => {
    const run = tail.then(change);
    tail = run.catch(() => undefined);
    return run;
  };
}

const tailsByStorage = new WeakMap<DurableObjectStorage, Map<string, Promise<unknown>>>();

/**
 * Runs `change` once every earlier change of any of `keys` in this object's storage has settled, and
 * makes later changes of those keys wait for it. One set of chains per storage object, so every store
 * of a chat shares them without being handed anything. `change` must not wait for a change of the same
 * keys (it would wait for itself): the changes given here are single reads and writes.
 */
export function serialOn<T>(storage: DurableObjectStorage, keys: string[], change: () => Promise<T>): Promise<T> {
  let tails = tailsByStorage.get(storage);
  if (!tails) {
    tails = new Map();
    tailsByStorage.set(storage, tails);
  }
  const before = keys.flatMap((key) => tails.get(key) ?? []);
  const run = (before.length > 0 ? Promise.all(before) : Promise.resolve()).then(change);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  for (const key of keys) tails.set(key, settled);
  // A chain that ran out is forgotten, so keys used once (rate records, render jobs) do not pile up.
  void settled.then(() => {
    for (const key of keys) if (tails.get(key) === settled) tails.delete(key);
  });
  return run;
}
