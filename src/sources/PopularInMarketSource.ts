// What listeners in the listener's market play most right now: the market's overall list, interleaved with
// the per-genre lists of the listener's top root genres (onboarding picks or recent plays). Score = 1/(1+rank)
// in its list (genre lists slightly favoured, they are personal).
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import { CandidateAccumulator, eligible } from './candidates.js';
import { topRootGenres } from './listenerGenres.js';

const TOP_GENRES = 3;

export class PopularInMarketSource implements CandidateSource {
  readonly name = 'PopularInMarketSource';

  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const pop = ctx.bundle.popularity;
    const acc = new CandidateAccumulator();
    const overall = pop.inMarket(ctx.market);
    for (let i = 0; i < overall.length && acc.size < limit * 2; i++) {
      const t = overall[i]!;
      if (eligible(ctx, t)) acc.offerMax(t, 1 / (1 + i), -1);
    }
    for (const g of topRootGenres(ctx, TOP_GENRES)) {
      const list = pop.inMarketGenre(ctx.market, g);
      for (let i = 0; i < list.length && i < limit; i++) {
        const t = list[i]!;
        if (eligible(ctx, t)) acc.offerMax(t, 1.2 / (1 + i), -1);
      }
    }
    return acc.top(this.name, limit);
  }
}
