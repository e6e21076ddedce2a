// Hyper-parameters are chosen on an INNER validation split of the training part, never on the test part:
// each listener's training positives (5 or more) are split again, a seeded random 20 % held out (seed 99); every
// grid value is fitted on the inner training part and scored by NDCG@K on the held-out 20 % of up to 500
// listeners; the best value is then refitted on the whole training part.
import { mapValues, toCsr, type Csr } from '../interactions.js';
import { seededRandom } from '../rng.js';
import { exclusionsOf, pickEvalUsers } from './evalData.js';
import { mean, perUserAccuracy, recommenderLists } from './perUser.js';
import type { BaselineSpec } from './baselineSpecs.js';

export const INNER_SEED = 99;
export const INNER_USERS = 500;

export interface InnerSplit {
  readonly train: Csr;
  readonly valid: Csr;
  readonly users: Int32Array;
}

export function innerSplit(train: Csr, seed = INNER_SEED, maxUsers = INNER_USERS): InnerSplit {
  const rand = seededRandom(seed);
  const tr: [number[], number[]] = [[], []];
  const va: [number[], number[]] = [[], []];
  for (let u = 0; u < train.rows; u++) {
    const row = Array.from(train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!));
    const held = row.length >= 5 ? Math.max(1, Math.round(0.2 * row.length)) : 0;
    for (let i = row.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [row[i], row[j]] = [row[j]!, row[i]!];
    }
    row.forEach((item, i) => {
      const dst = i < held ? va : tr;
      dst[0].push(u);
      dst[1].push(item);
    });
  }
  const csr = (m: [number[], number[]]): Csr => mapValues(toCsr(train.rows, train.cols, Int32Array.from(m[0]), Int32Array.from(m[1]), new Float32Array(m[0].length).fill(1)), () => 1);
  const innerTrain = csr(tr);
  const valid = csr(va);
  return { train: innerTrain, valid, users: pickEvalUsers(innerTrain, valid, maxUsers) };
}

export interface TuneResult {
  readonly parameter: string;
  readonly grid: readonly { readonly value: number; readonly ndcg: number }[];
  readonly chosen: number;
}

export async function tuneOnInner(spec: BaselineSpec, inner: InnerSplit, k: number): Promise<TuneResult | null> {
  if (spec.parameter === null || spec.grid.length === 0) return null;
  const grid: { value: number; ndcg: number }[] = [];
  for (const value of spec.grid) {
    const rec = await spec.fit(inner.train, value);
    const lists = recommenderLists(rec, exclusionsOf({ exclude: inner.train, excludeForAll: new Int32Array(0) }), inner.users, k, inner.train.rows);
    grid.push({ value, ndcg: mean(perUserAccuracy(lists, inner.valid, inner.users, k).ndcg) });
  }
  const best = grid.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  return { parameter: spec.parameter, grid, chosen: best.value };
}
