// A recommender's lists for the judged users, and per-user Recall@K / NDCG@K of lists against a test matrix.
import type { Csr } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { ndcgAtK, recallAtK } from '../metrics.js';
import { listAt, type Lists } from './listMetrics.js';

export function recommenderLists(rec: BatchRecommender, excluded: (u: number) => Int32Array, users: Int32Array, k: number, rows: number): Lists {
  const items = new Int32Array(rows * k).fill(-1);
  const out = new Int32Array(k);
  for (const u of users) {
    out.fill(-1);
    const n = rec.recommend(u, k, excluded(u), out);
    items.set(out.subarray(0, n), u * k);
  }
  return { k, items };
}

export interface PerUserAccuracy {
  readonly recall: Float64Array;
  readonly ndcg: Float64Array;
}

/** Recall@K and NDCG@K of each judged user (in `users` order). */
export function perUserAccuracy(lists: Lists, test: Csr, users: Int32Array, k: number): PerUserAccuracy {
  const recall = new Float64Array(users.length);
  const ndcg = new Float64Array(users.length);
  users.forEach((u, i) => {
    const relevant = test.indices.subarray(test.indptr[u]!, test.indptr[u + 1]!);
    const l = listAt(lists, u);
    recall[i] = recallAtK(l, relevant, k);
    ndcg[i] = ndcgAtK(l, relevant, k);
  });
  return { recall, ndcg };
}

export function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}
