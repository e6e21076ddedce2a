// Cold start, both ways.
//  - New listener (no vector, no history): popular tracks of their onboarding genres in their market, then the
//    market's overall popular list (score 1/(1+rank); onboarding genres first).
//  - New tracks (catalog.recentlyAdded(): added while serving, no bundle vector yet): each gets its
//    content-derived vector (coldStartVector) once per bundle (cached), and is scored by vector . listener
//    vector; without a listener vector, by whether its root genre is one the listener picked.
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import { coldStartVector } from '../retrieval/coldStartVector.js';
import { CandidateAccumulator, eligible } from './candidates.js';
import { rootGenreTable } from './listenerGenres.js';

/** Cold-start vectors of tracks added online, per bundle (dropped with the bundle). */
const vectorCache = new WeakMap<ModelBundle, Map<number, Float32Array>>();
const MAX_RECENT = 5000;

function vectorOf(ctx: RequestContext, t: number): Float32Array | null {
  const b = ctx.bundle;
  if (!b.coldStart) return null;
  let cache = vectorCache.get(b);
  if (!cache) {
    cache = new Map();
    vectorCache.set(b, cache);
  }
  let v = cache.get(t);
  if (!v) {
    v = coldStartVector(b, ctx.catalog, t);
    cache.set(t, v);
  }
  return v;
}

export class ColdStartSource implements CandidateSource {
  readonly name = 'ColdStartSource';

  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const acc = new CandidateAccumulator();
    const user = ctx.userVector;
    const recent = ctx.catalog.recentlyAdded();
    const roots = rootGenreTable(ctx);
    const picked = new Set(ctx.onboardingGenres);
    // New tracks first: they have no other way in.
    for (let i = 0; i < recent.length && i < MAX_RECENT; i++) {
      const t = recent[i]!;
      if (!eligible(ctx, t)) continue;
      let score: number;
      if (user) {
        const v = vectorOf(ctx, t);
        if (!v) continue;
        score = 0;
        for (let d = 0; d < v.length; d++) score += v[d]! * user[d]!;
        // Keep scores of new tracks comparable with the popular lists below (which are in (0, 1]).
        score = 1 + score;
      } else {
        score = picked.has(roots[ctx.catalog.columns.genre[t]!] ?? -1) ? 1.5 : 0.5;
      }
      acc.offerMax(t, score, -1);
    }
    const newListener = user === null && ctx.history.length === 0;
    if (newListener) {
      const pop = ctx.bundle.popularity;
      let g = 0;
      for (const genre of ctx.onboardingGenres) {
        const list = pop.inMarketGenre(ctx.market, genre);
        for (let i = 0; i < list.length && i < limit; i++) {
          const t = list[i]!;
          if (eligible(ctx, t)) acc.offerMax(t, 1 / (1 + i) + 0.01 / (1 + g), -1);
        }
        g++;
      }
      const overall = pop.inMarket(ctx.market);
      for (let i = 0; i < overall.length && acc.size < limit * 2; i++) {
        const t = overall[i]!;
        if (eligible(ctx, t)) acc.offerMax(t, 0.5 / (1 + i), -1);
      }
    }
    return acc.top(this.name, limit);
  }
}
