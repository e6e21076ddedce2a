import type { Csr } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { topKDense } from '../topk.js';

/** Most-interacted items first (number of distinct users), the user's own items excluded. */
export function fitPopularity(train: Csr): BatchRecommender {
  const counts = new Float64Array(train.cols);
  for (let p = 0; p < train.indices.length; p++) counts[train.indices[p]!]! += 1;
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  return {
    name: 'popularity',
    recommend: (_u, k, exclude, out) => topKDense(counts, k, exclude, out, heapIdx, heapVal),
  };
}
