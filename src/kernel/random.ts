/** Seeded random choices: the same seed gives the same pick, so `scs-chaos run --seed N` repeats a run's choices. */

/**
 * mulberry32: a small, fast 32-bit seeded PRNG (Tommy Ettinger's mulberry32) returning floats in [0, 1). Not
 * for secrets; for reproducible choices it is enough and needs no dependency.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pickSeeded: `count` items chosen by a Fisher–Yates shuffle driven by mulberry32(seed); same seed, same pick. */
export function pickSeeded<T>(items: readonly T[], count: number, seed: number): T[] {
  const random = mulberry32(seed);
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}
