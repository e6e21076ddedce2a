import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { keepAll, splitRows } from './splitRows.js';

/** Removes explicit tracks for listeners who opted out of explicit content. */
export class ExplicitContentFilter implements CandidateFilter {
  readonly name = 'ExplicitContentFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    if (ctx.explicitOk) return keepAll(set.count);
    const explicit = ctx.catalog.columns.explicit;
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if (explicit[set.tracks[i]!] === 1) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
