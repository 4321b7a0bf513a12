import { mulberry32 } from "../nemo/random";
/**
 * Flaky connections for both fakes (issue 16): a chosen share of requests is reset or stalled at random,
 * the way real networks and busy front-ends drop connections now and then. Seeded with its own generator,
 * so a run replays and switching flakiness on does not change the fake's other random choices.
 *
 * Modes, drawn per request:
 * - "reset": the connection is closed before the request is handled: nothing happened.
 * - "stall": the request hangs for `stallMs`, then the connection is closed: nothing happened, late.
 * - "lostAnswer" (only where the fake enables it): the request is handled, then the connection is closed
 *   instead of answering: it happened, but the caller cannot know.
 */
export type FlakyMode = "reset" | "stall" | "lostAnswer";

export type FlakyOptions = {
  /** Share of requests hit, 0..1 (e.g. 0.02). */
  rate: number;
  seed?: number;
  /** How long a stalled request hangs before its connection is closed (real ms; default 1000). */
  stallMs?: number;
};

export class Flaky {
  private random: () => number = () => 1;
  private options: FlakyOptions = { rate: 0 };
  /** How many requests each mode hit since the last `set`. */
  readonly counts: Record<FlakyMode, number> = { reset: 0, stall: 0, lostAnswer: 0 };

  constructor(options?: FlakyOptions) {
    if (options) this.set(options);
  }

  /** Changes the rate (0 or undefined switches flakiness off) and restarts the seeded sequence. */
  set(options: FlakyOptions | undefined): void {
    if (options && !(options.rate >= 0 && options.rate <= 1)) throw new Error("flaky rate must be between 0 and 1");
    this.options = options ?? { rate: 0 };
    this.random = mulberry32(options?.seed ?? 16);
    this.counts.reset = this.counts.stall = this.counts.lostAnswer = 0;
  }

  get rate(): number {
    return this.options.rate;
  }

  get stallMs(): number {
    return this.options.stallMs ?? 1_000;
  }

  /** Decides one request's fate: undefined = healthy, otherwise one of `modes`, evenly. */
  draw(modes: readonly FlakyMode[]): FlakyMode | undefined {
    if (this.options.rate <= 0 || modes.length === 0) return undefined;
    if (this.random() >= this.options.rate) return undefined;
    const mode = modes[Math.floor(this.random() * modes.length)] as FlakyMode;
    this.counts[mode]++;
    return mode;
  }
}

/** Parses the `--flaky` value of both fakes' command lines ("0.02"). */
export function parseFlakyRate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const rate = Number(text);
  if (!(rate >= 0 && rate <= 1)) throw new Error("--flaky is a share between 0 and 1, e.g. 0.02");
  return rate;
}
