import { seededRandom } from '../rng.js';

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  /** Number of resamples (at least 1,000 for a reported interval). */
  readonly resamples: number;
  readonly seed: number;
  /** Two-sided confidence level, e.g. 0.95. */
  readonly level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, seed: 17, level: 0.95 };

/** The q-quantile (0..1) of sorted values, linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Percentile bootstrap interval of `statistic` over n units: each resample draws n unit indices with
 * replacement (seeded mulberry32) and hands them to `statistic`. Hand-written: a few lines, and no npm
 * bootstrap package takes a statistic over index resamples of typed arrays.
 */
export function bootstrapInterval(n: number, statistic: (idx: Int32Array) => number, opts: BootstrapOptions = DEFAULT_BOOTSTRAP): Interval {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const estimate = statistic(all);
  if (n === 0) return { estimate, low: NaN, high: NaN };
  const rand = seededRandom(opts.seed);
  const stats = new Float64Array(opts.resamples);
  const idx = new Int32Array(n);
  for (let b = 0; b < opts.resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    stats[b] = statistic(idx);
  }
  stats.sort();
  const alpha = (1 - opts.level) / 2;
  return { estimate, low: quantileSorted(stats, alpha), high: quantileSorted(stats, 1 - alpha) };
}

/** Bootstrap interval of the mean of `values`. */
export function bootstrapMean(values: Float64Array, opts: BootstrapOptions = DEFAULT_BOOTSTRAP): Interval {
  return bootstrapInterval(values.length, (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += values[idx[i]!]!;
    return idx.length ? s / idx.length : NaN;
  }, opts);
}
