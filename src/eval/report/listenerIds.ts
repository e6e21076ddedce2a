// The one place `encore eval` and the simulator turn a world's dense indices into the string ids the service
// speaks (feed userId, trackId of a feed item). The world format keeps dense indices; when worlds carry their
// id dictionary, these two functions are the only lines to change.
import { parseTrackId, trackId } from '../../domain/ids.js';
import type { World } from '../../world/World.js';

/** The listener id the service knows listener index `u` of `world` by. */
export function listenerIdOf(_world: World, u: number): string {
  return `u${u}`;
}

/** The world's track index of a feed item's trackId, or null when it names no track of the world. */
export function trackIndexOf(_world: World, trackId: string): number | null {
  return parseTrackId(trackId);
}

/** The trackId the service knows track index `t` of `world` by. */
export function trackIdOf(_world: World, t: number): string {
  return trackId(t);
}
