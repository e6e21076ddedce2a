// What every model of `encore eval` is trained and judged on: one split, shared by Encore and the baselines.
import type { Csr } from '../interactions.js';
import type { World } from '../../world/World.js';
import type { Interactions } from '../../world/importers/delimited.js';
import type { ItemsById } from '../../world/importers/alignItems.js';

/** How Encore's lists are made for this split (src/eval/report/encoreLists.ts). */
export type EncoreInput =
  /** A synthetic world cut at the split: trained with `encore train`'s code, served by recommend(). */
  | { readonly kind: 'world'; readonly trainWorld: World }
  /** Interaction rows (imported world, MovieLens): the `encore offline` path on the training rows. */
  | { readonly kind: 'table'; readonly trainRows: Interactions; readonly userIds: readonly string[]; readonly itemIds: readonly string[]; readonly items: ItemsById | null };

export interface EvalData {
  /** One line saying what was split and how (goes into every report). */
  readonly description: string;
  readonly split: 'time' | 'random';
  readonly users: number;
  readonly items: number;
  /** Binary positives of the training part: what the baselines fit, popularity and novelty count. */
  readonly train: Csr;
  /** Per user, sorted: items that user's lists may not contain (their training items); see exclusionsOf. */
  readonly exclude: Csr;
  /**
   * Items no list may contain (time split: tracks not yet released at the cutoff). Kept apart from `exclude`:
   * at full scale ~190k tracks for each of 1,000 listeners would be 190M pairs.
   */
  readonly excludeForAll: Int32Array;
  /** Per user, sorted: the relevant test items. */
  readonly test: Csr;
  /** Users judged: at least one relevant test item and one training positive. */
  readonly evalUsers: Int32Array;
  readonly itemArtist: Int32Array;
  readonly artistCount: number;
  readonly itemGenre: ArrayLike<number>;
  /** ms since epoch of the split (time split), else NaN. */
  readonly cutoffMs: number;
  /** Time split: days held out; random split: NaN. */
  readonly days: number;
  readonly encore: EncoreInput;
}

/**
 * Per user, every item a list may not contain: the user's own (`exclude`) and the ones excluded for everyone.
 * The returned array is reused by the next call (callers consume it before asking for another user's).
 */
export function exclusionsOf(data: Pick<EvalData, 'exclude' | 'excludeForAll'>): (u: number) => Int32Array {
  const { indptr, indices } = data.exclude;
  const all = data.excludeForAll;
  const own = (u: number): Int32Array => indices.subarray(indptr[u]!, indptr[u + 1]!);
  if (all.length === 0) return own;
  let buffer = new Int32Array(0);
  return (u) => {
    const mine = own(u);
    const n = mine.length + all.length;
    if (buffer.length < n) buffer = new Int32Array(n);
    buffer.set(mine);
    buffer.set(all, mine.length);
    return buffer.subarray(0, n);
  };
}

/** Per item, the number of training users with a positive (the popularity novelty and the popularity baseline use). */
export function trainUserCounts(train: Csr): Float64Array {
  const c = new Float64Array(train.cols);
  for (let p = 0; p < train.indices.length; p++) c[train.indices[p]!]! += 1;
  return c;
}

/** Users with at least one row in `m`. */
export function usersWithRows(m: Csr): number {
  let n = 0;
  for (let u = 0; u < m.rows; u++) if (m.indptr[u + 1]! > m.indptr[u]!) n++;
  return n;
}

/** Users with a test item and a training positive; a seeded spread sample of at most `max` of them. */
export function pickEvalUsers(train: Csr, test: Csr, max: number): Int32Array {
  const all: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    if (test.indptr[u + 1]! > test.indptr[u]! && train.indptr[u + 1]! > train.indptr[u]!) all.push(u);
  }
  if (all.length <= max) return Int32Array.from(all);
  // An even spread (every (n / max)-th user) keeps the sample deterministic and unbiased in user order.
  const out = new Int32Array(max);
  for (let i = 0; i < max; i++) out[i] = all[Math.floor((i * all.length) / max)]!;
  return out;
}
