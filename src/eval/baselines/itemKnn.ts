import type { Csr } from '../interactions.js';
import { transpose } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { drainBestFirst, pushBounded, topKDense } from '../topk.js';

export interface ItemKnnOptions {
  readonly neighbours: number; // 100
}

/**
 * Item-based kNN on binary interactions (Sarwar et al.; Deshpande & Karypis): cosine similarity
 * c_ij / sqrt(n_i n_j); each item j keeps its `neighbours` most similar items N(j); a user's score for j
 * is the sum of sim(i, j) over the user's items i in N(j). (Keeping N(i) of the user's items instead
 * scored NDCG@20 0.32 instead of 0.38 on MovieLens 100K.)
 */
export function fitItemKnn(train: Csr, opts: ItemKnnOptions = { neighbours: 100 }): BatchRecommender {
  const nItems = train.cols;
  const reverse = reverseNeighbours(neighbourLists(train, opts.neighbours), nItems);
  const scores = new Float64Array(nItems);
  const outHeapIdx = new Int32Array(1024);
  const outHeapVal = new Float64Array(1024);
  return {
    name: 'item-kNN',
    recommend(u, kk, exclude, out) {
      // score(j) = sum of sim(i, j) over the user's items i in N(j): added from each i's reverse list.
      const s = train.indptr[u]!;
      const e = train.indptr[u + 1]!;
      for (let p = s; p < e; p++) {
        const i = train.indices[p]!;
        for (let q = reverse.indptr[i]!; q < reverse.indptr[i + 1]!; q++) scores[reverse.items[q]!]! += reverse.sims[q]!;
      }
      const n = topKDense(scores, kk, exclude, out, outHeapIdx, outHeapVal);
      for (let p = s; p < e; p++) {
        const i = train.indices[p]!;
        for (let q = reverse.indptr[i]!; q < reverse.indptr[i + 1]!; q++) scores[reverse.items[q]!] = 0;
      }
      return n;
    },
  };
}

/** Neighbour lists as CSR: row j holds N(j) (at most k items) and the similarities. */
interface NeighbourCsr {
  readonly indptr: Int32Array;
  readonly items: Int32Array;
  readonly sims: Float32Array;
}

/**
 * N(i) for every item: the k items of highest cosine among those that share a user with i. Only the items that
 * co-occur with i are scored and ranked (a catalog of millions has a few thousand per item), in index order so
 * that ties go to the lower index.
 */
function neighbourLists(train: Csr, k: number): NeighbourCsr {
  const nItems = train.cols;
  const byItem = transpose(train);
  const itemCount = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) itemCount[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
  const co = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  const indptr = new Int32Array(nItems + 1);
  let items = new Int32Array(Math.min(nItems * k, 1 << 20));
  let sims = new Float32Array(items.length);
  let used = 0;
  for (let i = 0; i < nItems; i++) {
    let nt = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) {
      const u = byItem.indices[p]!;
      for (let q = train.indptr[u]!; q < train.indptr[u + 1]!; q++) {
        const j = train.indices[q]!;
        if (j === i) continue;
        if (co[j] === 0) touched[nt++] = j;
        co[j]! += 1;
      }
    }
    const list = touched.subarray(0, nt).sort();
    let size = 0;
    for (let t = 0; t < nt; t++) {
      const j = list[t]!;
      size = pushBounded(heapIdx, heapVal, size, k, j, co[j]! / Math.sqrt(itemCount[i]! * itemCount[j]!));
      co[j] = 0;
    }
    if (used + size > items.length) {
      const grown = Math.max(items.length * 2, used + size);
      items = grow(items, grown);
      sims = grow(sims, grown);
    }
    used += drainBestFirst(heapIdx, heapVal, size, items, sims, used);
    indptr[i + 1] = used;
  }
  return { indptr, items: items.subarray(0, used), sims: sims.subarray(0, used) };
}

/** Row i of the result lists every j with i in N(j), with sim(i, j). */
function reverseNeighbours(forward: NeighbourCsr, nItems: number): NeighbourCsr {
  const indptr = new Int32Array(nItems + 1);
  for (const i of forward.items) indptr[i + 1]!++;
  for (let i = 0; i < nItems; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, nItems);
  const items = new Int32Array(forward.items.length);
  const sims = new Float32Array(forward.items.length);
  for (let j = 0; j < nItems; j++) {
    for (let q = forward.indptr[j]!; q < forward.indptr[j + 1]!; q++) {
      const w = fill[forward.items[q]!]!++;
      items[w] = j;
      sims[w] = forward.sims[q]!;
    }
  }
  return { indptr, items, sims };
}

function grow<A extends Int32Array | Float32Array>(a: A, length: number): A {
  const b = new (a.constructor as new (n: number) => A)(length);
  b.set(a);
  return b;
}
