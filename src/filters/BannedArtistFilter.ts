import type { CandidateFilter, CandidateSet, FilterResult, RequestContext } from '../pipeline/contracts.js';
import { keepAll, splitRows } from './splitRows.js';

/** Removes tracks by artists the listener banned. */
export class BannedArtistFilter implements CandidateFilter {
  readonly name = 'BannedArtistFilter';
  apply(ctx: RequestContext, set: CandidateSet): FilterResult {
    const s = ctx.state;
    if (s === null || s.bannedArtists.length === 0) return keepAll(set.count);
    const banned = new Set(s.bannedArtists);
    const artist = ctx.catalog.columns.artist;
    const drop = new Uint8Array(set.count);
    let dropped = 0;
    for (let i = 0; i < set.count; i++) {
      if (banned.has(artist[set.tracks[i]!]!)) {
        drop[i] = 1;
        dropped++;
      }
    }
    return splitRows(set.count, drop, dropped);
  }
}
