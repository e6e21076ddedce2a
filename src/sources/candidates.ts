// Shared helpers of the candidate sources: eligibility (market availability, explicit setting) and a small
// accumulator that dedupes tracks, keeps the best score (and its explanation) per track, and returns the top
// `limit` as a CandidateBatch. Sources handle hundreds to a few thousand tracks, so a Map is fine here.
import type { CandidateBatch, RequestContext } from '../pipeline/contracts.js';

/** Whether the listener may be served track t at all (the feed's filters check the same; sources pre-filter so
 *  that over-fetching can make up for what would be removed). */
export function eligible(ctx: RequestContext, t: number): boolean {
  const c = ctx.catalog.columns;
  if (!(t >= 0 && t < ctx.catalog.trackCount)) return false;
  if (!ctx.catalog.marketSets.has(c.marketSet[t]!, ctx.market)) return false;
  return ctx.explicitOk || c.explicit[t]! === 0;
}

export function emptyBatch(source: string): CandidateBatch {
  return { source, tracks: new Int32Array(0), scores: new Float32Array(0), becauseOf: new Int32Array(0), count: 0 };
}

export class CandidateAccumulator {
  private readonly at = new Map<number, number>();
  private readonly tracks: number[] = [];
  private readonly scores: number[] = [];
  private readonly because: number[] = [];

  get size(): number {
    return this.tracks.length;
  }

  has(t: number): boolean {
    return this.at.has(t);
  }

  /** Keeps the higher score (and its becauseOf) when the track is offered again. */
  offerMax(t: number, score: number, becauseOf: number): void {
    const i = this.at.get(t);
    if (i === undefined) {
      this.at.set(t, this.tracks.length);
      this.tracks.push(t);
      this.scores.push(score);
      this.because.push(becauseOf);
    } else if (score > this.scores[i]!) {
      this.scores[i] = score;
      this.because[i] = becauseOf;
    }
  }

  /** Adds to the track's score; becauseOf follows the largest single contribution. */
  private readonly bestPart: number[] = [];
  offerSum(t: number, part: number, becauseOf: number): void {
    const i = this.at.get(t);
    if (i === undefined) {
      this.at.set(t, this.tracks.length);
      this.tracks.push(t);
      this.scores.push(part);
      this.because.push(becauseOf);
      this.bestPart.push(part);
    } else {
      this.scores[i]! += part;
      if (part > (this.bestPart[i] ?? -Infinity)) {
        this.bestPart[i] = part;
        this.because[i] = becauseOf;
      }
    }
  }

  /** The best `limit` tracks, score descending (ties: lower track index first). */
  top(source: string, limit: number): CandidateBatch {
    const n = this.tracks.length;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => this.scores[b]! - this.scores[a]! || this.tracks[a]! - this.tracks[b]!);
    const count = Math.min(limit, n);
    const tracks = new Int32Array(count);
    const scores = new Float32Array(count);
    const becauseOf = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const j = order[i]!;
      tracks[i] = this.tracks[j]!;
      scores[i] = this.scores[j]!;
      becauseOf[i] = this.because[j]!;
    }
    return { source, tracks, scores, becauseOf, count };
  }
}

/** The listener's recent positive tracks: session plays, online recent plays, then training history (deduped, newest first). */
export function recentTracks(ctx: RequestContext, max: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const skipped = new Set(ctx.state?.sessionSkipped ?? []);
  const push = (t: number): void => {
    if (out.length < max && !seen.has(t) && !skipped.has(t)) {
      seen.add(t);
      out.push(t);
    }
  };
  for (const t of ctx.state?.sessionPlayed ?? []) push(t);
  for (const t of ctx.state?.recentTracks ?? []) push(t);
  for (let i = 0; i < ctx.history.length; i++) push(ctx.history[i]!);
  return out;
}
