// Training examples for the learned ranker, accumulated request by request in flat growable arrays:
// features (rows x F), a binary label per row, the request (group) each row came from, and the score the
// retrieval order gave it (the baseline the ranker must beat), and its first-stage (listener-vector) score and
// rank among ALL the request's candidates, for the cascade (src/ranking/cascade.ts).
import type { CandidateSet, RequestContext } from '../pipeline/contracts.js';
import { centerPerRequest, embeddingScores, hydrateFeatures } from './features.js';

/** Per candidate of a set, its 0-based rank by first-stage score (ties: lower row first). Training only. */
export function firstStageRanks(ctx: RequestContext, set: CandidateSet): { scores: Float32Array; ranks: Int32Array } {
  const scores = new Float32Array(set.count);
  embeddingScores(ctx, set, scores);
  const order = Int32Array.from({ length: set.count }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const ranks = new Int32Array(set.count);
  for (let r = 0; r < order.length; r++) ranks[order[r]!] = r;
  return { scores, ranks };
}

export class RankerDataset {
  rows = 0;
  groups = 0;
  x: Float32Array;
  labels: Uint8Array;
  group: Int32Array;
  baseline: Float32Array;
  firstScore: Float32Array;
  firstRank: Int32Array;
  private scratch = new Float32Array(0);

  constructor(
    readonly featureNames: readonly string[],
    /** Centre features per request over all of its candidate rows (RANKER_KIND_CENTERED). */
    readonly centered = false,
    capacity = 1 << 16,
  ) {
    this.x = new Float32Array(capacity * featureNames.length);
    this.labels = new Uint8Array(capacity);
    this.group = new Int32Array(capacity);
    this.baseline = new Float32Array(capacity);
    this.firstScore = new Float32Array(capacity);
    this.firstRank = new Int32Array(capacity);
  }

  private reserve(extra: number): void {
    const need = this.rows + extra;
    if (need <= this.labels.length) return;
    const cap = Math.max(need, this.labels.length * 2);
    const f = this.featureNames.length;
    const grow = <T extends Float32Array | Uint8Array | Int32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.x = grow(this.x, cap * f);
    this.labels = grow(this.labels, cap);
    this.group = grow(this.group, cap);
    this.baseline = grow(this.baseline, cap);
    this.firstScore = grow(this.firstScore, cap);
    this.firstRank = grow(this.firstRank, cap);
  }

  /**
   * Adds the rows of one request: `labels[i]` for set row i (1 positive, 0 negative, 255 = leave out),
   * `baseline[i]` the retrieval-order score of row i. Returns how many rows were added.
   */
  addRequest(ctx: RequestContext, set: CandidateSet, labels: Uint8Array, baseline: Float32Array): number {
    const f = this.featureNames.length;
    if (this.scratch.length < set.count * f) this.scratch = new Float32Array(set.count * f * 2);
    hydrateFeatures(ctx, set, this.featureNames, this.scratch);
    if (this.centered) centerPerRequest(this.scratch, set.count, f);
    const first = firstStageRanks(ctx, set);
    let kept = 0;
    for (let i = 0; i < set.count; i++) if (labels[i] !== 255) kept++;
    this.reserve(kept);
    const g = this.groups++;
    for (let i = 0; i < set.count; i++) {
      const l = labels[i]!;
      if (l === 255) continue;
      const r = this.rows++;
      this.x.set(this.scratch.subarray(i * f, i * f + f), r * f);
      this.labels[r] = l;
      this.group[r] = g;
      this.baseline[r] = baseline[i]!;
      this.firstScore[r] = first.scores[i]!;
      this.firstRank[r] = first.ranks[i]!;
    }
    return kept;
  }
}
