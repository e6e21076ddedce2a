import type { Csr } from '../interactions.js';
import type { BatchRecommender, ScoringRecommender } from '../evaluate.js';
import { invertSpdInPlace } from '../cholesky.js';
import { topKDense } from '../topk.js';

/**
 * EASE (Steck 2019) on binary interactions: P = (X^T X + lambda I)^-1, B = -P / diag(P) with a zero
 * diagonal, scores = x_u B. Needs a dense inverse of min(items, users) squared, so it is an accuracy target
 * for small catalogs (or few listeners), not a design for 8.2M tracks. With fewer listeners than items the
 * same model is computed in its listeners x listeners (dual) form, fitEaseDual.
 */
export function fitEase(train: Csr, lambda = 500): BatchRecommender {
  return train.rows < train.cols ? fitEaseDual(train, lambda) : fitEasePrimal(train, lambda);
}

/** The items x items form: one n x n inverse (n = items). */
export function fitEasePrimal(train: Csr, lambda: number): ScoringRecommender {
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
  const score = (u: number, out: Float64Array): void => {
    out.fill(0, 0, n);
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
      const row = train.indices[p]! * n;
      for (let j = 0; j < n; j++) out[j]! += b[row + j]!;
    }
  };
  return {
    name: 'EASE',
    score,
    recommend(u, k, exclude, out) {
      score(u, scores);
      return topKDense(scores, k, exclude, out, heapIdx, heapVal);
    },
  };
}

/**
 * EASE through the push-through identity, for catalogs with more items than listeners (U < n):
 * P = (1/lambda)(I - X^T K^-1 X) with K = X X^T + lambda I (U x U). For a training row u, x_u P = (K^-1)_u X,
 * and diag(P)_j = (1/lambda)(1 - X_j^T K^-1 X_j) over item j's listeners; so a score, x_u B = x_u - (x_u P) / diag(P),
 * costs O(nnz) per listener and the only dense matrix is U x U. Equal to the primal form (test/eval/baselines.test.ts).
 */
export function fitEaseDual(train: Csr, lambda: number): BatchRecommender {
  const U = train.rows;
  const n = train.cols;
  // Item -> its listeners (the transpose of X), for K and diag(P).
  const colCount = new Int32Array(n + 1);
  for (let p = 0; p < train.indptr[U]!; p++) colCount[train.indices[p]! + 1]!++;
  for (let j = 0; j < n; j++) colCount[j + 1]! += colCount[j]!;
  const colUsers = new Int32Array(train.indptr[U]!);
  const fill = colCount.slice(0, n);
  for (let u = 0; u < U; u++) for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) colUsers[fill[train.indices[p]!]!++] = u;
  const k = new Float64Array(U * U);
  for (let j = 0; j < n; j++) {
    for (let a = colCount[j]!; a < colCount[j + 1]!; a++) {
      const row = colUsers[a]! * U;
      for (let b = colCount[j]!; b < colCount[j + 1]!; b++) k[row + colUsers[b]!]! += 1;
    }
  }
  for (let u = 0; u < U; u++) k[u * U + u]! += lambda;
  invertSpdInPlace(k, U);
  const invDiagP = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let quad = 0;
    for (let a = colCount[j]!; a < colCount[j + 1]!; a++) {
      const row = colUsers[a]! * U;
      for (let b = colCount[j]!; b < colCount[j + 1]!; b++) quad += k[row + colUsers[b]!]!;
    }
    invDiagP[j] = lambda / (1 - quad);
  }
  const scores = new Float64Array(n);
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  return {
    name: 'EASE',
    recommend(u, kk, exclude, out) {
      // (x_u P)_j = sum over listeners v of K^-1[u, v] X[v, j].
      scores.fill(0);
      const row = u * U;
      for (let v = 0; v < U; v++) {
        const w = k[row + v]!;
        if (w === 0) continue;
        for (let p = train.indptr[v]!; p < train.indptr[v + 1]!; p++) scores[train.indices[p]!]! += w;
      }
      for (let j = 0; j < n; j++) scores[j] = -scores[j]! * invDiagP[j]!;
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) scores[train.indices[p]!]! += 1; // + x_u (B's zero diagonal)
      return topKDense(scores, kk, exclude, out, heapIdx, heapVal);
    },
  };
}
