// Listwise learning to rank by coordinate ascent (Metzler & Croft 2007, RankLib's "Coordinate Ascent"): a
// linear scorer over standardized features whose weights are moved one at a time to whatever step raises the
// mean per-request NDCG@K of the fitting requests, starting from the listener-vector score alone. It optimises
// the metric the feed is judged by (the head of the list) directly, where pairwise logistic loss weighs every
// pair the same: on MovieLens the pairs far down a request taught it "popular beats obscure", the opposite of
// what orders its top 20. Hand-written: no maintained npm LTR library (RankLib and LightGBM's lambdarank are
// Java/C++), and the fit is a few loops over flat typed arrays.

export interface CoordinateAscentOptions {
  readonly k: number;
  readonly rounds: number;
  /** Weight steps tried per coordinate, in std units of the feature (the start weight of the anchor is 1). */
  readonly steps: readonly number[];
}

export const DEFAULT_COORDINATE_ASCENT: CoordinateAscentOptions = { k: 20, rounds: 2, steps: [0.05, 0.1, 0.2, 0.4] };

/** Rows grouped by request: z (rows x f, standardized), labels, and groupStart (requests + 1 offsets). */
export interface ListwiseData {
  readonly z: Float32Array;
  readonly labels: Uint8Array;
  readonly groupStart: Int32Array;
  readonly rows: number;
  readonly f: number;
}

/** Mean NDCG@k over requests with a positive, ranking each request's rows by `scores` (top k by selection). */
export function meanNdcgAtK(scores: Float32Array, d: ListwiseData, k: number, picked: Uint8Array): number {
  let sum = 0;
  let n = 0;
  const groups = d.groupStart.length - 1;
  for (let g = 0; g < groups; g++) {
    const s = d.groupStart[g]!;
    const e = d.groupStart[g + 1]!;
    let pos = 0;
    for (let r = s; r < e; r++) pos += d.labels[r]!;
    if (pos === 0) continue;
    let dcg = 0;
    const top = Math.min(k, e - s);
    for (let p = 0; p < top; p++) {
      let best = -1;
      for (let r = s; r < e; r++) if (picked[r] === 0 && (best < 0 || scores[r]! > scores[best]!)) best = r;
      picked[best] = 1;
      if (d.labels[best] === 1) dcg += 1 / Math.log2(p + 2);
    }
    for (let r = s; r < e; r++) picked[r] = 0;
    let idcg = 0;
    for (let p = 0; p < Math.min(pos, k); p++) idcg += 1 / Math.log2(p + 2);
    sum += dcg / idcg;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/**
 * Weights (on the standardized columns of `d`) that locally maximise mean NDCG@k, starting from weight 1 on
 * column `anchor` and 0 elsewhere. Columns with zero variance stay 0.
 */
export function fitCoordinateAscent(d: ListwiseData, anchor: number, opts: CoordinateAscentOptions = DEFAULT_COORDINATE_ASCENT): Float32Array {
  const w = new Float64Array(d.f);
  w[anchor] = 1;
  const scores = new Float32Array(d.rows);
  for (let r = 0; r < d.rows; r++) scores[r] = d.z[r * d.f + anchor]!;
  const picked = new Uint8Array(d.rows);
  let best = meanNdcgAtK(scores, d, opts.k, picked);
  const varies = new Uint8Array(d.f);
  for (let j = 0; j < d.f; j++) for (let r = 0; r < d.rows && varies[j] === 0; r++) if (d.z[r * d.f + j] !== 0) varies[j] = 1;
  const shift = (j: number, delta: number): void => {
    for (let r = 0; r < d.rows; r++) scores[r]! += delta * d.z[r * d.f + j]!;
  };
  for (let round = 0; round < opts.rounds; round++) {
    let moved = false;
    for (let j = 0; j < d.f; j++) {
      if (j === anchor || varies[j] === 0) continue;
      let bestDelta = 0;
      for (const step of opts.steps) {
        for (const delta of [step, -step]) {
          shift(j, delta);
          const q = meanNdcgAtK(scores, d, opts.k, picked);
          shift(j, -delta);
          if (q > best + 1e-6) {
            best = q;
            bestDelta = delta;
          }
        }
      }
      if (bestDelta !== 0) {
        shift(j, bestDelta);
        w[j]! += bestDelta;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return Float32Array.from(w);
}
