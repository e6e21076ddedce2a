// Fits the cold-start mapping (content -> ALS factor, see src/retrieval/coldStartVector.ts) by ridge
// regression on played tracks, then fills the vectors of unplayed tracks in place.
// The artist block of the input is the artist's mean factor; at fit time it is a leave-one-out mean
// (the track's own vector excluded), so the regression does not learn to copy the answer.
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Catalog } from '../catalog/Catalog.js';
import type { ColdStartModel } from '../model/ModelBundle.js';
import { applyColdStart, coldStartInput } from '../retrieval/coldStartVector.js';

export interface ColdStartFitOptions {
  readonly ridge: number;
  /** Only tracks with at least this many positive listeners are fit targets (their vectors are reliable). */
  readonly minListeners: number;
  readonly maxRows: number;
}

export const DEFAULT_COLD_START_FIT: ColdStartFitOptions = { ridge: 1, minListeners: 3, maxRows: 200_000 };

export interface ColdStartFitResult {
  readonly model: ColdStartModel;
  readonly fitRows: number;
  readonly filled: number;
}

/** Per content feature, its mean and standard deviation over the whole catalog (the input's standardisation). */
function featureMoments(catalog: Catalog): { featureMeans: Float32Array; featureStds: Float32Array } {
  const n = catalog.trackCount;
  const F = catalog.featureDim;
  const feats = catalog.columns.features;
  const sum = new Float64Array(F);
  const sq = new Float64Array(F);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < F; k++) {
      const v = feats[t * F + k]!;
      sum[k]! += v;
      sq[k]! += v * v;
    }
  }
  const featureMeans = new Float32Array(F);
  const featureStds = new Float32Array(F);
  for (let k = 0; k < F; k++) {
    const mean = sum[k]! / Math.max(1, n);
    featureMeans[k] = mean;
    featureStds[k] = Math.sqrt(Math.max(1e-12, sq[k]! / Math.max(1, n) - mean * mean));
  }
  return { featureMeans, featureStds };
}

/** Each artist's summed and mean ALS vector over its trained tracks (the sums give the fit's leave-one-out means). */
function artistMeans(catalog: Catalog, itemFactors: Float32Array, dim: number, trained: Uint8Array) {
  const A = catalog.artistCount;
  const artistSum = new Float64Array(A * dim);
  const artistCnt = new Int32Array(A);
  const artist = catalog.columns.artist;
  for (let t = 0; t < catalog.trackCount; t++) {
    if (!trained[t]) continue;
    const a = artist[t]!;
    if (a < 0 || a >= A) continue;
    artistCnt[a]!++;
    for (let k = 0; k < dim; k++) artistSum[a * dim + k]! += itemFactors[t * dim + k]!;
  }
  const artistFactors = new Float32Array(A * dim);
  const artistHasFactor = new Uint8Array(A);
  for (let a = 0; a < A; a++) {
    if (artistCnt[a]! === 0) continue;
    artistHasFactor[a] = 1;
    for (let k = 0; k < dim; k++) artistFactors[a * dim + k] = artistSum[a * dim + k]! / artistCnt[a]!;
  }
  return { artistSum, artistCnt, artistFactors, artistHasFactor };
}

/** The fewest positive listeners a fit target needs: opts.minListeners, lowered until there are 4 rows per input. */
function targetThreshold(trained: Uint8Array, positiveListeners: Int32Array, minListeners: number, inputDim: number): { min: number; candidates: number } {
  let min = minListeners;
  for (;;) {
    let candidates = 0;
    for (let t = 0; t < trained.length; t++) if (trained[t] && positiveListeners[t]! >= min) candidates++;
    if (candidates >= inputDim * 4 || min <= 1) return { min, candidates };
    min--;
  }
}

/** Ridge solution W (inputDim x dim) of (Z'Z + ridge I) W = Z'Y, Z'Z given as its upper triangle. */
function solveRidge(ztz: Float64Array, zty: Float64Array, inputDim: number, dim: number, ridge: number): Float32Array {
  const A2 = new Matrix(inputDim, inputDim);
  for (let i = 0; i < inputDim; i++) {
    for (let j = i; j < inputDim; j++) {
      const v = ztz[i * inputDim + j]! + (i === j ? ridge : 0);
      A2.set(i, j, v);
      A2.set(j, i, v);
    }
  }
  const B = new Matrix(inputDim, dim);
  for (let i = 0; i < inputDim; i++) for (let k = 0; k < dim; k++) B.set(i, k, zty[i * dim + k]!);
  const solution = new CholeskyDecomposition(A2).solve(B);
  const weights = new Float32Array(inputDim * dim);
  for (let i = 0; i < inputDim; i++) for (let k = 0; k < dim; k++) weights[i * dim + k] = solution.get(i, k);
  return weights;
}

/**
 * `itemFactors` (trackCount x dim) holds ALS vectors; rows of tracks without evidence (`trained[t] === 0`)
 * are replaced by the content-derived vector.
 */
export function fitColdStart(
  catalog: Catalog,
  itemFactors: Float32Array,
  dim: number,
  positiveListeners: Int32Array,
  trained: Uint8Array,
  opts: ColdStartFitOptions = DEFAULT_COLD_START_FIT,
  /** Untrained tracks whose vector is kept from elsewhere (a warm retrain's still-cold tracks): not filled. */
  keep: Uint8Array | null = null,
): ColdStartFitResult {
  const n = catalog.trackCount;
  const { featureMeans, featureStds } = featureMoments(catalog);
  let genreSlots = 0;
  for (const g of catalog.genres) genreSlots = Math.max(genreSlots, g.id + 1);
  const A = catalog.artistCount;
  const { artistSum, artistCnt, artistFactors, artistHasFactor } = artistMeans(catalog, itemFactors, dim, trained);
  const artist = catalog.columns.artist;
  const inputDim = catalog.featureDim + genreSlots + dim + 2;
  // Fit rows: reliable played tracks, every stride-th one up to maxRows (deterministic).
  const { min, candidates } = targetThreshold(trained, positiveListeners, opts.minListeners, inputDim);
  const stride = Math.max(1, Math.ceil(candidates / opts.maxRows));
  const ztz = new Float64Array(inputDim * inputDim);
  const zty = new Float64Array(inputDim * dim);
  const z = new Float64Array(inputDim);
  const loo = new Float32Array(dim);
  const partial = { featureMeans, featureStds, genreSlots, artistFactors, artistHasFactor, artistCount: A };
  let seen = 0;
  let fitRows = 0;
  for (let t = 0; t < n; t++) {
    if (!trained[t] || positiveListeners[t]! < min) continue;
    if (seen++ % stride !== 0) continue;
    const a = artist[t]!;
    const has = a >= 0 && a < A && artistCnt[a]! > 1;
    if (has) for (let k = 0; k < dim; k++) loo[k] = (artistSum[a * dim + k]! - itemFactors[t * dim + k]!) / (artistCnt[a]! - 1);
    coldStartInput(partial, catalog, t, dim, z, loo, has);
    for (let i = 0; i < inputDim; i++) {
      const zi = z[i]!;
      if (zi === 0) continue;
      const row = i * inputDim;
      for (let j = i; j < inputDim; j++) ztz[row + j]! += zi * z[j]!;
      const yrow = i * dim;
      for (let k = 0; k < dim; k++) zty[yrow + k]! += zi * itemFactors[t * dim + k]!;
    }
    fitRows++;
  }
  const weights = solveRidge(ztz, zty, inputDim, dim, opts.ridge);
  const model: ColdStartModel = { inputDim, featureMeans, featureStds, genreSlots, weights, artistFactors, artistHasFactor, artistCount: A };
  let filled = 0;
  for (let t = 0; t < n; t++) {
    if (trained[t] || (keep !== null && keep[t] === 1)) continue;
    coldStartInput(model, catalog, t, dim, z);
    applyColdStart(weights, z, dim, itemFactors, t * dim);
    filled++;
  }
  return { model, fitRows, filled };
}
