import { randomInt } from "node:crypto";

/**
 * Seeded randomness. Everything the simulator decides by chance (ids, silent edits, progress noise) draws
 * from one generator, so a test that passes a seed sees the same run every time.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
  hex(n: number): string;
  uuid(): string;
}

/** mulberry32: tiny, fast and good enough for test data; not for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed?: number): Rng {
  const next = mulberry32(seed ?? randomInt(0, 2 ** 31));
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bytes = (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = int(0, 255);
    return out;
  };
  const hex = (n: number) =>
    bytes(Math.ceil(n / 2))
      .toString("hex")
      .slice(0, n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    bytes,
    hex,
    uuid: () => {
      const h = hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/** Id formats the real service uses (nemo-api.md §0.2, §1, §3). */
export const ids = {
  /** `nmv_usr_` + 43 url-safe characters (32 random bytes in base64url). */
  token: (rng: Rng) => `nmv_usr_${rng.bytes(32).toString("base64url")}`,
  userId: (rng: Rng) => `anon_${rng.hex(16)}`,
  taskId: (rng: Rng) => `task_${rng.hex(16)}`,
  claimToken: (rng: Rng) => `clm_${rng.bytes(24).toString("base64url")}`,
  /** 19-digit numeric string, snowflake-like (first digit never 0). */
  sessionId: (rng: Rng) => {
    let s = String(rng.int(1, 9));
    while (s.length < 19) s += String(rng.int(0, 9));
    return s;
  },
};
