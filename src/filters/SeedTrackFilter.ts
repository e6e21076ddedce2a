import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { keepAll, splitRows } from './splitRows.js';

/** Radio: the seed itself is not part of what follows it. */
export class SeedTrackFilter implements CandidateFilter {
  readonly name = 'SeedTrackFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const seed = ctx.seedTrack;
    if (seed === null) return keepAll(set.count);
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if (set.tracks[i] === seed) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
