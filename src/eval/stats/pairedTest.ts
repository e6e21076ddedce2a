import tCdf from '@stdlib/stats-base-dists-t-cdf';

export interface PairedTTest {
  readonly test: 'paired t-test (two-sided)';
  readonly n: number;
  readonly meanDifference: number;
  readonly sdDifference: number;
  readonly t: number;
  readonly df: number;
  readonly p: number;
}

/** Sample mean and unbiased variance (n - 1) of values. */
export function meanVariance(values: ArrayLike<number>): { mean: number; variance: number; n: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, variance: n > 1 ? ss / (n - 1) : NaN, n };
}

/** Two-sided p-value of a t statistic with df degrees of freedom (Student's t CDF from @stdlib). */
export function twoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return 2 * (1 - tCdf(Math.abs(t), df));
}

/** Paired t-test of per-unit differences d_i = a_i - b_i against a mean difference of 0. */
export function pairedTTest(differences: ArrayLike<number>): PairedTTest {
  const { mean, variance, n } = meanVariance(differences);
  const sd = Math.sqrt(variance);
  const se = sd / Math.sqrt(n);
  const t = se > 0 ? mean / se : mean === 0 ? 0 : Math.sign(mean) * Infinity;
  return { test: 'paired t-test (two-sided)', n, meanDifference: mean, sdDifference: sd, t, df: n - 1, p: n > 1 ? twoSidedP(t, n - 1) : NaN };
}
