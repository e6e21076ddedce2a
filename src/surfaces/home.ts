import type { SurfaceConfig } from './SurfaceConfig.js';

/** Home: the listener's personal mix. 200 ms end to end. */
export const home: SurfaceConfig = {
  name: 'home',
  budgetMs: 200,
  requiresSeed: false,
  sources: [
    // AnnSource over-fetches max(OVERFETCH_MIN = 200, 2 x limit) hits, so 120 asks the index for 240. It is
    // by far the costliest stage (about 0.8 ms at 8.2M tracks), so it is the one shed when requests queue:
    // after 50 ms of waiting, a quarter of the budget and half of the queue deadline past which requests are
    // refused (503, src/server/plugins/overload.ts), so feeds degrade before anyone is turned away. (25 ms
    // degraded feeds at p99 latencies of 35 ms, far inside the budget.)
    { name: 'AnnSource', limit: 120, budgetMs: 60, failOpen: true, shedAfterMs: 50 },
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
    'UnreleasedTrackFilter',
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
    // 30 % of the slot's probability uniform over the top 100 eligible: support for evaluating other bundles
    // off-policy (SurfaceConfig.explorationUniformShare); it costs the slot some appeal 30 % of the time.
    explorationUniformShare: 0.3,
    explorationWidePool: 100,
    window: 400,
  },
};
