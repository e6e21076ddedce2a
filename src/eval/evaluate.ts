import type { Csr } from './interactions.js';
import { ndcgAtK, recallAtK } from './metrics.js';

/** Anything that can give a user's top-k items, excluding the given (sorted) training items. */
export interface BatchRecommender {
  readonly name: string;
  /** Writes up to k item indices, best first, into `out`; returns how many. */
  recommend(user: number, k: number, exclude: Int32Array, out: Int32Array): number;
}

/** A recommender that also gives its raw score of every item (for blends of several models' scores). */
export interface ScoringRecommender extends BatchRecommender {
  /** Writes the user's score of every item (cols of the training matrix) into `out`. */
  score(user: number, out: Float64Array): void;
}

export interface AccuracyResult {
  readonly name: string;
  readonly k: number;
  readonly users: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly seconds: number;
}

/** Mean Recall@K and NDCG@K over every user with at least one test item; `listFor(u)` gives u's top-k list. */
function meanAccuracy(test: Csr, k: number, listFor: (u: number) => Int32Array): { users: number; recall: number; ndcg: number } {
  let users = 0;
  let recall = 0;
  let ndcg = 0;
  for (let u = 0; u < test.rows; u++) {
    const ts = test.indptr[u]!;
    const te = test.indptr[u + 1]!;
    if (te === ts) continue;
    const relevant = test.indices.subarray(ts, te);
    const list = listFor(u);
    recall += recallAtK(list, relevant, k);
    ndcg += ndcgAtK(list, relevant, k);
    users++;
  }
  return { users, recall: users ? recall / users : 0, ndcg: users ? ndcg / users : 0 };
}

/** Mean Recall@K and NDCG@K of a recommender, each user's training items excluded. */
export function evaluateRecommender(rec: BatchRecommender, train: Csr, test: Csr, k: number): AccuracyResult {
  const started = performance.now();
  const out = new Int32Array(k);
  const none = new Int32Array(0);
  const m = meanAccuracy(test, k, (u) => {
    const exclude = u < train.rows ? train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!) : none;
    out.fill(-1);
    return out.subarray(0, rec.recommend(u, k, exclude, out));
  });
  return { name: rec.name, k, ...m, seconds: (performance.now() - started) / 1000 };
}

/** Evaluates precomputed lists (e.g. read from an `encore offline` RECS file): recs is users x k, -1 padded. */
export function evaluateLists(name: string, recs: Int32Array, k: number, test: Csr, seconds = 0): AccuracyResult {
  return { name, k, ...meanAccuracy(test, k, (u) => recs.subarray(u * k, u * k + k)), seconds };
}
