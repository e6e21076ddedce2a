import type { Catalog } from '../../src/catalog/Catalog.js';
import { MarketSets } from '../../src/catalog/MarketSets.js';
import { MARKETS } from '../../src/domain/markets.js';
import { sequentialIds } from '../support/catalogIds.js';

/**
 * A small in-memory catalog for event and catalog tests: track t (id `t${t}`) belongs to artist t % artists (`a…`) and
 * album t % artists (`al…`); every track is available everywhere in the 16 markets of a generated world.
 */
export function tinyCatalog(tracks = 200, artists = 20, featureDim = 4): Catalog {
  const albums = artists;
  const columns = {
    artist: Int32Array.from({ length: tracks }, (_, t) => t % artists),
    album: Int32Array.from({ length: tracks }, (_, t) => t % albums),
    genre: Uint16Array.from({ length: tracks }, (_, t) => 1 + (t % 3)),
    releaseDay: new Int32Array(tracks).fill(19_000),
    durationMs: new Int32Array(tracks).fill(200_000),
    explicit: new Uint8Array(tracks),
    marketSet: new Uint32Array(tracks),
    popularity: Float32Array.from({ length: tracks }, (_, t) => 1 / (1 + t)),
    features: new Float32Array(tracks * featureDim).fill(0.5),
    albumArtist: Int32Array.from({ length: albums }, (_, a) => a),
  };
  return {
    trackCount: tracks,
    artistCount: artists,
    albumCount: albums,
    featureDim,
    featureNames: Array.from({ length: featureDim }, (_, i) => ['energy', 'valence', 'tempo', 'acousticness'][i] ?? `f${i}`),
    genres: [
      { id: 0, name: 'Music', parent: -1 },
      { id: 1, name: 'Rock', parent: 0 },
      { id: 2, name: 'Jazz', parent: 0 },
      { id: 3, name: 'Techno', parent: 0 },
    ],
    markets: [...MARKETS],
    marketSets: MarketSets.everywhereOnly(),
    trackIds: sequentialIds('t', tracks),
    artistIds: sequentialIds('a', artists),
    albumIds: sequentialIds('al', albums),
    columns,
    trackTitle: (t) => `Track ${t}`,
    artistName: (a) => `Artist ${a}`,
    albumTitle: (al) => `Album ${al}`,
    recentlyAdded: () => new Int32Array(0),
  };
}
