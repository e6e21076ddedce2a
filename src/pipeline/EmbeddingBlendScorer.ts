// Fallback scorer (used when the learned ranker is missing or fails): listener-vector dot product with
// the item vector, blended with reciprocal-rank fusion of the sources' own rankings.
import type { CandidateSet, RequestContext, Scorer } from './contracts.js';

/** RRF constant: rank 0 of one source adds FUSION_WEIGHT / RRF_K. */
const RRF_K = 10;
const FUSION_WEIGHT = 2;

export class EmbeddingBlendScorer implements Scorer {
  readonly name = 'EmbeddingBlendScorer';
  score(ctx: RequestContext, set: CandidateSet, out: Float32Array): void {
    const v = ctx.userVector;
    const items = ctx.bundle.itemVectors;
    const s = set.sourceNames.length;
    for (let i = 0; i < set.count; i++) {
      let fusion = 0;
      for (let c = 0; c < s; c++) {
        const r = set.sourceRanks[i * s + c]!;
        if (r >= 0) fusion += 1 / (RRF_K + r);
      }
      const dot = v !== null ? items.dot(set.tracks[i]!, v) : 0;
      out[i] = dot + FUSION_WEIGHT * fusion;
    }
  }
}
