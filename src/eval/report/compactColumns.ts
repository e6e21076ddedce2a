import { itemsWithData, type Csr } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';

/**
 * Fits `fit` on the columns of `train` that have data only (renumbered 0..m in original order, so rows stay
 * sorted), and maps its lists back: a dense-in-items model (EASE) then costs m x m, not cols x cols.
 */
export function compactColumns(train: Csr, fit: (compact: Csr) => BatchRecommender): BatchRecommender {
  const toOrig = itemsWithData(train);
  const toCompact = new Int32Array(train.cols).fill(-1);
  for (let c = 0; c < toOrig.length; c++) toCompact[toOrig[c]!] = c;
  const indices = Int32Array.from(train.indices, (i) => toCompact[i]!);
  const inner = fit({ rows: train.rows, cols: toOrig.length, indptr: train.indptr, indices, values: train.values });
  return {
    name: inner.name,
    recommend(u, k, exclude, out) {
      const ex: number[] = [];
      for (const i of exclude) if (toCompact[i]! >= 0) ex.push(toCompact[i]!);
      const n = inner.recommend(u, k, Int32Array.from(ex), out);
      for (let r = 0; r < n; r++) out[r] = toOrig[out[r]!]!;
      return n;
    },
  };
}
