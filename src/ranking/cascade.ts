// The learned ranker as the second stage of a cascade: it reorders only the first stage's top `depth`
// candidates (by the listener-vector score); everything below them keeps the embedding order, under them.
// This is how multi-stage recommenders keep a ranker trained on the head of the list from promoting the tail
// (on MovieLens, popularity orders "candidate vs junk" the opposite way from "good pick vs near miss").
// Flat typed arrays and a caller-owned scratch buffer: nothing is allocated per candidate or per request.

/** Writes into `scratch` and returns the depth-th largest of a[0..n) (quickselect, O(n) expected). */
export function kthLargest(a: Float32Array | Float64Array, n: number, depth: number, scratch: Float32Array): number {
  for (let i = 0; i < n; i++) scratch[i] = a[i]!;
  const k = depth - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i]! > pivot) i++;
      while (scratch[j]! < pivot) j--;
      if (i <= j) {
        const t = scratch[i]!;
        scratch[i] = scratch[j]!;
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return scratch[k]!;
}

/**
 * In place: rows whose first-stage score `emb` is among the top `depth` get 2 + their ranker score (a
 * probability in (0, 1)); the others get sigmoid(emb) in (0, 1), so they stay below and in first-stage order.
 * depth <= 0 or depth >= n leaves `scores` alone. `scratch` must hold n floats.
 */
export function applyRerankDepth(scores: Float32Array, emb: Float32Array | Float64Array, n: number, depth: number, scratch: Float32Array): void {
  if (depth <= 0 || depth >= n) return;
  const threshold = kthLargest(emb, n, depth, scratch);
  for (let i = 0; i < n; i++) scores[i] = emb[i]! >= threshold ? 2 + scores[i]! : 1 / (1 + Math.exp(-emb[i]!));
}
