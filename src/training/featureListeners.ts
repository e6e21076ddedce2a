// Content features as pseudo-listeners (side information in the factorisation, as collective matrix
// factorisation does it): feature k becomes one more row of the confidence matrix that "played" every track
// with a positive value v of it, at confidence 1 + weight * v. ALS then pulls tracks that share a tag or genre
// towards a common direction, which steadies the vectors of tracks with few plays. Only tracks that already
// have evidence get entries: the others keep their content-mapped cold-start vectors (point 4 of issue 11).
// Measured on MovieLens 100K (19 genre flags), chosen on the inner split: docs/evaluation.md.
import type { ConfidenceMatrix } from './compactAxes.js';

/**
 * The matrix with `dim` rows appended, row rows + k listing the played tracks (played[t] = 1: a column of m with an
 * entry) whose feature k is > 0.
 */
export function withFeatureListeners(m: ConfidenceMatrix, played: Uint8Array, features: Float32Array, dim: number, weight: number): ConfidenceMatrix {
  const nnz = m.indptr[m.rows] as number;
  const perFeature = new Float64Array(dim);
  for (let t = 0; t < m.cols; t++) {
    if (played[t] === 0) continue;
    for (let k = 0; k < dim; k++) if (features[t * dim + k]! > 0) perFeature[k]!++;
  }
  let extra = 0;
  for (let k = 0; k < dim; k++) extra += perFeature[k]!;
  const indptr = new Float64Array(m.rows + dim + 1);
  for (let r = 0; r <= m.rows; r++) indptr[r] = m.indptr[r] as number;
  for (let k = 0; k < dim; k++) indptr[m.rows + k + 1] = indptr[m.rows + k]! + perFeature[k]!;
  const total = nnz + extra;
  const indices = new Int32Array(total);
  const confidence = new Float32Array(total);
  indices.set(m.indices.subarray(0, nnz));
  confidence.set(m.confidence.subarray(0, nnz));
  const fill = indptr.slice(m.rows, m.rows + dim);
  for (let t = 0; t < m.cols; t++) {
    if (played[t] === 0) continue;
    for (let k = 0; k < dim; k++) {
      const v = features[t * dim + k]!;
      if (!(v > 0)) continue;
      const at = fill[k]!++;
      indices[at] = t;
      confidence[at] = 1 + weight * v;
    }
  }
  return {
    rows: m.rows + dim,
    cols: m.cols,
    indptr: total > 0x7fffffff ? Uint32Array.from(indptr) : Int32Array.from(indptr),
    indices,
    confidence,
  };
}
