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
