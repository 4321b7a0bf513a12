import type { FaultSpec } from "./types.js";

interface ArmedFault {
  method: string;
  spec: FaultSpec;
  remaining: number;
}

/** Failures armed by tests; each matching call consumes one, oldest fault first. */
export class Faults {
  private armed: ArmedFault[] = [];

  add(method: string, spec: FaultSpec): void {
    this.armed.push({ method: method === "*" ? "*" : method.toLowerCase(), spec, remaining: spec.times ?? 1 });
  }

  /** `exact` skips "*" faults, for requests that are not Bot API methods (file downloads). */
  take(method: string, options: { exact?: boolean } = {}): FaultSpec | undefined {
    const name = method.toLowerCase();
    const fault = this.armed.find((armed) => (armed.method === "*" && !options.exact) || armed.method === name);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.armed = this.armed.filter((armed) => armed !== fault);
    return fault.spec;
  }

  clear(): void {
    this.armed = [];
  }
}
