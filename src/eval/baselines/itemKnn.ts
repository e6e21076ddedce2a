import type { Csr } from '../interactions.js';
import { transpose } from '../interactions.js';
import type { BatchRecommender } from '../evaluate.js';
import { topKDense } from '../topk.js';

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
  const byItem = transpose(train);
  const itemCount = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) itemCount[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
  const k = opts.neighbours;
  const nbIdx = new Int32Array(nItems * k).fill(-1);
  const nbSim = new Float32Array(nItems * k);
  const co = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  const tmp = new Int32Array(k);
  const self = new Int32Array(1);
  const sims = new Float64Array(nItems).fill(-Infinity);
  for (let i = 0; i < nItems; i++) {
    let nt = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) {
      const u = byItem.indices[p]!;
      for (let q = train.indptr[u]!; q < train.indptr[u + 1]!; q++) {
        const j = train.indices[q]!;
        if (co[j] === 0) touched[nt++] = j;
        co[j]! += 1;
      }
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      sims[j] = co[j]! / Math.sqrt(itemCount[i]! * itemCount[j]!);
      co[j] = 0;
    }
    self[0] = i;
    const n = topKDense(sims, k, self, tmp, heapIdx, heapVal);
    for (let q = 0; q < n; q++) {
      nbIdx[i * k + q] = tmp[q]!;
      nbSim[i * k + q] = sims[tmp[q]!]!;
    }
    for (let t = 0; t < nt; t++) sims[touched[t]!] = -Infinity;
  }
  const scores = new Float64Array(nItems);
  const mask = new Uint8Array(nItems);
  const outHeapIdx = new Int32Array(1024);
  const outHeapVal = new Float64Array(1024);
  return {
    name: 'item-kNN',
    recommend(u, kk, exclude, out) {
      const s = train.indptr[u]!;
      const e = train.indptr[u + 1]!;
      for (let p = s; p < e; p++) mask[train.indices[p]!] = 1;
      for (let j = 0; j < nItems; j++) {
        let sum = 0;
        for (let q = 0; q < k; q++) {
          const i = nbIdx[j * k + q]!;
          if (i < 0) break;
          if (mask[i] === 1) sum += nbSim[j * k + q]!;
        }
        scores[j] = sum;
      }
      for (let p = s; p < e; p++) mask[train.indices[p]!] = 0;
      return topKDense(scores, kk, exclude, out, outHeapIdx, outHeapVal);
    },
  };
}
