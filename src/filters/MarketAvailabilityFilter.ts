import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { splitRows } from './splitRows.js';

/** Removes tracks not licensed in the listener's market. */
export class MarketAvailabilityFilter implements CandidateFilter {
  readonly name = 'MarketAvailabilityFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const markets = ctx.catalog.columns.markets;
    const bit = 1 << ctx.market;
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if ((markets[set.tracks[i]!]! & bit) === 0) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
