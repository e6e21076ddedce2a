// The track vector index: usearch HNSW over all tracks, built offline, saved into the bundle, loaded with
// `view` (memory-mapped, so the OS pages it in and can share it between processes).
//
// Maximum inner product search through a cosine/inner-product index: usearch's i8 quantization rescales every
// vector to unit length, which would throw away the norms that carry ALS's popularity signal. So each item y
// is indexed as [y, sqrt(M^2 - |y|^2)] (Bachrach et al. 2014, the "MIPS to NN" reduction): every indexed vector
// then has the same norm M, the unit-length rescaling is the same for all, and ranking by inner product with
// the query [q, 0] equals ranking by q.y. Hits are re-scored with the exact float32 dot product.
import usearch, { type Index } from 'usearch';
import type { VectorHits, VectorIndex } from '../model/ModelBundle.js';
import { Errors } from '../domain/errors.js';

export interface IndexParams {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
}

/** Tuned at 8.2M x 64 (see bench/results/retrieval.md). */
export const DEFAULT_INDEX_PARAMS: IndexParams = { connectivity: 16, expansionAdd: 64, expansionSearch: 512 };

const ADD_BATCH = 65_536;

export interface IndexBuildStats {
  readonly seconds: number;
  readonly maxNorm: number;
  readonly size: number;
}

export function maxRowNorm(v: Float32Array, n: number, dim: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dim;
    for (let k = 0; k < dim; k++) s += v[o + k]! * v[o + k]!;
    if (s > m) m = s;
  }
  return Math.sqrt(m);
}

function newIndex(dim: number, p: IndexParams): Index {
  return new usearch.Index({
    dimensions: dim + 1,
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.I8,
    connectivity: p.connectivity,
    expansion_add: p.expansionAdd,
    expansion_search: p.expansionSearch,
    multi: false,
  });
}

/** Builds the index over rows [0, n) of `vectors` (row-major, dim wide) and saves it to `file`. */
export function buildTrackIndex(
  vectors: Float32Array,
  n: number,
  dim: number,
  file: string,
  params: IndexParams,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): IndexBuildStats {
  const t0 = performance.now();
  const maxNorm = maxRowNorm(vectors, n, dim) || 1;
  const m2 = maxNorm * maxNorm;
  const index = newIndex(dim, params);
  const wide = dim + 1;
  const batch = new Float32Array(ADD_BATCH * wide);
  const keys = new BigUint64Array(ADD_BATCH);
  for (let start = 0; start < n; start += ADD_BATCH) {
    const count = Math.min(ADD_BATCH, n - start);
    for (let i = 0; i < count; i++) {
      const src = (start + i) * dim;
      const dst = i * wide;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const v = vectors[src + k]!;
        batch[dst + k] = v;
        s += v * v;
      }
      batch[dst + dim] = Math.sqrt(Math.max(0, m2 - s));
      keys[i] = BigInt(start + i);
    }
    index.add(count === ADD_BATCH ? keys : keys.subarray(0, count), count === ADD_BATCH ? batch : batch.subarray(0, count * wide), threads);
    onProgress?.(start + count, n);
  }
  index.save(file);
  return { seconds: (performance.now() - t0) / 1000, maxNorm, size: index.size() };
}

/**
 * A loaded (memory-mapped) track index. `search` asks usearch for k hits on one thread, then re-scores them
 * with the exact dot product against `vectors` and returns them best first.
 */
export class UsearchTrackIndex implements VectorIndex {
  readonly size: number;
  private readonly query: Float32Array;
  private closed = false;

  private constructor(
    private readonly index: Index,
    readonly dim: number,
    private readonly vectors: Float32Array,
  ) {
    this.size = index.size();
    this.query = new Float32Array(dim + 1);
  }

  static open(file: string, dim: number, vectors: Float32Array, trackCount: number, params: IndexParams = DEFAULT_INDEX_PARAMS): UsearchTrackIndex {
    const index = newIndex(dim, params);
    try {
      index.view(file);
    } catch (e) {
      throw Errors.bundleRejected(`index ${file}: ${(e as Error).message}`);
    }
    if (index.size() !== trackCount) throw Errors.bundleRejected(`index ${file} holds ${index.size()} vectors, expected ${trackCount}`);
    if (index.dimensions() !== dim + 1) throw Errors.bundleRejected(`index ${file} has ${index.dimensions()} dimensions, expected ${dim + 1}`);
    return new UsearchTrackIndex(index, dim, vectors);
  }

  search(query: Float32Array, k: number): VectorHits {
    if (this.closed) throw Errors.notReady('vector index closed');
    const q = this.query;
    q.set(query.subarray(0, this.dim));
    q[this.dim] = 0;
    const kk = Math.max(1, Math.min(k, this.size));
    const m = this.index.search(q, kk, 1);
    const count = m.keys.length;
    const tracks = new Int32Array(count);
    const scores = new Float32Array(count);
    const dim = this.dim;
    const v = this.vectors;
    for (let i = 0; i < count; i++) {
      const t = Number(m.keys[i]);
      tracks[i] = t;
      let s = 0;
      const o = t * dim;
      for (let d = 0; d < dim; d++) s += v[o + d]! * query[d]!;
      scores[i] = s;
    }
    sortByScoreDesc(tracks, scores, count);
    return { tracks, scores, count };
  }

  close(): void {
    // usearch has no explicit release: drop the reference so the mapping is unmapped on collection.
    this.closed = true;
  }
}

/** Sorts (tracks, scores) pairs by score, best first, ties by track index (deterministic). */
export function sortByScoreDesc(tracks: Int32Array, scores: Float32Array, count: number): void {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || tracks[a]! - tracks[b]!);
  const t2 = tracks.slice(0, count);
  const s2 = scores.slice(0, count);
  for (let i = 0; i < count; i++) {
    tracks[i] = t2[order[i]!]!;
    scores[i] = s2[order[i]!]!;
  }
}
