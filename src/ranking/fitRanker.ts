// Fits the learned ranker on a RankerDataset and compares it with the retrieval order on held-out
// requests (a seeded 20% of the requests, i.e. of listeners, never seen in training).
import type { RankerModel } from '../model/ModelBundle.js';
import { seededRandom } from '../eval/rng.js';
import { fitLogistic, standardization } from './logistic.js';
import { rankingQuality, type RankingQuality } from './evaluateRanker.js';
import type { RankerDataset } from './RankerDataset.js';
import { RANKER_KIND, RANKER_KIND_CENTERED, RANKER_KIND_LISTWISE, RANKER_KIND_PAIRWISE, scoreRows } from './RankerScorer.js';
import { fitCoordinateAscent, DEFAULT_COORDINATE_ASCENT, type ListwiseData } from './coordinateAscent.js';

export interface RankerFitOptions {
  readonly evalShare: number; // share of requests held out for evaluation
  /**
   * Models to choose from on the selection requests. 'pairwise': logistic regression on feature differences
   * of (positive, negative) pairs of the same request (RankNet with a linear scorer): it learns to order
   * tracks for one listener, which is what the feed does with the score. 'pointwise': logistic regression on
   * rows (calibrated probabilities). 'listwise': a linear scorer fitted by coordinate ascent on NDCG@20
   * (src/ranking/coordinateAscent.ts). 'embeddingOnly': the listener-vector score alone.
   */
  readonly candidates: readonly RankerCandidate[];
  /** Pairwise: at most this many pairs per request (sampled with the seed). */
  readonly pairsPerRequest: number;
  /**
   * Pairwise: negatives come from the request's top rows by the retrieval order (0 = all rows). The feed
   * shows the top of the list, so what matters is beating the near misses, not the obvious negatives.
   */
  readonly hardNegatives: number;
  readonly seed: number;
  /** L2 penalties tried for the learned models (chosen on the selection requests with the rest). */
  readonly l2s: readonly number[];
  /**
   * Cascade depths tried (src/ranking/cascade.ts): the ranker reorders only the request's top `depth`
   * candidates by the listener-vector score and is fitted on those rows only; 0 = all candidates.
   */
  readonly depths: readonly number[];
  readonly iterations: number;
}

export const DEFAULT_RANKER_FIT: RankerFitOptions = {
  evalShare: 0.2,
  candidates: ['listwise', 'pairwise', 'embeddingOnly'],
  pairsPerRequest: 200,
  hardNegatives: 0,
  seed: 17,
  // A small grid: every point is a fit, and `encore offline` on 2,000 listeners must stay within a minute.
  // (On the MovieLens 100K ranker pass, depths 50 and 200 and L2 1e-2 were within noise of these.)
  l2s: [1e-4],
  depths: [0, 100],
  iterations: 10,
};

/** One point of the model-selection grid. */
interface Setting {
  readonly kind: RankerCandidate;
  readonly depth: number;
  readonly l2: number;
}

const settingName = (c: Setting): string => (c.kind === 'embeddingOnly' ? c.kind : `${c.kind} depth ${c.depth || 'all'}${c.kind === 'listwise' ? '' : ` l2 ${c.l2}`}`);

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
  /** Each single generator score on its own (ALS, co-listen/item-kNN, popularity ...) on the same requests. */
  readonly singleScores: Readonly<Record<string, RankingQuality>>;
  /** The chosen cascade depth (0 = all candidates) and L2 penalty. */
  readonly depth: number;
  readonly l2: number;
  /** true when the grid's choice lost to the embedding score on the evaluation requests and was replaced by it. */
  readonly gated: boolean;
  /** The replaced model's NDCG@20 on the evaluation requests (null when not gated). */
  readonly gatedNdcgAt20: number | null;
  /** true when the ranker's NDCG@20 beats the retrieval order's; otherwise the feed keeps the retrieval order. */
  readonly accepted: boolean;
  readonly featureNames: readonly string[];
  readonly weights: readonly number[];
  /** Which candidate model is served (after the gate), and each grid setting's NDCG@20 on the selection requests. */
  readonly chosen: string;
  /** The grid setting the selection requests chose (settingName), before the gate replaced it when gated. */
  readonly selected: string;
  readonly selectionNdcg: Readonly<Record<string, number>>;
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
 * request whose `use` flag is 1, at most `cap` pairs per request (sampled).
 */
function pairDifferences(data: RankerDataset, use: Uint8Array, depth: number, cap: number, hard: number, rand: () => number): { x: Float32Array; y: Uint8Array; rows: number } {
  const f = data.featureNames.length;
  const xs: Float32Array[] = [];
  let rows = 0;
  let start = 0;
  while (start < data.rows) {
    let end = start + 1;
    while (end < data.rows && data.group[end] === data.group[start]) end++;
    if (use[data.group[start]!] === 1) {
      const pos: number[] = [];
      const neg: number[] = [];
      for (let r = start; r < end; r++) if (inDepth(data, r, depth)) (data.labels[r] === 1 ? pos : neg).push(r);
      // Half of the pairs take their negative from the top `hard` rows by the retrieval order (near misses),
      // half from all negatives (only near misses would bias the model against low-ranked positives).
      let top: number[] = neg;
      if (hard > 0 && neg.length > hard) {
        top = neg.slice().sort((a, b) => data.baseline[b]! - data.baseline[a]!);
        top.length = hard;
      }
      const total = pos.length * neg.length;
      if (total > 0) {
        const n = Math.min(cap, total);
        const block = new Float32Array(2 * n * f);
        for (let k = 0; k < n; k++) {
          let p: number;
          let m: number;
          if (total <= cap) {
            p = pos[Math.floor(k / neg.length)]!;
            m = neg[k % neg.length]!;
          } else {
            p = pos[Math.floor(rand() * pos.length)]!;
            const from = (k & 1) === 0 ? top : neg;
            m = from[Math.floor(rand() * from.length)]!;
          }
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

export type RankerCandidate = 'pairwise' | 'pointwise' | 'listwise' | 'embeddingOnly';

/** Whether row r is among its request's top `depth` candidates by the first-stage score (depth 0 = all). */
const inDepth = (data: RankerDataset, r: number, depth: number): boolean => depth <= 0 || data.firstRank[r]! < depth;

/** Fits one candidate model on the requests whose `use` flag is 1 (and, with a depth, their top rows only). */
function fitCandidate(data: RankerDataset, setting: Setting, use: Uint8Array, opts: RankerFitOptions, rand: () => number): RankerModel {
  const { kind, depth, l2 } = setting;
  const f = data.featureNames.length;
  const names = [...data.featureNames];
  if (kind === 'embeddingOnly') {
    // The listener-vector score alone, as a ranker: on some data the sources' rank fusion only adds noise.
    const weights = new Float32Array(f);
    const col = names.indexOf('embeddingScore');
    if (col >= 0) weights[col] = 1;
    return { kind: RANKER_KIND_PAIRWISE, featureNames: names, weights, bias: 0, means: new Float32Array(f), stds: new Float32Array(f).fill(1), rerankDepth: 0 };
  }
  if (kind === 'listwise') return fitListwise(data, use, depth);
  if (kind === 'pairwise') {
    const pairs = pairDifferences(data, use, depth, opts.pairsPerRequest, opts.hardNegatives, rand);
    const lr = fitLogistic(pairs.x, pairs.y, pairs.rows, f, { l2, iterations: opts.iterations });
    // Differences are symmetric (mean 0); scores only order tracks, so no means and no bias.
    return { kind: RANKER_KIND_PAIRWISE, featureNames: names, weights: lr.weights, bias: 0, means: new Float32Array(f), stds: lr.stds, rerankDepth: depth };
  }
  const idx = rowsOf(data, use, depth);
  const lr = fitLogistic(take(data.x, idx, f), take(data.labels, idx, 1), idx.length, f, { l2, iterations: opts.iterations });
  return { kind: data.centered ? RANKER_KIND_CENTERED : RANKER_KIND, featureNames: names, weights: lr.weights, bias: lr.bias, means: lr.means, stds: lr.stds, rerankDepth: depth };
}

/** Coordinate ascent on NDCG@20 over the fitting requests' rows (within the depth), from the embedding z-score. */
function fitListwise(data: RankerDataset, use: Uint8Array, depth: number): RankerModel {
  const f = data.featureNames.length;
  const names = [...data.featureNames];
  const idx = rowsOf(data, use, depth);
  const x = take(data.x, idx, f);
  const { means, stds } = standardization(x, idx.length, f);
  const z = new Float32Array(x.length);
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < f; j++) z[i * f + j] = (x[i * f + j]! - means[j]!) / stds[j]!;
  const starts: number[] = [0];
  for (let i = 1; i < idx.length; i++) if (data.group[idx[i]!] !== data.group[idx[i - 1]!]) starts.push(i);
  starts.push(idx.length);
  const d: ListwiseData = { z, labels: take(data.labels, idx, 1), groupStart: Int32Array.from(starts), rows: idx.length, f };
  const anchor = Math.max(names.indexOf('embeddingZ'), names.indexOf('embeddingScore'), 0);
  const weights = idx.length > 0 ? fitCoordinateAscent(d, anchor, DEFAULT_COORDINATE_ASCENT) : new Float32Array(f);
  return { kind: RANKER_KIND_LISTWISE, featureNames: names, weights, bias: 0, means, stds, rerankDepth: depth };
}

function rowsOf(data: RankerDataset, use: Uint8Array, depth = 0): Int32Array {
  let n = 0;
  for (let r = 0; r < data.rows; r++) if (use[data.group[r]!] === 1 && inDepth(data, r, depth)) n++;
  const idx = new Int32Array(n);
  let k = 0;
  for (let r = 0; r < data.rows; r++) if (use[data.group[r]!] === 1 && inDepth(data, r, depth)) idx[k++] = r;
  return idx;
}

/** The model's scores on rows `idx`, as the feed's cascade applies them (RankerScorer + applyRerankDepth). */
function cascadeScores(data: RankerDataset, model: RankerModel, idx: Int32Array): Float32Array {
  const f = data.featureNames.length;
  const scores = new Float32Array(idx.length);
  scoreRows(model, take(data.x, idx, f), idx.length, scores);
  const depth = model.rerankDepth ?? 0;
  if (depth > 0) {
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i]!;
      scores[i] = data.firstRank[r]! < depth ? 2 + scores[i]! : 1 / (1 + Math.exp(-data.firstScore[r]!));
    }
  }
  return scores;
}

function qualityOn(data: RankerDataset, model: RankerModel, idx: Int32Array): RankingQuality {
  return rankingQuality(cascadeScores(data, model, idx), take(data.labels, idx, 1), take(data.group, idx, 1), idx.length);
}

/** Single generator scores reported next to the ranker (those present in the layout). */
const SINGLE_SCORES = ['embeddingScore', 'coListenScore', 'logPopularity', 'logPopularityInGenre', 'rankFusion', 'artistAffinity'];

function singleScoreQualities(data: RankerDataset, idx: Int32Array): Record<string, RankingQuality> {
  const f = data.featureNames.length;
  const labels = take(data.labels, idx, 1);
  const group = take(data.group, idx, 1);
  const out: Record<string, RankingQuality> = {};
  for (const name of SINGLE_SCORES) {
    const col = data.featureNames.indexOf(name);
    if (col < 0) continue;
    const s = Float32Array.from(idx, (r) => data.x[r * f + col]!);
    const q = rankingQuality(s, labels, group, idx.length);
    // A constant column (e.g. artist affinity where every item is its own artist) only repeats the input order.
    if (!(q.auc === 0.5 && q.requestAuc === 0.5)) out[name] = q;
  }
  return out;
}

/** The model-selection grid: every candidate kind x depth x L2 (the embedding score alone once). */
function grid(opts: RankerFitOptions): Setting[] {
  const kinds = opts.candidates.length > 0 ? opts.candidates : (['pointwise'] as const);
  const out: Setting[] = [];
  for (const kind of kinds) {
    if (kind === 'embeddingOnly') out.push({ kind, depth: 0, l2: 0 });
    else if (kind === 'listwise') for (const depth of opts.depths.length > 0 ? opts.depths : [0]) out.push({ kind, depth, l2: 0 });
    else for (const depth of opts.depths.length > 0 ? opts.depths : [0]) for (const l2 of opts.l2s.length > 0 ? opts.l2s : [1e-4]) out.push({ kind, depth, l2 });
  }
  return out;
}

/**
 * Requests are split three ways with the seed: evaluation (evalShare), and among the rest a quarter for
 * choosing between candidate models (pairwise LR, pointwise LR, the embedding score alone) and the rest
 * for fitting them. The chosen kind is refitted on all non-evaluation requests, then compared with the
 * retrieval order on the evaluation requests, which took no part in fitting or choosing.
 */
/** Per request: evaluation, fitting or model-selection use (seeded; train = fit + select). */
export interface RequestSplit {
  readonly isEval: Uint8Array;
  readonly fitUse: Uint8Array;
  readonly selectUse: Uint8Array;
  readonly trainUse: Uint8Array;
}

export function splitRequests(groups: number, evalShare: number, rand: () => number): RequestSplit {
  const isEval = new Uint8Array(groups);
  const fitUse = new Uint8Array(groups);
  const selectUse = new Uint8Array(groups);
  const trainUse = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    isEval[g] = rand() < evalShare ? 1 : 0;
    trainUse[g] = 1 - isEval[g]!;
    if (trainUse[g] === 1) {
      if (rand() < 0.25) selectUse[g] = 1;
      else fitUse[g] = 1;
    }
  }
  return { isEval, fitUse, selectUse, trainUse };
}

/** The grid's setting with the best NDCG@20 on the selection requests, each fitted on the fit requests (in grid order). */
function selectSetting(data: RankerDataset, settings: readonly Setting[], fitUse: Uint8Array, selectUse: Uint8Array, opts: RankerFitOptions, rand: () => number): { chosen: Setting; selection: Record<string, number> } {
  let chosen = settings[0]!;
  const selection: Record<string, number> = {};
  if (settings.length < 2) return { chosen, selection };
  const selectIdx = rowsOf(data, selectUse);
  let best = -Infinity;
  for (const c of settings) {
    const q = qualityOn(data, fitCandidate(data, c, fitUse, opts, rand), selectIdx);
    selection[settingName(c)] = q.ndcgAt20;
    if (q.ndcgAt20 > best) {
      best = q.ndcgAt20;
      chosen = c;
    }
  }
  return { chosen, selection };
}

export function fitRanker(data: RankerDataset, opts: RankerFitOptions = DEFAULT_RANKER_FIT): RankerFit {
  const rand = seededRandom(opts.seed);
  const { isEval, fitUse, selectUse, trainUse } = splitRequests(data.groups, opts.evalShare, rand);
  const picked = selectSetting(data, grid(opts), fitUse, selectUse, opts, rand);
  let chosen = picked.chosen;
  const selection = picked.selection;
  const selected = settingName(chosen);
  let model = fitCandidate(data, chosen, trainUse, opts, rand);
  const nTrain = rowsOf(data, trainUse).length;
  const evalIdx = rowsOf(data, isEval);
  const yEval = take(data.labels, evalIdx, 1);
  const gEval = take(data.group, evalIdx, 1);
  let ranker = rankingQuality(cascadeScores(data, model, evalIdx), yEval, gEval, evalIdx.length);
  const retrievalOrder = rankingQuality(take(data.baseline, evalIdx, 1), yEval, gEval, evalIdx.length);
  const singleScores = singleScoreQualities(data, evalIdx);
  const embeddingOnly = singleScores['embeddingScore'] ?? retrievalOrder;
  // The learned model must also beat the best single generator score (the listener-vector score) on the
  // evaluation requests, which took no part in fitting or choosing; otherwise that score alone is served.
  let gated = false;
  let gatedQuality: RankingQuality | null = null;
  if (chosen.kind !== 'embeddingOnly' && opts.candidates.includes('embeddingOnly') && !(ranker.ndcgAt20 > embeddingOnly.ndcgAt20)) {
    gated = true;
    gatedQuality = ranker;
    chosen = { kind: 'embeddingOnly', depth: 0, l2: 0 };
    model = fitCandidate(data, chosen, trainUse, opts, rand);
    ranker = embeddingOnly;
  }
  let positives = 0;
  for (let r = 0; r < data.rows; r++) positives += data.labels[r]!;
  const evalRequests = isEval.reduce((s, v) => s + v, 0);
  const accepted = Number.isFinite(ranker.ndcgAt20) && ranker.ndcgAt20 > retrievalOrder.ndcgAt20;
  const report: RankerReport = {
    trainRows: nTrain,
    evalRows: evalIdx.length,
    trainRequests: data.groups - evalRequests,
    evalRequests,
    positiveShare: data.rows ? positives / data.rows : 0,
    ranker,
    retrievalOrder,
    embeddingOnly,
    singleScores,
    depth: chosen.depth,
    l2: chosen.l2,
    gated,
    gatedNdcgAt20: gatedQuality?.ndcgAt20 ?? null,
    accepted,
    featureNames: model.featureNames,
    weights: Array.from(model.weights),
    chosen: chosen.kind,
    selected,
    selectionNdcg: selection,
  };
  return { model: accepted ? model : null, report };
}

export function formatRankerReport(r: RankerReport): string {
  const q = (x: RankingQuality): string =>
    `AUC ${x.auc.toFixed(4)}  per-request AUC ${x.requestAuc.toFixed(4)}  NDCG ${x.ndcg.toFixed(4)}  NDCG@10 ${x.ndcgAt10.toFixed(4)}  NDCG@20 ${x.ndcgAt20.toFixed(4)}`;
  const d = r.ranker.ndcgAt20 - r.retrievalOrder.ndcgAt20;
  return [
    `ranker: ${r.selected} chosen on the selection requests, NDCG@20: ` +
      Object.entries(r.selectionNdcg)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('; '),
    ...(r.gated
      ? [
          `ranker: ${r.selected} (NDCG@20 ${(r.gatedNdcgAt20 ?? NaN).toFixed(4)} on the evaluation requests) did not beat the embedding score alone (${r.embeddingOnly.ndcgAt20.toFixed(4)}): the embedding score is served`,
        ]
      : []),
    `ranker evaluation on ${r.evalRequests} held-out requests (${r.evalRows} rows; trained on ${r.trainRequests} requests, ${r.trainRows} rows; ${(100 * r.positiveShare).toFixed(1)}% positive)`,
    `  learned ranker   ${q(r.ranker)}`,
    `  retrieval order  ${q(r.retrievalOrder)}`,
    ...Object.entries(r.singleScores ?? {}).map(([k, v]) => `  ${k.padEnd(15)}  ${q(v)}`),
    r.accepted
      ? `  gain over retrieval order: NDCG@20 ${d >= 0 ? '+' : ''}${d.toFixed(4)}: ranker kept`
      : '  the learned ranker does NOT beat the retrieval order on NDCG@20: no ranker is written, the feed keeps the retrieval order',
  ].join('\n');
}
