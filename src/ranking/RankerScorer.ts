// The learned ranker as a pipeline Scorer: hydrates features and scores each candidate with the bundle's
// ranker (logistic regression on standardized features: the predicted chance this listener plays this
// track to the end). Without a trained ranker it keeps the retrieval order (EmbeddingBlendScorer: the
// listener-vector score blended with the sources' ranks), so a bundle without ranker still serves.
import type { CandidateSet, RequestContext, Scorer } from '../pipeline/contracts.js';
import type { RankerModel } from '../model/ModelBundle.js';
import { EmbeddingBlendScorer } from '../pipeline/EmbeddingBlendScorer.js';
import { centerPerRequest, embeddingScores, hydrateFeatures } from './features.js';
import { applyRerankDepth } from './cascade.js';

export const RANKER_NAME = 'RankerScorer';
/** Logistic regression on standardized features: a calibrated chance of playing to the end. */
export const RANKER_KIND = 'logistic-v1';
/** Logistic regression on features centred per request (see centerPerRequest): ranks within a request. */
export const RANKER_KIND_CENTERED = 'logistic-centered-v1';
/** Linear scorer trained on pairs of one request (see fitRanker): orders tracks, not calibrated. */
export const RANKER_KIND_PAIRWISE = 'pairwise-logistic-v1';
/** Linear scorer fitted listwise by coordinate ascent on NDCG@20 (see coordinateAscent.ts): orders tracks, not calibrated. */
export const RANKER_KIND_LISTWISE = 'listwise-linear-v1';
export const RANKER_KINDS: readonly string[] = [RANKER_KIND, RANKER_KIND_CENTERED, RANKER_KIND_PAIRWISE, RANKER_KIND_LISTWISE];

export class RankerScorer implements Scorer {
  readonly name = RANKER_NAME;
  private readonly fallback = new EmbeddingBlendScorer();
  /** Grown on demand, reused across requests (the scorer is per process; the pipeline is single-threaded). */
  private buffer = new Float32Array(0);
  /** First-stage (listener-vector) scores and quickselect scratch for the cascade, grown on demand. */
  private emb = new Float32Array(0);
  private scratch = new Float32Array(0);
  /** The candidate table the buffer was last hydrated for (hydrate() then score() on the same table). */
  private hydratedFor: CandidateSet | null = null;
  private hydratedCount = -1;

  /**
   * Feature hydration as its own pipeline stage (the runner times it separately). The runner calls
   * score() right after, synchronously, on the same table; any other call hydrates inside score().
   */
  hydrate(ctx: RequestContext, set: CandidateSet): void {
    const model = ctx.bundle.ranker;
    this.hydratedFor = null;
    if (model === null || !RANKER_KINDS.includes(model.kind)) return;
    this.fill(ctx, set, model);
    this.hydratedFor = set;
    this.hydratedCount = set.count;
  }

  score(ctx: RequestContext, set: CandidateSet, out: Float32Array): void {
    const model = ctx.bundle.ranker;
    if (model === null || !RANKER_KINDS.includes(model.kind)) {
      this.hydratedFor = null;
      this.fallback.score(ctx, set, out);
      return;
    }
    if (this.hydratedFor !== set || this.hydratedCount !== set.count) this.fill(ctx, set, model);
    this.hydratedFor = null;
    scoreRows(model, this.buffer, set.count, out);
    const depth = model.rerankDepth ?? 0;
    if (depth > 0 && set.count > depth) {
      if (this.emb.length < set.count) {
        this.emb = new Float32Array(Math.max(set.count, this.emb.length * 2));
        this.scratch = new Float32Array(this.emb.length);
      }
      embeddingScores(ctx, set, this.emb);
      applyRerankDepth(out, this.emb, set.count, depth, this.scratch);
    }
  }

  private fill(ctx: RequestContext, set: CandidateSet, model: RankerModel): void {
    const f = model.featureNames.length;
    const need = set.count * f;
    if (this.buffer.length < need) this.buffer = new Float32Array(Math.max(need, this.buffer.length * 2));
    hydrateFeatures(ctx, set, model.featureNames, this.buffer);
    if (model.kind === RANKER_KIND_CENTERED) centerPerRequest(this.buffer, set.count, f);
  }
}

/** Probability (sigmoid of the log-odds) per row of a rows x F feature matrix. */
export function scoreRows(model: RankerModel, x: Float32Array, rows: number, out: Float32Array): void {
  const f = model.featureNames.length;
  const w = model.weights;
  const m = model.means;
  const sd = model.stds;
  for (let i = 0; i < rows; i++) {
    const o = i * f;
    let s = model.bias;
    for (let j = 0; j < f; j++) s += (w[j]! * (x[o + j]! - m[j]!)) / sd[j]!;
    out[i] = 1 / (1 + Math.exp(-s));
  }
}
