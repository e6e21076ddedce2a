// Listener-activity weighting of the ALS input: each positive entry's preference weight (confidence − 1) is scaled
// by (n / mean n)^−exponent, n = the listener's number of positive entries, so that a listener with 400 rows does
// not pull the item factors 20 times as hard as one with 20 (each of their rows says less about the items than a
// light listener's few choices). Negative entries and the confidence 1 of unobserved pairs are unchanged.
// Measured on MovieLens 100K's inner splits (docs/evaluation.md): exponent 0.5 chosen from 0.1-1.
import type { ConfidenceMatrix } from './compactAxes.js';

/** The largest exponent the commands accept (at 2 a listener with 4x the mean activity weighs 1/16 as much). */
export const MAX_ACTIVITY_EXPONENT = 2;

/** A copy of m whose positive entries' weights are scaled by activity; m itself when exponent is 0. */
export function withActivityWeighting(m: ConfidenceMatrix, exponent: number): ConfidenceMatrix {
  if (exponent === 0) return m;
  const positives = new Int32Array(m.rows);
  let total = 0;
  let active = 0;
  for (let u = 0; u < m.rows; u++) {
    let n = 0;
    for (let p = m.indptr[u] as number; p < (m.indptr[u + 1] as number); p++) if (m.confidence[p]! > 0) n++;
    positives[u] = n;
    total += n;
    if (n > 0) active++;
  }
  if (active === 0) return m;
  const mean = total / active;
  const confidence = Float32Array.from(m.confidence);
  for (let u = 0; u < m.rows; u++) {
    if (positives[u] === 0) continue;
    const scale = Math.pow(positives[u]! / mean, -exponent);
    for (let p = m.indptr[u] as number; p < (m.indptr[u + 1] as number); p++) {
      const c = confidence[p]!;
      if (c > 0) confidence[p] = 1 + (c - 1) * scale;
    }
  }
  return { ...m, confidence };
}
