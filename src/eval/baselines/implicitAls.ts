import { itemsWithData, type Csr } from '../interactions.js';
import type { ScoringRecommender } from '../evaluate.js';
import { topKDense } from '../topk.js';
import { trainAls, type AlsOptions } from '../../training/als.js';

export interface ImplicitAlsBaselineOptions extends AlsOptions {
  /** confidence = 1 + alpha * log1p(w) */
  readonly alpha: number;
}

export const ALS_BASELINE: ImplicitAlsBaselineOptions = { factors: 64, iterations: 15, lambda: 10, cgSteps: 3, seed: 7, threads: 0, alpha: 1 };

/** Implicit ALS (the retrieval helper's trainAls, the same code that trains Encore's embeddings); scores u . v. */
export async function fitImplicitAls(train: Csr, opts: ImplicitAlsBaselineOptions = ALS_BASELINE): Promise<ScoringRecommender> {
  const confidence = new Float32Array(train.values.length);
  for (let p = 0; p < confidence.length; p++) confidence[p] = 1 + opts.alpha * Math.log1p(train.values[p]!);
  const { userFactors, itemFactors } = await trainAls(
    { rows: train.rows, cols: train.cols, indptr: train.indptr, indices: train.indices, confidence },
    opts,
  );
  const f = opts.factors;
  // Items without training data have zero vectors (trainAls): their score stays 0, so only the others are
  // scored per user (at full scale a third of the catalog).
  const active = itemsWithData(train);
  const scores = new Float64Array(train.cols);
  const heapIdx = new Int32Array(1024);
  const heapVal = new Float64Array(1024);
  const scoreActive = (u: number, out: Float64Array): void => {
    const uo = u * f;
    for (const j of active) {
      let s = 0;
      const jo = j * f;
      for (let d = 0; d < f; d++) s += userFactors[uo + d]! * itemFactors[jo + d]!;
      out[j] = s;
    }
  };
  return {
    name: 'implicit ALS',
    score(u, out) {
      out.fill(0, 0, train.cols);
      scoreActive(u, out);
    },
    recommend(u, k, exclude, out) {
      scoreActive(u, scores);
      return topKDense(scores, k, exclude, out, heapIdx, heapVal);
    },
  };
}
