// All retrieval candidate sources, by their stable names (the surfaces refer to them by name).
import type { CandidateSource } from '../pipeline/contracts.js';
import { AnnSource } from './AnnSource.js';
import { CoListenSource } from './CoListenSource.js';
import { PopularInMarketSource } from './PopularInMarketSource.js';
import { NewReleasesSource } from './NewReleasesSource.js';
import { ColdStartSource } from './ColdStartSource.js';

export { AnnSource, CoListenSource, PopularInMarketSource, NewReleasesSource, ColdStartSource };

export function retrievalSources(): CandidateSource[] {
  return [new AnnSource(), new CoListenSource(), new PopularInMarketSource(), new NewReleasesSource(), new ColdStartSource()];
}
