// Fits the learned ranker on a RankerDataset and compares it with the retrieval order on held-out
// requests (a seeded 20% of the requests, i.e. of listeners, never seen in training).
import type { RankerModel } from '../model/ModelBundle.js';
import { seededRandom } from '../eval/rng.js';
import { fitLogistic } from './logistic.js';
import { rankingQuality, type RankingQuality } from './evaluateRanker.js';
import type { RankerDataset } from './RankerDataset.js';
import { RANKER_KIND, RANKER_KIND_CENTERED, RANKER_KIND_PAIRWISE, scoreRows } from './RankerScorer.js';

export interface RankerFitOptions {
  readonly evalShare: number; // share of requests held out for evaluation
  /**
   * 'pairwise': logistic regression on feature differences of (positive, negative) pairs of the same
   * request (RankNet with a linear scorer): it learns to order tracks for one listener, which is what the
   * feed does with the score. 'pointwise': logistic regression on rows (calibrated probabilities).
   */
  readonly objective: 'pairwise' | 'pointwise';
  /** Pairwise: at most this many pairs per request (sampled with the seed). */
  readonly pairsPerRequest: number;
  readonly seed: number;
  readonly l2: number;
  readonly iterations: number;
}

export const DEFAULT_RANKER_FIT: RankerFitOptions = { evalShare: 0.2, objective: 'pairwise', pairsPerRequest: 400, seed: 17, l2: 1e-4, iterations: 25 };

export interface RankerReport {
  readonly trainRows: number;
  readonly evalRows: number;
  readonly trainRequests: number;
  readonly evalRequests: number;
  readonly positiveShare: number;
  /** The learned ranker on held-out requests. */
  readonly ranker: RankingQuality;
  /** The retrieval order (what the feed serves without a ranker) on the same requests. */
  readonly retrievalOrder: RankingQuality;
  /** The embedding score alone on the same requests. */
  readonly embeddingOnly: RankingQuality;
  /** true when the ranker's NDCG beats the retrieval order's; otherwise the feed keeps the retrieval order. */
  readonly accepted: boolean;
  readonly featureNames: readonly string[];
  readonly weights: readonly number[];
}

export interface RankerFit {
  readonly model: RankerModel | null;
  readonly report: RankerReport;
}

function take<T extends Float32Array | Uint8Array | Int32Array>(a: T, rows: Int32Array, width: number): T {
  const out = new (a.constructor as new (n: number) => T)(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(a.subarray(rows[i]! * width, rows[i]! * width + width), i * width);
  return out;
}

/**
 * (positive - negative) feature differences labelled 1 and their negations labelled 0, for pairs within each
 * training request, at most `cap` pairs per request (sampled).
 */
function pairDifferences(data: RankerDataset, isEval: Uint8Array, cap: number, rand: () => number): { x: Float32Array; y: Uint8Array; rows: number } {
  const f = data.featureNames.length;
  const xs: Float32Array[] = [];
  let rows = 0;
  let start = 0;
  while (start < data.rows) {
    let end = start + 1;
    while (end < data.rows && data.group[end] === data.group[start]) end++;
    if (isEval[data.group[start]!] === 0) {
      const pos: number[] = [];
      const neg: number[] = [];
      for (let r = start; r < end; r++) (data.labels[r] === 1 ? pos : neg).push(r);
      const total = pos.length * neg.length;
      if (total > 0) {
        const n = Math.min(cap, total);
        const block = new Float32Array(2 * n * f);
        for (let k = 0; k < n; k++) {
          const q = total <= cap ? k : Math.floor(rand() * total);
          const p = pos[Math.floor(q / neg.length)]!;
          const m = neg[q % neg.length]!;
          for (let j = 0; j < f; j++) {
            const d = data.x[p * f + j]! - data.x[m * f + j]!;
            block[2 * k * f + j] = d;
            block[(2 * k + 1) * f + j] = -d;
          }
        }
        xs.push(block);
        rows += 2 * n;
      }
    }
    start = end;
  }
  const x = new Float32Array(rows * f);
  let o = 0;
  for (const b of xs) {
    x.set(b, o);
    o += b.length;
  }
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r += 2) y[r] = 1;
  return { x, y, rows };
}

export function fitRanker(data: RankerDataset, opts: RankerFitOptions = DEFAULT_RANKER_FIT): RankerFit {
  const f = data.featureNames.length;
  const rand = seededRandom(opts.seed);
  const isEval = new Uint8Array(data.groups);
  for (let g = 0; g < data.groups; g++) isEval[g] = rand() < opts.evalShare ? 1 : 0;
  let nTrain = 0;
  for (let r = 0; r < data.rows; r++) if (isEval[data.group[r]!] === 0) nTrain++;
  const trainIdx = new Int32Array(nTrain);
  const evalIdx = new Int32Array(data.rows - nTrain);
  let a = 0;
  let b = 0;
  for (let r = 0; r < data.rows; r++) {
    if (isEval[data.group[r]!] === 0) trainIdx[a++] = r;
    else evalIdx[b++] = r;
  }
  let model: RankerModel;
  if (opts.objective === 'pairwise') {
    const pairs = pairDifferences(data, isEval, opts.pairsPerRequest, rand);
    const lr = fitLogistic(pairs.x, pairs.y, pairs.rows, f, { l2: opts.l2, iterations: opts.iterations });
    // Differences are symmetric (mean 0); scores only order tracks, so no means and no bias.
    model = { kind: RANKER_KIND_PAIRWISE, featureNames: [...data.featureNames], weights: lr.weights, bias: 0, means: new Float32Array(f), stds: lr.stds };
  } else {
    const xTrain = take(data.x, trainIdx, f);
    const yTrain = take(data.labels, trainIdx, 1);
    const lr = fitLogistic(xTrain, yTrain, nTrain, f, { l2: opts.l2, iterations: opts.iterations });
    model = { kind: data.centered ? RANKER_KIND_CENTERED : RANKER_KIND, featureNames: [...data.featureNames], weights: lr.weights, bias: lr.bias, means: lr.means, stds: lr.stds };
  }

  const xEval = take(data.x, evalIdx, f);
  const yEval = take(data.labels, evalIdx, 1);
  const gEval = take(data.group, evalIdx, 1);
  const bEval = take(data.baseline, evalIdx, 1);
  const sEval = new Float32Array(evalIdx.length);
  scoreRows(model, xEval, evalIdx.length, sEval);
  const embCol = data.featureNames.indexOf('embeddingScore');
  const eEval = new Float32Array(evalIdx.length);
  for (let i = 0; i < evalIdx.length; i++) eEval[i] = embCol >= 0 ? xEval[i * f + embCol]! : 0;
  const ranker = rankingQuality(sEval, yEval, gEval, evalIdx.length);
  const retrievalOrder = rankingQuality(bEval, yEval, gEval, evalIdx.length);
  const embeddingOnly = rankingQuality(eEval, yEval, gEval, evalIdx.length);
  let positives = 0;
  for (let r = 0; r < data.rows; r++) positives += data.labels[r]!;
  const evalRequests = isEval.reduce((s, v) => s + v, 0);
  const accepted = Number.isFinite(ranker.ndcg) && ranker.ndcg > retrievalOrder.ndcg;
  const report: RankerReport = {
    trainRows: nTrain,
    evalRows: evalIdx.length,
    trainRequests: data.groups - evalRequests,
    evalRequests,
    positiveShare: data.rows ? positives / data.rows : 0,
    ranker,
    retrievalOrder,
    embeddingOnly,
    accepted,
    featureNames: model.featureNames,
    weights: Array.from(model.weights),
  };
  return { model: accepted ? model : null, report };
}

export function formatRankerReport(r: RankerReport): string {
  const q = (x: RankingQuality): string => `AUC ${x.auc.toFixed(4)}  per-request AUC ${x.requestAuc.toFixed(4)}  NDCG ${x.ndcg.toFixed(4)}  NDCG@10 ${x.ndcgAt10.toFixed(4)}`;
  return [
    `ranker evaluation on ${r.evalRequests} held-out requests (${r.evalRows} rows; trained on ${r.trainRequests} requests, ${r.trainRows} rows; ${(100 * r.positiveShare).toFixed(1)}% positive)`,
    `  learned ranker   ${q(r.ranker)}`,
    `  retrieval order  ${q(r.retrievalOrder)}`,
    `  embedding only   ${q(r.embeddingOnly)}`,
    r.accepted
      ? `  gain over retrieval order: AUC ${(r.ranker.auc - r.retrievalOrder.auc >= 0 ? '+' : '')}${(r.ranker.auc - r.retrievalOrder.auc).toFixed(4)}, NDCG ${(r.ranker.ndcg - r.retrievalOrder.ndcg >= 0 ? '+' : '')}${(r.ranker.ndcg - r.retrievalOrder.ndcg).toFixed(4)}: ranker kept`
      : '  the learned ranker does NOT beat the retrieval order on NDCG: no ranker is written, the feed keeps the retrieval order',
  ].join('\n');
}
