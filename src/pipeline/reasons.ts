// Reasons a listener understands, from the winning source, its becauseOf track and the catalog's names.
import type { Catalog } from '../catalog/Catalog.js';
import type { ArtistIndex, TrackIndex } from '../domain/ids.js';

export interface ReasonInput {
  readonly catalog: Catalog;
  readonly surface: string;
  readonly source: string;
  readonly track: number;
  readonly becauseOf: number;
  readonly seedTrack: number | null;
  readonly market: number;
  readonly exploration: boolean;
  readonly hasOnboardingGenres: boolean;
}

const quoted = (s: string): string => `“${s}”`;

export function reasonFor(r: ReasonInput): string {
  const c = r.catalog;
  if (r.exploration) return 'Picked for you to explore';
  const marketName = c.markets[r.market] ?? 'your area';
  const validBecause = r.becauseOf >= 0 && r.becauseOf < c.trackCount;
  if (r.surface === 'radio' && (r.becauseOf === r.seedTrack || !validBecause) && r.source !== 'LastResortPopular') {
    return 'Similar to your radio seed';
  }
  switch (r.source) {
    case 'CoListenSource':
    case 'AnnSource':
      if (validBecause) return `Because you played ${quoted(c.trackTitle(r.becauseOf as TrackIndex))}`;
      return 'Fans of your taste also play this';
    case 'NewReleasesSource':
      return `New from ${c.artistName(c.columns.artist[r.track]! as ArtistIndex)}`;
    case 'ColdStartSource':
      if (validBecause) return `Because you played ${quoted(c.trackTitle(r.becauseOf as TrackIndex))}`;
      return r.hasOnboardingGenres ? 'Matches the genres you picked' : `Popular in ${marketName} this week`;
    case 'PopularInMarketSource':
    case 'LastResortPopular':
      return `Popular in ${marketName} this week`;
    default:
      if (validBecause) return `Because you played ${quoted(c.trackTitle(r.becauseOf as TrackIndex))}`;
      return 'Picked for you';
  }
}
