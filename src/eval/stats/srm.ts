import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export interface SrmCheck {
  readonly chiSquare: number;
  readonly df: number;
  readonly p: number;
  /** p below the threshold (0.001): the assignment is broken, the readout must not be trusted. */
  readonly mismatch: boolean;
}

export const SRM_THRESHOLD = 0.001;

/** Sample-ratio-mismatch check: Pearson's χ² of observed units per arm against the declared weights. */
export function srmCheck(observed: readonly number[], weights: readonly number[], threshold = SRM_THRESHOLD): SrmCheck {
  const total = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  let chi = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * weights[i]!) / wsum;
    if (expected > 0) chi += (observed[i]! - expected) ** 2 / expected;
  }
  const df = observed.length - 1;
  const p = df > 0 && total > 0 ? 1 - chiSquareCdf(chi, df) : 1;
  return { chiSquare: chi, df, p, mismatch: p < threshold };
}
