// Where a simulated listener's feed comes from: Encore over its real HTTP API, or a local baseline policy
// (most popular, uniformly random) whose events still go to the same service.
import type { World } from '../world/World.js';
import { EventType } from '../domain/events.js';
import { listenerIdOf, trackIndexOf } from '../eval/report/listenerIds.js';
import type { ServiceClient } from './client.js';

export interface ServedItem {
  readonly track: number;
  readonly propensity?: number;
}

export interface ServedFeed {
  readonly requestId: string;
  readonly items: readonly ServedItem[];
  readonly experiment?: string;
  readonly variant?: string;
  /** The service reported a degradation (a source shed or over budget, fallbacks): the feed is not its best. */
  readonly degraded?: boolean;
}

export interface FeedPolicy {
  readonly name: string;
  /** `atMs`: the simulated clock at the request (Encore reads session state and time features at it). */
  feed(u: number, limit: number, avoid: ReadonlySet<number>, rand: () => number, requestId: string, atMs: number): Promise<ServedFeed>;
}

interface FeedBody {
  requestId: string;
  experiment?: string;
  variant?: string;
  items: { trackId: string; propensity?: number }[];
  degraded?: unknown[];
}

export function encorePolicy(world: World, client: ServiceClient): FeedPolicy {
  return {
    name: 'encore',
    async feed(u, limit, _avoid, _rand, _requestId, atMs) {
      const body = await client.getJson<FeedBody>(`/v1/users/${encodeURIComponent(listenerIdOf(world, u))}/feed?surface=home&limit=${limit}&at=${Math.round(atMs)}`);
      const items: ServedItem[] = [];
      for (const it of body.items) {
        const t = trackIndexOf(world.catalog, it.trackId);
        if (t !== null) items.push(it.propensity !== undefined ? { track: t, propensity: it.propensity } : { track: t });
      }
      return { requestId: body.requestId, items, degraded: (body.degraded?.length ?? 0) > 0, ...(body.experiment ? { experiment: body.experiment } : {}), ...(body.variant ? { variant: body.variant } : {}) };
    },
  };
}

/** Whether listener u may be served track t (market availability, explicit opt-out), as the service's filters. */
export function playable(world: World, u: number, t: number): boolean {
  const c = world.catalog.columns;
  if (!world.catalog.marketSets.has(c.marketSet[t]!, world.users.market[u]!)) return false;
  return world.users.explicitOk[u] === 1 || c.explicit[t] === 0;
}

/** Tracks by number of completions in the world's history, most first. */
export function popularityOrder(world: World): Int32Array {
  const n = world.catalog.trackCount;
  const count = new Float64Array(n);
  const ev = world.events;
  for (let i = 0; i < ev.count; i++) if (ev.type[i] === EventType.complete) count[ev.track[i]!]! += 1;
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => count[b]! - count[a]! || a - b);
}

export function popularPolicy(world: World): FeedPolicy {
  const order = popularityOrder(world);
  return {
    name: 'popular',
    async feed(u, limit, avoid, _rand, requestId) {
      const items: ServedItem[] = [];
      for (let i = 0; i < order.length && items.length < limit; i++) {
        const t = order[i]!;
        if (!avoid.has(t) && playable(world, u, t)) items.push({ track: t });
      }
      return { requestId, items };
    },
  };
}

export function randomPolicy(world: World): FeedPolicy {
  const n = world.catalog.trackCount;
  return {
    name: 'random',
    async feed(u, limit, avoid, rand, requestId) {
      const items: ServedItem[] = [];
      const chosen = new Set<number>();
      for (let tries = 0; tries < limit * 50 && items.length < limit; tries++) {
        const t = Math.floor(rand() * n);
        if (chosen.has(t) || avoid.has(t) || !playable(world, u, t)) continue;
        chosen.add(t);
        items.push({ track: t });
      }
      return { requestId, items };
    },
  };
}
