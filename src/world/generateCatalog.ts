// Phase 1 of the world: artists, albums and tracks, written as catalog columns.
// Tracks are laid out artist by artist (an artist's tracks are contiguous, album by album), which lets the
// history generator draw "a track by this artist" from a range without an index.
import type { ColumnSpec } from './format.js';
import { StringTableWriter, writeColumn } from './format.js';
import { FEATURE_DIM, FEATURE_HIGH, FEATURE_LOW, clamp01, searchCumulative, type GenreSpace } from './genres.js';
import { ALL_MARKETS_MASK, ARTIST_SHARE, CLEAN_WORLDWIDE_RATE, HOLE_RATE, LOCAL_ONLY_RATE, MARKET_COUNT, cumulative } from './markets.js';
import { writeAlbumTitle, writeArtistName, writeTrackTitle } from './names.js';
import { Rng, mixSeed } from './rng.js';
import { WORLD_NOW_DAY } from './timeline.js';
import { CATALOG_FILES } from '../catalog/ColumnarCatalog.js';
import { writeMarketMasks, writeSequentialIds } from '../catalog/writeCatalogTables.js';
import { groupByKey } from '../catalog/groupByKey.js';

export type Progress = (phase: string, done: number, total: number) => void;

/** What the later phases need from the catalog, kept in memory (typed arrays only). */
export interface GeneratedCatalog {
  readonly trackCount: number;
  readonly artistCount: number;
  readonly albumCount: number;
  readonly artist: Int32Array;
  readonly album: Int32Array;
  readonly genre: Uint16Array;
  readonly durationMs: Int32Array;
  readonly explicit: Uint8Array;
  readonly markets: Uint16Array;
  readonly popularity: Float32Array;
  readonly features: Float32Array;
  /** First track of each artist; artistFirst[a + 1] - artistFirst[a] tracks (length artistCount + 1). */
  readonly artistFirst: Int32Array;
  readonly artistGenre: Uint16Array;
  /** Tracks ordered by leaf genre; genreStart[g]..genreStart[g+1] are genre g's tracks (length genres + 1). */
  readonly genreOrder: Int32Array;
  readonly genreStart: Int32Array;
  /** Cumulative raw popularity along genreOrder (for popularity-weighted draws within a genre or globally). */
  readonly genreOrderCum: Float64Array;
}

const PROGRESS_EVERY = 1 << 16;

/** Per-artist track counts: 1 + a lognormal share of the rest, summing exactly to trackCount. */
function artistTrackCounts(rng: Rng, tracks: number, artists: number): Int32Array {
  const w = new Float64Array(artists);
  let sum = 0;
  for (let a = 0; a < artists; a++) sum += w[a] = rng.logNormal(0, 1.1);
  const counts = new Int32Array(artists);
  let assigned = 0;
  const spare = tracks - artists;
  for (let a = 0; a < artists; a++) {
    counts[a] = 1 + Math.floor((spare * w[a]!) / sum);
    assigned += counts[a]!;
  }
  for (let a = 0; assigned < tracks; a = (a + 1) % artists, assigned++) counts[a]!++;
  return counts;
}

function pickBit(rng: Rng, mask: number): number {
  let n = 0;
  for (let m = 0; m < MARKET_COUNT; m++) if ((mask >>> m) & 1) n++;
  let k = rng.int(n);
  for (let m = 0; m < MARKET_COUNT; m++) if ((mask >>> m) & 1 && k-- === 0) return m;
  return 0;
}

function albumMarkets(rng: Rng, home: number): number {
  if (rng.chance(LOCAL_ONLY_RATE[home]!)) {
    let mask = 1 << home;
    const extra = rng.int(3); // a local release sometimes reaches a neighbour market or two
    for (let i = 0; i < extra; i++) mask |= 1 << rng.int(MARKET_COUNT);
    return mask;
  }
  let mask = ALL_MARKETS_MASK;
  if (rng.chance(CLEAN_WORLDWIDE_RATE)) return mask; // licensed everywhere
  for (let m = 0; m < MARKET_COUNT; m++) if (m !== home && rng.chance(HOLE_RATE[m]!)) mask &= ~(1 << m);
  return mask;
}

function albumSize(rng: Rng): number {
  const r = rng.next();
  if (r < 0.4) return 1 + rng.int(2); // single
  if (r < 0.6) return 4 + rng.int(3); // EP
  return 8 + rng.int(8); // LP
}

/** The catalog's columns while they are generated (albums: at most one per track, trimmed when written). */
function allocateColumns(trackCount: number, artistCount: number) {
  return {
    artist: new Int32Array(trackCount),
    album: new Int32Array(trackCount),
    genre: new Uint16Array(trackCount),
    releaseDay: new Int32Array(trackCount),
    durationMs: new Int32Array(trackCount),
    explicit: new Uint8Array(trackCount),
    markets: new Uint16Array(trackCount),
    rawPop: new Float64Array(trackCount),
    features: new Float32Array(trackCount * FEATURE_DIM),
    artistFirst: new Int32Array(artistCount + 1),
    artistGenre: new Uint16Array(artistCount),
    artistMarket: new Uint8Array(artistCount),
    albumArtist: new Int32Array(trackCount),
    albumRelease: new Int32Array(trackCount),
  };
}
type CatalogColumns = ReturnType<typeof allocateColumns>;

/** What every track of one album shares: its artist's genre, home market, explicit rate and sound; its day, markets and popularity. */
interface AlbumDraw {
  readonly a: number;
  readonly al: number;
  readonly leaf: number;
  readonly siblings: readonly number[];
  readonly home: number;
  readonly explicitRate: number;
  readonly offset: Float32Array;
  readonly day: number;
  readonly mask: number;
  readonly pop: number;
}

/** Track t, the k-th of its album: genre (sometimes a sibling subgenre), duration, explicit flag, markets, popularity, features. */
function generateTrack(rng: Rng, space: GenreSpace, c: CatalogColumns, t: number, k: number, d: AlbumDraw): void {
  const g = rng.chance(0.15) ? d.siblings[rng.int(d.siblings.length)]! : d.leaf;
  c.artist[t] = d.a;
  c.album[t] = d.al;
  c.genre[t] = g;
  c.releaseDay[t] = d.day;
  const classical = space.parent[g] === 6;
  c.durationMs[t] = Math.round(Math.min(1_200_000, Math.max(45_000, rng.logNormal(classical ? 12.6 : 12.25, 0.28))));
  c.explicit[t] = rng.chance(d.explicitRate) ? 1 : 0;
  // a few tracks lose one more market (a single song's rights), never the home market
  let m = d.mask;
  if (rng.chance(0.02)) {
    const drop = rng.int(MARKET_COUNT);
    if (drop !== d.home) m &= ~(1 << drop);
  }
  c.markets[t] = m;
  c.rawPop[t] = d.pop * rng.logNormal(0, 0.9) * (k === 0 ? 1.5 : 1);
  const base = g * FEATURE_DIM;
  for (let f = 0; f < FEATURE_DIM; f++) {
    const v = clamp01(space.centroid[base + f]! + d.offset[f]! + 0.07 * rng.normal());
    c.features[t * FEATURE_DIM + f] = FEATURE_LOW[f]! + v * (FEATURE_HIGH[f]! - FEATURE_LOW[f]!);
  }
}

/** Popularity scaled to (0, 1] by the most popular track. */
function normalisedPopularity(rawPop: Float64Array): Float32Array {
  let maxPop = 0;
  for (let i = 0; i < rawPop.length; i++) if (rawPop[i]! > maxPop) maxPop = rawPop[i]!;
  return Float32Array.from(rawPop, (p) => p / maxPop);
}

/** Counting sort of tracks by genre, and the cumulative raw popularity along that order (for drawInGenre). */
function genreOrdering(genre: Uint16Array, rawPop: Float64Array, genreCount: number): { genreStart: Int32Array; genreOrder: Int32Array; genreOrderCum: Float64Array } {
  const n = genre.length;
  const { start: genreStart, order: genreOrder } = groupByKey(genre, genreCount);
  const genreOrderCum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) genreOrderCum[i] = acc += rawPop[genreOrder[i]!]!;
  return { genreStart, genreOrder, genreOrderCum };
}

function writeCatalogColumns(dir: string, c: CatalogColumns, popularity: Float32Array, albums: number, files: Record<string, ColumnSpec>): void {
  for (const key of ['artist', 'album', 'genre', 'releaseDay', 'durationMs', 'explicit'] as const) writeColumn(dir, CATALOG_FILES[key], c[key], files);
  writeMarketMasks(dir, c.markets, MARKET_COUNT, files, { set: CATALOG_FILES.marketSet, sets: CATALOG_FILES.marketSets });
  writeColumn(dir, CATALOG_FILES.popularity, popularity, files);
  writeColumn(dir, CATALOG_FILES.features, c.features, files);
  writeColumn(dir, CATALOG_FILES.albumArtist, c.albumArtist.subarray(0, albums), files);
  writeColumn(dir, CATALOG_FILES.albumReleaseDay, c.albumRelease.subarray(0, albums), files);
  writeColumn(dir, CATALOG_FILES.artistGenre, c.artistGenre, files);
  writeColumn(dir, CATALOG_FILES.artistMarket, c.artistMarket, files);
}

export function generateCatalog(seed: number, trackCount: number, space: GenreSpace, dir: string, files: Record<string, ColumnSpec>, onProgress?: Progress): GeneratedCatalog {
  const rng = new Rng(mixSeed(seed, 1));
  const artistCount = Math.max(1, Math.round(trackCount / 12));
  const counts = artistTrackCounts(rng, trackCount, artistCount);
  const artistMarketCum = cumulative(ARTIST_SHARE);
  // leaves grouped by root, for "a sibling subgenre"
  const rootLeaves: number[][] = space.genres.filter((g) => g.parent < 0).map(() => []);
  for (const g of space.genres) if (g.parent >= 0) rootLeaves[g.parent]!.push(g.id);
  const c = allocateColumns(trackCount, artistCount);
  const artistNames = new StringTableWriter(dir, CATALOG_FILES.artistName, artistCount);
  const albumTitles = new StringTableWriter(dir, CATALOG_FILES.albumTitle, trackCount);
  const trackTitles = new StringTableWriter(dir, CATALOG_FILES.trackTitle, trackCount);
  const offset = new Float32Array(FEATURE_DIM);
  const nowDay = Math.floor(WORLD_NOW_DAY);
  let t = 0;
  let al = 0;
  for (let a = 0; a < artistCount; a++) {
    rng.reseed(mixSeed(seed, 2, a)); // per-artist stream: an artist's tracks do not depend on the loop's history
    const leaf = space.leaves[searchCumulative(space.leafCumShare, 0, space.leafCumShare.length, rng.next())]!;
    const home = rng.chance(0.6) ? pickBit(rng, space.homeMarketMask[leaf]!) : searchCumulative(artistMarketCum, 0, MARKET_COUNT, rng.next());
    const artistPop = rng.pareto(1.15);
    const careerStart = nowDay - Math.floor(365 * (0.3 + 45 * Math.pow(rng.next(), 2)));
    const explicitRate = clamp01(space.explicitShare[leaf]! * 1.6 * rng.next()); // mean 0.8 x genre share: ~12 % overall
    for (let f = 0; f < FEATURE_DIM; f++) offset[f] = 0.08 * rng.normal();
    const siblings = rootLeaves[space.parent[leaf]!]!;
    c.artistGenre[a] = leaf;
    c.artistMarket[a] = home;
    c.artistFirst[a] = t;
    writeArtistName(rng, artistNames);
    for (let left = counts[a]!; left > 0; al++) {
      const size = Math.min(left, albumSize(rng));
      left -= size;
      const day = careerStart + Math.floor((nowDay - careerStart) * Math.pow(rng.next(), 0.7));
      const mask = albumMarkets(rng, home);
      const albumPop = rng.logNormal(0, 0.6) * (day > nowDay - 730 ? 1.6 : 1); // recent releases get a boost
      c.albumArtist[al] = a;
      c.albumRelease[al] = day;
      writeAlbumTitle(rng, albumTitles);
      const draw: AlbumDraw = { a, al, leaf, siblings, home, explicitRate, offset, day, mask, pop: artistPop * albumPop };
      for (let k = 0; k < size; k++, t++) {
        generateTrack(rng, space, c, t, k, draw);
        writeTrackTitle(rng, trackTitles);
        if ((t & (PROGRESS_EVERY - 1)) === 0) onProgress?.('tracks', t, trackCount);
      }
    }
  }
  c.artistFirst[artistCount] = t;
  onProgress?.('tracks', trackCount, trackCount);
  const popularity = normalisedPopularity(c.rawPop);
  const { genreStart, genreOrder, genreOrderCum } = genreOrdering(c.genre, c.rawPop, space.genres.length);
  writeCatalogColumns(dir, c, popularity, al, files);
  artistNames.close(files);
  albumTitles.close(files);
  trackTitles.close(files);
  writeSequentialIds(dir, CATALOG_FILES.trackIds, 't', trackCount, files);
  writeSequentialIds(dir, CATALOG_FILES.artistIds, 'a', artistCount, files);
  writeSequentialIds(dir, CATALOG_FILES.albumIds, 'al', al, files);
  const { artist, album, genre, durationMs, explicit, markets, features, artistFirst, artistGenre } = c;
  return {
    trackCount, artistCount, albumCount: al, artist, album, genre, durationMs, explicit, markets, popularity, features,
    artistFirst, artistGenre, genreOrder, genreStart, genreOrderCum,
  };
}
