// Co-listening neighbours of what the listener is playing: the radio seed, this session's plays, recent plays
// and training history (newest first, decreasing weight). A neighbour's score is the weighted sum of its
// co-listening weights over the seeds; becauseOf is the seed that contributed most.
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import type { TrackIndex } from '../domain/ids.js';
import { CandidateAccumulator, eligible, recentTracks } from './candidates.js';

const MAX_SEEDS = 30;

export class CoListenSource implements CandidateSource {
  readonly name = 'CoListenSource';

  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const seeds: number[] = [];
    const weights: number[] = [];
    if (ctx.seedTrack !== null) {
      seeds.push(ctx.seedTrack);
      weights.push(3);
    }
    const session = new Set(ctx.state?.sessionPlayed ?? []);
    for (const t of recentTracks(ctx, MAX_SEEDS)) {
      if (t === ctx.seedTrack) continue;
      seeds.push(t);
      // Session plays count double; older history fades with its rank.
      weights.push(session.has(t) ? 2 : 1 / (1 + 0.1 * seeds.length));
    }
    const acc = new CandidateAccumulator();
    const seedSet = new Set(seeds);
    for (let s = 0; s < seeds.length; s++) {
      const seed = seeds[s]!;
      const nb = ctx.bundle.coListen.neighbours(seed as TrackIndex);
      for (let i = 0; i < nb.tracks.length; i++) {
        const t = nb.tracks[i]!;
        if (seedSet.has(t) || !eligible(ctx, t)) continue;
        acc.offerSum(t, weights[s]! * nb.weights[i]!, seed);
      }
    }
    return acc.top(this.name, limit);
  }
}
