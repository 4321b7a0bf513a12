import type { RecordedCall } from "./types.js";

interface Waiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
}

/** Every answered Bot API call, with a way to await one that has not happened yet. */
export class CallLog {
  /** The same array for the fake's lifetime; reset() empties it in place so references held by tests stay live. */
  readonly calls: RecordedCall[] = [];
  private readonly waiters = new Set<Waiter>();

  push(call: RecordedCall): void {
    this.calls.push(call);
    for (const waiter of this.waiters) {
      if (waiter.predicate(call)) {
        this.waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const existing = this.calls.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`waitFor: no matching Bot API call within ${timeoutMs} ms. Calls seen:\n${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** One line per call: method, status, and the params that identify it. */
  describe(): string {
    if (this.calls.length === 0) return "  (none)";
    return this.calls
      .map((call, index) => {
        const params = JSON.stringify(call.params, (_key, value) =>
          typeof value === "string" && value.length > 60 ? `${value.slice(0, 57)}...` : value,
        );
        const error = call.response.ok ? "" : ` "${call.response.description}"`;
        return `  ${index + 1}. ${call.method} -> ${call.status}${error} ${params}`;
      })
      .join("\n");
  }
}
