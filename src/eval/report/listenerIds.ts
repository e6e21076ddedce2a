// The one place `encore eval`, `encore ope` and the simulator turn a world's dense indices into the app ids the
// service speaks (feed userId, trackId of a feed item) and back: the world's id dictionaries.
import type { Catalog } from '../../catalog/Catalog.js';
import type { World } from '../../world/World.js';

/** The listener id the service knows listener index `u` of `world` by. */
export function listenerIdOf(world: World, u: number): string {
  return world.users.ids.idAt(u);
}

/** The catalog's track index of a feed item's trackId, or null when it names no track of the catalog. */
export function trackIndexOf(catalog: Pick<Catalog, 'trackIds'>, trackId: string): number | null {
  const t = catalog.trackIds.indexOf(trackId);
  return t >= 0 ? t : null;
}

/** The trackId the service knows track index `t` of `world` by. */
export function trackIdOf(world: World, t: number): string {
  return world.catalog.trackIds.idAt(t);
}
