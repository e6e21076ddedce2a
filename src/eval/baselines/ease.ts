import type { Csr } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { invertSpdInPlace } from '../cholesky.js';
import { topKDense } from '../topk.js';

/**
 * EASE (Steck 2019) on binary interactions: P = (X^T X + lambda I)^-1, B = -P / diag(P) with a zero
 * diagonal, scores = x_u B. Needs an items x items dense matrix, so it is an accuracy target for small
 * catalogs, not a design for 8.2M tracks.
 */
export function fitEase(train: Csr, lambda = 500): BatchRecommender {
  const n = train.cols;
  const g = new Float64Array(n * n);
  for (let u = 0; u < train.rows; u++) {
    const s = train.indptr[u]!;
    const e = train.indptr[u + 1]!;
    for (let p = s; p < e; p++) {
      const i = train.indices[p]!;
      const row = i * n;
      for (let q = s; q < e; q++) g[row + train.indices[q]!]! += 1;
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  invertSpdInPlace(g, n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -g[i * n + j]! / g[j * n + j]!;
  }
  const scores = new Float64Array(n);
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  return {
    name: 'EASE',
    recommend(u, k, exclude, out) {
      scores.fill(0);
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
        const row = train.indices[p]! * n;
        for (let j = 0; j < n; j++) scores[j]! += b[row + j]!;
      }
      return topKDense(scores, k, exclude, out, heapIdx, heapVal);
    },
  };
}
