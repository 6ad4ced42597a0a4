/**
 * Random choices that a failing run can replay: the seed comes from BASE44_TEST_SEED, else from
 * the clock; a test names the seed in its failure messages.
 */
export interface SeededRandom {
  seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(): SeededRandom {
  const seed = Number(process.env.BASE44_TEST_SEED) || Date.now() % 1_000_000;
  const next = mulberry32(seed);
  return {
    seed,
    next,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** mulberry32: small, fast and good enough to pick test inputs. */
function mulberry32(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
