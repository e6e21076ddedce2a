import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { keepAll, removeTracksIn } from './splitRows.js';

/** Removes tracks the listener played recently (online state) or in the current session. */
export class RecentlyPlayedFilter implements CandidateFilter {
  readonly name = 'RecentlyPlayedFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const s = ctx.state;
    if (s === null) return keepAll(set.count);
    const played = new Set<number>(s.recentTracks);
    for (const t of s.sessionPlayed) played.add(t);
    return removeTracksIn(set.tracks, set.count, played);
  }
}
