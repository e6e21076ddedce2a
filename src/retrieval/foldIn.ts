// Folds a listener into the ALS space from a handful of tracks: the exact ALS user step for one row,
//   (YtY + lambda I + sum_i (c_i - 1) y_i y_i^T) x = sum_i c_i y_i,
// with YtY + lambda I precomputed in the bundle (bundle.gram). Used online for listeners the bundle has never
// seen or whose recent plays changed. A 64 x 64 Cholesky solve is ~0.1 ms; ml-matrix does the factorisation.
// `weights` are confidences as in src/training/confidence.ts (c >= 1 positive; c < 0: preference 0 with
// confidence |c|, e.g. an early skip).
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { ModelBundle } from '../model/ModelBundle.js';

export function foldInUser(bundle: Pick<ModelBundle, 'dim' | 'gram' | 'itemVectors' | 'trackCount'>, tracks: Int32Array, weights: Float32Array): Float32Array {
  const f = bundle.dim;
  const y = new Float32Array(f);
  const A = new Float64Array(f * f);
  for (let i = 0; i < f * f; i++) A[i] = bundle.gram[i]!;
  const b = new Float64Array(f);
  let used = 0;
  for (let j = 0; j < tracks.length; j++) {
    const t = tracks[j]!;
    if (!(t >= 0 && t < bundle.trackCount)) continue;
    let c = weights[j] ?? 1;
    const positive = c > 0;
    if (!positive) c = Math.max(1, -c);
    bundle.itemVectors.copyRow(t, y);
    for (let a = 0; a < f; a++) {
      const ya = y[a]!;
      if (positive) b[a]! += c * ya;
      const w = (c - 1) * ya;
      if (w === 0) continue;
      for (let k = 0; k < f; k++) A[a * f + k]! += w * y[k]!;
    }
    used++;
  }
  const out = new Float32Array(f);
  if (used === 0) return out;
  const M = new Matrix(f, f);
  for (let a = 0; a < f; a++) for (let k = 0; k < f; k++) M.set(a, k, A[a * f + k]!);
  const x = new CholeskyDecomposition(M).solve(Matrix.columnVector(Array.from(b)));
  for (let a = 0; a < f; a++) out[a] = x.get(a, 0);
  return out;
}
