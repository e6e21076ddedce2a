import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { meanVariance, twoSidedP } from './pairedTest.js';

/** A per-arm estimate: its value and the variance of that estimate (not of the unit values). */
export interface ArmEstimate {
  readonly value: number;
  /** Variance of the estimate (e.g. s^2 / n for a mean; the delta-method variance for a ratio). */
  readonly variance: number;
  /** Units (listeners) behind it. */
  readonly n: number;
}

export interface Comparison {
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  readonly relativeLift: number;
  readonly t: number;
  readonly df: number;
  readonly p: number;
}

/** 95 % (or `level`) interval of one arm's estimate: value ± t_(df = n - 1) × se. */
export function armInterval(a: ArmEstimate, level = 0.95): { low: number; high: number } {
  const se = Math.sqrt(a.variance);
  const q = a.n > 1 ? tQuantile(1 - (1 - level) / 2, a.n - 1) : NaN;
  return { low: a.value - q * se, high: a.value + q * se };
}

/**
 * Welch's unequal-variance t comparison of treatment b against control a: difference b - a, its interval
 * with Welch-Satterthwaite degrees of freedom, relative lift (b - a) / a and the two-sided p-value.
 */
export function welchCompare(a: ArmEstimate, b: ArmEstimate, level = 0.95): Comparison {
  const diff = b.value - a.value;
  const v = a.variance + b.variance;
  const se = Math.sqrt(v);
  const df = (v * v) / ((a.variance * a.variance) / Math.max(1, a.n - 1) + (b.variance * b.variance) / Math.max(1, b.n - 1));
  const t = se > 0 ? diff / se : 0;
  const q = Number.isFinite(df) && df > 0 ? tQuantile(1 - (1 - level) / 2, df) : NaN;
  return { difference: diff, low: diff - q * se, high: diff + q * se, relativeLift: a.value !== 0 ? diff / a.value : NaN, t, df, p: se > 0 ? twoSidedP(t, df) : NaN };
}

/** A mean over units as an ArmEstimate: value = mean, variance = s^2 / n. */
export function meanEstimate(values: ArrayLike<number>): ArmEstimate {
  const { mean, variance, n } = meanVariance(values);
  return { value: mean, variance: variance / n, n };
}

/**
 * A ratio of sums over units, R = Σ num_i / Σ den_i (e.g. completions / plays with the listener as the unit),
 * with the delta-method variance Var(R) ≈ (s_num² - 2 R s_num,den + R² s_den²) / (n × mean_den²).
 */
export function ratioEstimate(num: ArrayLike<number>, den: ArrayLike<number>): ArmEstimate {
  const n = num.length;
  let sn = 0;
  let sd = 0;
  for (let i = 0; i < n; i++) {
    sn += num[i]!;
    sd += den[i]!;
  }
  const mn = sn / n;
  const md = sd / n;
  const r = sd > 0 ? sn / sd : NaN;
  let vn = 0;
  let vd = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    const a = num[i]! - mn;
    const b = den[i]! - md;
    vn += a * a;
    vd += b * b;
    cov += a * b;
  }
  const k = n > 1 ? 1 / (n - 1) : NaN;
  const variance = (k * (vn - 2 * r * cov + r * r * vd)) / (n * md * md);
  return { value: r, variance, n };
}
