import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { removeTracksIn } from './splitRows.js';

/**
 * Removes tracks the caller asked to exclude (offline evaluation excludes a listener's training items).
 * Built per request with that request's set.
 */
export class ExcludedTrackFilter implements CandidateFilter {
  readonly name = 'ExcludedTrackFilter';
  constructor(private readonly excluded: ReadonlySet<number>) {}
  apply(_ctx: RequestContext, set: CandidateSet): FilterResult {
    return removeTracksIn(set.tracks, set.count, this.excluded);
  }
}
