// Nearest tracks to the listener's vector (or, on radio, to the seed track's vector) from the bundle's
// vector index. Filters (market availability, explicit setting) would remove part of the hits, so the source
// over-fetches: it asks the index for max(OVERFETCH_MIN, 2 x limit) hits, drops the ineligible ones, and
// widens the search (x4, up to MAX_K) while fewer than `limit` survive. becauseOf = the recent track most
// similar to the hit (for "Because you played X"), or the radio seed.
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import { eligible, emptyBatch, recentTracks } from './candidates.js';

// 200 rather than 500: the feed shows 30 tracks; k = 500 costs ~2.5 ms a query at 8.2M tracks, k = 200 ~1.6 ms
// (measured 2026-11-25 on bundles-8m), and the widening below still guards against filters emptying the list.
export const OVERFETCH_MIN = 200;
export const MAX_K = 8000;
const EXPLAIN_WITH = 10;

/** How many hits AnnSource first asks the index for, given its limit. */
export const annQueryK = (limit: number): number => Math.max(OVERFETCH_MIN, 2 * limit);

export class AnnSource implements CandidateSource {
  readonly name = 'AnnSource';

  fetch(ctx: RequestContext, limit: number, signal: AbortSignal): CandidateBatch {
    const b = ctx.bundle;
    const dim = b.dim;
    let query: Float32Array | null;
    const seed = ctx.seedTrack;
    if (seed !== null && seed >= 0 && seed < b.trackCount) {
      query = new Float32Array(dim);
      b.itemVectors.copyRow(seed, query);
    } else query = ctx.userVector;
    if (!query || limit <= 0) return emptyBatch(this.name);
    // A (near-)zero vector (a listener without positive evidence: ALS leaves |x| < 1e-6) ranks by noise.
    let norm = 0;
    for (let d = 0; d < dim && d < query.length; d++) norm += query[d]! * query[d]!;
    if (norm < 1e-12) return emptyBatch(this.name);
    let k = Math.min(b.index.size, annQueryK(limit));
    const tracks = new Int32Array(limit);
    const scores = new Float32Array(limit);
    let count: number;
    for (;;) {
      const hits = b.index.search(query, k);
      count = 0;
      for (let i = 0; i < hits.count && count < limit; i++) {
        const t = hits.tracks[i]!;
        if (t === seed || !eligible(ctx, t)) continue;
        tracks[count] = t;
        scores[count] = hits.scores[i]!;
        count++;
      }
      if (count >= limit || k >= Math.min(MAX_K, b.index.size) || signal.aborted) break;
      k = Math.min(MAX_K, b.index.size, k * 4);
    }
    const becauseOf = new Int32Array(count).fill(-1);
    if (seed !== null) becauseOf.fill(seed);
    else {
      const recent = recentTracks(ctx, EXPLAIN_WITH).filter((t) => t >= 0 && t < b.trackCount);
      const Y = b.itemVectors;
      for (let i = 0; i < count; i++) {
        let best = -Infinity;
        for (const h of recent) {
          const s = Y.dotRows(tracks[i]!, h);
          if (s > best) {
            best = s;
            becauseOf[i] = h;
          }
        }
      }
    }
    return { source: this.name, tracks: tracks.subarray(0, count), scores: scores.subarray(0, count), becauseOf, count };
  }
}
