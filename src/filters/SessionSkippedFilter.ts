import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { sessionIsActive } from '../storage/applyEvent.js';
import { keepAll, removeTracksIn } from './splitRows.js';

/** Removes tracks skipped in the listener's current session. */
export class SessionSkippedFilter implements CandidateFilter {
  readonly name = 'SessionSkippedFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const s = ctx.state;
    if (s === null || s.sessionSkipped.length === 0 || !sessionIsActive(s, ctx.nowMs)) return keepAll(set.count);
    return removeTracksIn(set.tracks, set.count, new Set(s.sessionSkipped));
  }
}
