import type { CandidateFilter } from '../pipeline/contracts.js';
import { BannedArtistFilter } from './BannedArtistFilter.js';
import { DislikedTrackFilter } from './DislikedTrackFilter.js';
import { ExplicitContentFilter } from './ExplicitContentFilter.js';
import { MarketAvailabilityFilter } from './MarketAvailabilityFilter.js';
import { RecentlyPlayedFilter } from './RecentlyPlayedFilter.js';
import { SeedTrackFilter } from './SeedTrackFilter.js';
import { SessionSkippedFilter } from './SessionSkippedFilter.js';
import { UnreleasedTrackFilter } from './UnreleasedTrackFilter.js';

export { ExcludedTrackFilter } from './ExcludedTrackFilter.js';

/** Stateless filters by name (surface configs list these names). ExcludedTrackFilter is built per request. */
export const FILTERS: ReadonlyMap<string, CandidateFilter> = new Map(
  [
    new RecentlyPlayedFilter(),
    new SessionSkippedFilter(),
    new DislikedTrackFilter(),
    new BannedArtistFilter(),
    new MarketAvailabilityFilter(),
    new ExplicitContentFilter(),
    new UnreleasedTrackFilter(),
    new SeedTrackFilter(),
  ].map((f) => [f.name, f]),
);
