import type { SurfaceConfig } from './SurfaceConfig.js';

/** Home: the listener's personal mix. 200 ms end to end. */
export const home: SurfaceConfig = {
  name: 'home',
  budgetMs: 200,
  requiresSeed: false,
  sources: [
    // AnnSource over-fetches max(500, 2 x limit) hits; 250 keeps k at 500. It is by far the costliest
    // stage (about 5 ms of CPU at 8.2M tracks), so it is the one shed when requests queue.
    { name: 'AnnSource', limit: 250, budgetMs: 60, failOpen: true, shedAfterMs: 25 },
    { name: 'CoListenSource', limit: 200, budgetMs: 40, failOpen: true },
    { name: 'PopularInMarketSource', limit: 100, budgetMs: 20, failOpen: true },
    { name: 'NewReleasesSource', limit: 60, budgetMs: 20, failOpen: true },
    { name: 'ColdStartSource', limit: 200, budgetMs: 40, failOpen: true },
  ],
  fallbackSources: [{ name: 'LastResortPopular', limit: 300, budgetMs: 20, failOpen: true }],
  filters: [
    'RecentlyPlayedFilter',
    'SessionSkippedFilter',
    'DislikedTrackFilter',
    'BannedArtistFilter',
    'MarketAvailabilityFilter',
    'ExplicitContentFilter',
    'ExcludedTrackFilter',
  ],
  ranker: 'RankerScorer',
  fallbackRanker: 'EmbeddingBlendScorer',
  rankerBudgetMs: 60,
  rerank: {
    maxPerArtist: 2,
    discoveryShare: 0.2,
    explorationSlot: 7,
    explorationPool: 20,
    explorationTemperature: 0.3,
    window: 400,
  },
};
