import type { Catalog } from '../../src/catalog/Catalog.js';
import type { ModelBundle } from '../../src/model/ModelBundle.js';
import type { RequestContext } from '../../src/pipeline/contracts.js';
import type { ListenerState } from '../../src/storage/interfaces.js';
import { emptyListenerState } from '../../src/storage/applyEvent.js';

export function context(bundle: ModelBundle, catalog: Catalog, over: Partial<RequestContext> = {}): RequestContext {
  const u = over.userIndex ?? 0;
  return {
    requestId: 'r1',
    surface: 'home',
    userId: `u${u}`,
    userIndex: u,
    market: 0,
    explicitOk: true,
    nowMs: Date.now(),
    limit: 30,
    seedTrack: null,
    userVector: u === null ? null : bundle.userFactors.slice(u * bundle.dim, (u + 1) * bundle.dim),
    state: null,
    history: u === null ? new Int32Array(0) : bundle.userHistory.recentPositives(u as never),
    onboardingGenres: [],
    catalog,
    bundle,
    ...over,
  };
}

export function state(over: Partial<ListenerState> = {}): ListenerState {
  return { ...emptyListenerState('u0'), ...over };
}

/** The same catalog, but with `added` as tracks added online (recentlyAdded). */
export function withRecentlyAdded(catalog: Catalog, added: number[]): Catalog {
  const c = Object.create(catalog) as Catalog & { recentlyAdded: () => Int32Array };
  c.recentlyAdded = () => Int32Array.from(added);
  return c;
}
