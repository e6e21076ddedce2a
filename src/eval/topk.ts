/**
 * Top-k of a dense score vector with a bounded min-heap (sort only k), skipping excluded columns.
 * Writes item indices best first into `out` (length >= k) and returns how many were written.
 * `heapIdx`/`heapVal` are caller-owned scratch buffers of length >= k, so the per-user loop allocates nothing.
 */
export function topKDense(
  scores: Float32Array | Float64Array,
  k: number,
  exclude: Int32Array | null,
  out: Int32Array,
  heapIdx: Int32Array,
  heapVal: Float64Array,
): number {
  // Mark excluded columns by a temporary -Infinity, restoring afterwards.
  const saved: number[] = [];
  if (exclude) {
    for (let i = 0; i < exclude.length; i++) {
      saved.push(scores[exclude[i]!]!);
      scores[exclude[i]!] = -Infinity;
    }
  }
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (v === -Infinity || Number.isNaN(v)) continue;
    size = pushBounded(heapIdx, heapVal, size, k, i, v);
  }
  if (exclude) for (let i = 0; i < exclude.length; i++) scores[exclude[i]!] = saved[i]!;
  return drainBestFirst(heapIdx, heapVal, size, out, null);
}

/**
 * Adds (idx, v) to the min-heap (heapIdx, heapVal) of `size` entries that keeps the k largest values; returns the
 * new size. Ties: an entry already in stays (so pushing in index order keeps the lower index).
 */
export function pushBounded(heapIdx: Int32Array, heapVal: Float64Array, size: number, k: number, idx: number, v: number): number {
  if (size < k) {
    let c = size;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (heapVal[p]! <= v) break;
      heapVal[c] = heapVal[p]!;
      heapIdx[c] = heapIdx[p]!;
      c = p;
    }
    heapVal[c] = v;
    heapIdx[c] = idx;
    return size + 1;
  }
  if (v > heapVal[0]!) siftDown(heapIdx, heapVal, size, idx, v);
  return size;
}

/** Empties the heap into `outIdx` (and `outVal` when given), best first; returns how many were written. */
export function drainBestFirst(heapIdx: Int32Array, heapVal: Float64Array, size: number, outIdx: Int32Array, outVal: Float32Array | null, offset = 0): number {
  const count = size;
  for (let pos = count - 1; pos >= 0; pos--) {
    outIdx[offset + pos] = heapIdx[0]!;
    if (outVal) outVal[offset + pos] = heapVal[0]!;
    size--;
    if (size > 0) siftDown(heapIdx, heapVal, size, heapIdx[size]!, heapVal[size]!);
  }
  return count;
}

function siftDown(heapIdx: Int32Array, heapVal: Float64Array, size: number, idx: number, v: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const m = r < size && heapVal[r]! < heapVal[l]! ? r : l;
    if (heapVal[m]! >= v) break;
    heapVal[c] = heapVal[m]!;
    heapIdx[c] = heapIdx[m]!;
    c = m;
  }
  heapVal[c] = v;
  heapIdx[c] = idx;
}
