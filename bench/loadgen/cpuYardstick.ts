// A fixed single-threaded workload timed at the start of a benchmark, so that absolute service times of runs on
// different days can be compared: on this shared 2-core machine the same code and bundle ran 1.5-2x slower from
// one day to the next (pipeline p50 2.03 ms one afternoon, 3.40-3.88 ms the next morning). The work resembles the
// feed's own: dot products of a 64-d query with rows gathered at random from a table far larger than the caches
// (what AnnSource, FeatureHydration and the co-listen lookups spend their time on at 8.2M tracks).
// Hand-written: a few lines, and no benchmark library times a workload of this shape.
import { seededRandom } from '../../src/eval/rng.js';

const DIM = 64;
const ROWS = 1 << 20; // 1M x 64 float32 = 256 MiB: far beyond any cache
const GATHERS = 200_000;
const REPEATS = 5;

export interface CpuYardstick {
  /** Median over REPEATS of the time for GATHERS random row gathers + dot products, ms. */
  readonly medianMs: number;
  readonly description: string;
}

export function measureCpuYardstick(): CpuYardstick {
  const rand = seededRandom(11);
  const table = new Float32Array(ROWS * DIM);
  for (let i = 0; i < table.length; i++) table[i] = rand() - 0.5;
  const query = Float32Array.from({ length: DIM }, () => rand() - 0.5);
  const order = Int32Array.from({ length: GATHERS }, () => Math.floor(rand() * ROWS));
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r <= REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < GATHERS; i++) {
      const o = order[i]! * DIM;
      let s = 0;
      for (let d = 0; d < DIM; d++) s += table[o + d]! * query[d]!;
      sink += s;
    }
    if (r > 0) times.push(performance.now() - t0); // the first pass warms the JIT
  }
  if (!Number.isFinite(sink)) throw new Error('yardstick overflowed');
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    description: `${GATHERS / 1000}k random 64-d rows of a 256 MiB table gathered and dotted with a query, one thread, median of ${REPEATS}`,
  };
}
