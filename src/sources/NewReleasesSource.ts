// New releases from artists the listener follows or plays: each artist's newest tracks (a few per artist),
// scored by release day relative to the newest candidate (score 1 = newest; -0.01 per day older), followed
// artists first. becauseOf = the listener's recent track by that artist, when there is one.
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import { CandidateAccumulator, eligible, recentTracks } from './candidates.js';
import { requestDay } from '../catalog/releaseDay.js';

const PER_ARTIST = 3;
const MAX_ARTISTS = 30;

export class NewReleasesSource implements CandidateSource {
  readonly name = 'NewReleasesSource';

  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const artistOf = ctx.catalog.columns.artist;
    const banned = new Set(ctx.state?.bannedArtists ?? []);
    const artists: number[] = [];
    const followed = new Set<number>();
    const playedBy = new Map<number, number>();
    for (const a of ctx.state?.followedArtists ?? []) {
      if (!banned.has(a) && !followed.has(a)) {
        followed.add(a);
        artists.push(a);
      }
    }
    for (const t of recentTracks(ctx, 100)) {
      const a = artistOf[t]!;
      if (!playedBy.has(a)) playedBy.set(a, t);
      if (!banned.has(a) && !artists.includes(a) && artists.length < MAX_ARTISTS) artists.push(a);
    }
    const releaseDay = ctx.catalog.columns.releaseDay;
    // an announced track is not out yet: the newest is the newest released by the request's day
    const today = requestDay(ctx.nowMs);
    const acc = new CandidateAccumulator();
    let newest = -Infinity;
    const picked: number[] = [];
    for (const a of artists) {
      const list = ctx.bundle.artistTracks.newest(a);
      let n = 0;
      for (let i = 0; i < list.length && n < PER_ARTIST; i++) {
        const t = list[i]!;
        if (!eligible(ctx, t) || releaseDay[t]! > today) continue;
        picked.push(t);
        newest = Math.max(newest, releaseDay[t]!);
        n++;
      }
    }
    for (const t of picked) {
      const a = artistOf[t]!;
      const score = 1 - 0.01 * (newest - releaseDay[t]!) + (followed.has(a) ? 0.5 : 0);
      acc.offerMax(t, score, playedBy.get(a) ?? -1);
    }
    return acc.top(this.name, limit);
  }
}
