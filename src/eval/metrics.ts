// Ranking metrics with binary relevance, as in /work/shared/FACTS.md: Recall@K is normalised by
// min(K, |relevant|) so a perfect list scores 1 even when the user has more than K test items.

/** `recs[0..count)` best first; `relevant` sorted ascending. */
function isRelevant(relevant: Int32Array, item: number): boolean {
  let lo = 0;
  let hi = relevant.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = relevant[mid]!;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function recallAtK(recs: Int32Array, relevant: Int32Array, k: number): number {
  if (relevant.length === 0) return 0;
  let hits = 0;
  const n = Math.min(k, recs.length);
  for (let i = 0; i < n; i++) if (recs[i]! >= 0 && isRelevant(relevant, recs[i]!)) hits++;
  return hits / Math.min(k, relevant.length);
}

export function ndcgAtK(recs: Int32Array, relevant: Int32Array, k: number): number {
  if (relevant.length === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, recs.length);
  for (let i = 0; i < n; i++) if (recs[i]! >= 0 && isRelevant(relevant, recs[i]!)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  const m = Math.min(k, relevant.length);
  for (let i = 0; i < m; i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

/**
 * Area under the ROC curve of `scores` for binary `labels` (1 = positive), with ties counted as half
 * (Mann-Whitney U). Returns NaN when one class is empty.
 */
export function auc(scores: Float32Array | Float64Array, labels: Uint8Array): number {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let q = i; q <= j; q++) {
      if (labels[order[q]!] === 1) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** NDCG of a whole list (all positions) ordered by `scores` descending, binary `labels`. */
export function listNdcg(scores: Float32Array | Float64Array, labels: Uint8Array, k = Infinity): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let dcg = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[order[i]!] === 1) {
      positives++;
      if (i < k) dcg += 1 / Math.log2(i + 2);
    }
  }
  if (positives === 0) return NaN;
  let idcg = 0;
  for (let i = 0; i < Math.min(positives, k); i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}
