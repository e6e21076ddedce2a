import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { splitRows } from './splitRows.js';

/** Removes tracks not licensed in the listener's market (and taken-down tracks, which are licensed nowhere). */
export class MarketAvailabilityFilter implements CandidateFilter {
  readonly name = 'MarketAvailabilityFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const sets = ctx.catalog.marketSets;
    const marketSet = ctx.catalog.columns.marketSet;
    const m = ctx.market;
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if (!sets.has(marketSet[set.tracks[i]!]!, m)) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
