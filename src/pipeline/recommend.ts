// recommend(): the feed pipeline as one in-process function. Serves HTTP (src/server/plugins/feed.ts)
// and the offline batch mode (`encore offline`) alike.
import type { Catalog } from '../catalog/Catalog.js';
import type { ListenerStateStore } from '../storage/interfaces.js';
import type { BundleHolderLike } from '../server/deps.js';
import type { PipelineComponents } from './components.js';
import type { UserProfiles } from './UserProfiles.js';
import type { FeedResult, RecommendRequest } from './types.js';
import type { FeedObserver } from './observer.js';

export type { FeedResult, RecommendRequest, FeedItem, StageTrace, Degradation } from './types.js';

/** What recommend() needs; AppDeps satisfies it. Offline mode passes listenerState: null. */
export interface RecommendDeps {
  readonly catalog: Catalog;
  readonly bundles: BundleHolderLike;
  readonly profiles: UserProfiles;
  readonly listenerState: ListenerStateStore | null;
  /** Defaults to defaultComponents() (src/pipeline/defaultComponents.ts). */
  readonly components?: PipelineComponents;
  /** Receives per-stage timings and degradations (the metrics plugin); optional. */
  readonly observer?: FeedObserver;
}

export async function recommend(deps: RecommendDeps, req: RecommendRequest): Promise<FeedResult> {
  void deps;
  void req;
  throw new Error('recommend: not implemented yet');
}
