// Offline comparison of the learned ranker with the retrieval order on held-out logs: AUC over all rows
// and mean per-request NDCG (requests with at least one positive and one negative).
import { auc, listNdcg } from '../eval/metrics.js';

export interface RankingQuality {
  /** AUC over all rows pooled (also rewards telling listeners apart). */
  readonly auc: number;
  /** Mean AUC within a request (requests with both classes): how well tracks are ordered for one listener. */
  readonly requestAuc: number;
  readonly ndcg: number;
  readonly ndcgAt10: number;
  /** Mean per-request NDCG@20: the head of the feed, what model selection and acceptance compare. */
  readonly ndcgAt20: number;
}

/** Rows [0, rows) with `group` ids nondecreasing (rows of one request are contiguous). */
export function rankingQuality(scores: Float32Array, labels: Uint8Array, group: Int32Array, rows: number): RankingQuality {
  const s = scores.subarray(0, rows);
  const l = labels.subarray(0, rows);
  let ndcg = 0;
  let ndcg10 = 0;
  let ndcg20 = 0;
  let groupAuc = 0;
  let groups = 0;
  let start = 0;
  while (start < rows) {
    let end = start + 1;
    while (end < rows && group[end] === group[start]) end++;
    let pos = 0;
    for (let i = start; i < end; i++) pos += l[i]!;
    if (pos > 0 && pos < end - start) {
      ndcg += listNdcg(s.subarray(start, end), l.subarray(start, end));
      ndcg10 += listNdcg(s.subarray(start, end), l.subarray(start, end), 10);
      ndcg20 += listNdcg(s.subarray(start, end), l.subarray(start, end), 20);
      groupAuc += auc(s.subarray(start, end), l.subarray(start, end));
      groups++;
    }
    start = end;
  }
  return { auc: auc(s, l), requestAuc: groups ? groupAuc / groups : NaN, ndcg: groups ? ndcg / groups : NaN, ndcgAt10: groups ? ndcg10 / groups : NaN, ndcgAt20: groups ? ndcg20 / groups : NaN };
}
