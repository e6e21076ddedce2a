import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { requestDay } from '../catalog/releaseDay.js';
import { splitRows } from './splitRows.js';

/**
 * Removes tracks whose release day is after the request's day: an app announces a track before it is out
 * (its catalog row carries the future date), and a feed asked for a past moment (`at`, offline evaluation at a
 * listener's own clock) must not list what did not exist yet. Imported interaction data without release dates
 * dates each item by its first play (src/world/importers/firstPlay.ts).
 */
export class UnreleasedTrackFilter implements CandidateFilter {
  readonly name = 'UnreleasedTrackFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const today = requestDay(ctx.nowMs);
    const releaseDay = ctx.catalog.columns.releaseDay;
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if (releaseDay[set.tracks[i]!]! > today) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
