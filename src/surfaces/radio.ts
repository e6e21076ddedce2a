import type { SurfaceConfig } from './SurfaceConfig.js';

/** Radio: continues from one seed track (co-listening + nearest neighbours of the seed). 150 ms. */
export const radio: SurfaceConfig = {
  name: 'radio',
  budgetMs: 150,
  requiresSeed: true,
  sources: [
    { name: 'CoListenSource', limit: 300, budgetMs: 40, failOpen: true },
    { name: 'AnnSource', limit: 120, budgetMs: 50, failOpen: true, shedAfterMs: 40 }, // see home.ts (budget 150 ms)
    { name: 'ColdStartSource', limit: 100, budgetMs: 40, failOpen: true },
  ],
  fallbackSources: [{ name: 'LastResortPopular', limit: 300, budgetMs: 20, failOpen: true }],
  filters: [
    'SeedTrackFilter',
    'RecentlyPlayedFilter',
    'SessionSkippedFilter',
    'DislikedTrackFilter',
    'BannedArtistFilter',
    'MarketAvailabilityFilter',
    'ExplicitContentFilter',
    'UnreleasedTrackFilter',
    'ExcludedTrackFilter',
  ],
  ranker: 'RankerScorer',
  fallbackRanker: 'EmbeddingBlendScorer',
  rankerBudgetMs: 40,
  rerank: {
    maxPerArtist: 2,
    discoveryShare: 0.2,
    explorationSlot: 9,
    explorationPool: 20,
    explorationTemperature: 0.3,
    window: 300,
  },
};
