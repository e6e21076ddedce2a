import type { RerankRule } from './RerankRule.js';

/**
 * At least `target` tracks from artists the listener has never played. Once the remaining positions
 * are only just enough to reach the target, only discovery tracks are allowed. The caller sets the
 * target to what the candidates allow (discoveryTarget), so the quota never empties the list.
 */
export class DiscoveryQuota implements RerankRule {
  readonly name = 'DiscoveryQuota';
  readonly strength = 'soft';
  private chosen = 0;
  constructor(
    private readonly artistOf: Int32Array,
    private readonly knownArtists: ReadonlySet<number>,
    private readonly target: number,
    private readonly limit: number,
  ) {}
  isDiscovery(track: number): boolean {
    return !this.knownArtists.has(this.artistOf[track]!);
  }
  allows(track: number, position: number): boolean {
    const remaining = this.limit - position;
    if (this.target - this.chosen < remaining) return true;
    return this.isDiscovery(track);
  }
  commit(track: number): void {
    if (this.isDiscovery(track)) this.chosen++;
  }
  get discoveryCount(): number {
    return this.chosen;
  }
}

/** ceil(share x limit), capped by the distinct discovery artists available (at most 2 tracks each). */
export function discoveryTarget(
  share: number,
  limit: number,
  tracks: Int32Array,
  count: number,
  artistOf: Int32Array,
  knownArtists: ReadonlySet<number>,
  maxPerArtist: number,
): number {
  const want = Math.ceil(share * limit);
  if (knownArtists.size === 0) return want; // everything is new to this listener
  const perArtist = new Map<number, number>();
  let available = 0;
  for (let i = 0; i < count && available < want; i++) {
    const a = artistOf[tracks[i]!]!;
    if (knownArtists.has(a)) continue;
    const c = perArtist.get(a) ?? 0;
    if (c < maxPerArtist) {
      perArtist.set(a, c + 1);
      available++;
    }
  }
  return Math.min(want, available);
}
