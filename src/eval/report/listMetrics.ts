// Beyond-accuracy metrics of a set of top-K lists (users x k item indices, -1 padded), over the users asked.
// Definitions (each unit-tested on hand-computed cases in test/eval/listMetrics.test.ts):
//   catalog coverage  = distinct items in any list / items in the catalog
//   artist Gini       = Gini coefficient of per-artist exposure counts over EVERY artist of the catalog
//                       (0 = all artists shown equally, → 1 = all exposure on one artist)
//   intra-list diversity (artist, genre) = per list, the share of item pairs with different artists (genres),
//                       1 − Σ_a c_a (c_a − 1) / (n (n − 1)); mean over lists with n ≥ 2
//   novelty           = mean over recommended items of −log2 p_i, p_i = (c_i + 1) / (U + 1), c_i = training
//                       users who interacted with i, U = training users (add-one so an unseen item is finite)

export interface Lists {
  readonly k: number;
  /** users x k, -1 = empty slot. */
  readonly items: Int32Array;
}

export function listAt(lists: Lists, u: number): Int32Array {
  return lists.items.subarray(u * lists.k, u * lists.k + lists.k);
}

function listLength(list: Int32Array): number {
  let n = 0;
  while (n < list.length && list[n]! >= 0) n++;
  return n;
}

export function catalogCoverage(lists: Lists, users: Int32Array, itemCount: number): number {
  const seen = new Uint8Array(itemCount);
  let distinct = 0;
  for (const u of users) {
    const l = listAt(lists, u);
    for (let r = 0; r < l.length; r++) {
      const i = l[r]!;
      if (i < 0) break;
      if (seen[i] === 0) {
        seen[i] = 1;
        distinct++;
      }
    }
  }
  return itemCount > 0 ? distinct / itemCount : 0;
}

/** Gini coefficient of non-negative values: Σ_i (2i − n − 1) x_(i) / (n Σ x), x sorted ascending, i from 1. */
export function gini(values: Float64Array): number {
  const n = values.length;
  const x = Float64Array.from(values).sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += x[i]!;
    weighted += (2 * (i + 1) - n - 1) * x[i]!;
  }
  return total > 0 ? weighted / (n * total) : 0;
}

export function artistExposureGini(lists: Lists, users: Int32Array, itemArtist: Int32Array, artistCount: number): number {
  const exposure = new Float64Array(artistCount);
  for (const u of users) {
    const l = listAt(lists, u);
    for (let r = 0; r < l.length && l[r]! >= 0; r++) exposure[itemArtist[l[r]!]!]! += 1;
  }
  return gini(exposure);
}

/** 1 − Σ_g c_g (c_g − 1) / (n (n − 1)) over the labels of one list; NaN when n < 2. */
export function pairwiseDistinctShare(list: Int32Array, label: ArrayLike<number>): number {
  const n = listLength(list);
  if (n < 2) return NaN;
  const counts = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const g = label[list[r]!]!;
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  let same = 0;
  for (const c of counts.values()) same += c * (c - 1);
  return 1 - same / (n * (n - 1));
}

export function intraListDiversity(lists: Lists, users: Int32Array, label: ArrayLike<number>): number {
  let s = 0;
  let m = 0;
  for (const u of users) {
    const d = pairwiseDistinctShare(listAt(lists, u), label);
    if (Number.isNaN(d)) continue;
    s += d;
    m++;
  }
  return m ? s / m : NaN;
}

export function novelty(lists: Lists, users: Int32Array, trainUserCount: Float64Array, trainUsers: number): number {
  let s = 0;
  let m = 0;
  for (const u of users) {
    const l = listAt(lists, u);
    for (let r = 0; r < l.length && l[r]! >= 0; r++) {
      s += -Math.log2((trainUserCount[l[r]!]! + 1) / (trainUsers + 1));
      m++;
    }
  }
  return m ? s / m : NaN;
}
