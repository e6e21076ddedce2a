import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { keepAll, removeTracksIn } from './splitRows.js';

/** Removes tracks the listener disliked. */
export class DislikedTrackFilter implements CandidateFilter {
  readonly name = 'DislikedTrackFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const s = ctx.state;
    if (s === null || s.dislikedTracks.length === 0) return keepAll(set.count);
    return removeTracksIn(set.tracks, set.count, new Set(s.dislikedTracks));
  }
}
