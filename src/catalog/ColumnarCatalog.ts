// The columnar catalog store: one little-endian file per column inside a world directory (docs/formats.md).
// Loading reads each file straight into one typed array (fs.readSync into the array's memory; Node has no mmap),
// so 8.2M tracks cost a few dozen typed arrays and no JS object per track. Lookups are O(1) by track index.
import path from 'node:path';
import type { Catalog, CatalogColumns, Genre } from './Catalog.js';
import type { AlbumIndex, ArtistIndex, TrackIndex } from '../domain/ids.js';
import { Errors } from '../domain/errors.js';
import { IdDictionary } from './IdDictionary.js';
import { MarketSets } from './MarketSets.js';
import { StringTable, WORLD_FORMAT, WORLD_FORMAT_VERSION, readManifest, type ColumnSource, type WorldManifest } from '../world/format.js';
import { columnsOf, type VerifyOptions } from '../world/columnReader.js';
import { warnIfUnsealed, type IntegrityOptions } from '../world/worldIntegrity.js';

/** Relative paths of the catalog's files inside a world directory. */
export const CATALOG_FILES = {
  artist: 'catalog/artist.bin',
  album: 'catalog/album.bin',
  genre: 'catalog/genre.bin',
  releaseDay: 'catalog/releaseDay.bin',
  durationMs: 'catalog/durationMs.bin',
  explicit: 'catalog/explicit.bin',
  marketSet: 'catalog/marketSet.bin',
  marketSets: 'catalog/marketSets.bin',
  popularity: 'catalog/popularity.bin',
  features: 'catalog/features.bin',
  albumArtist: 'catalog/albumArtist.bin',
  albumReleaseDay: 'catalog/albumReleaseDay.bin',
  artistGenre: 'catalog/artistGenre.bin',
  artistMarket: 'catalog/artistMarket.bin',
  trackTitle: 'catalog/trackTitle',
  artistName: 'catalog/artistName',
  albumTitle: 'catalog/albumTitle',
  trackIds: 'ids/track',
  artistIds: 'ids/artist',
  albumIds: 'ids/album',
} as const;

const EMPTY = new Int32Array(0);
const NO_CHANGES: ReadonlyMap<number, string> = new Map();

/** Catalog columns plus per-artist/per-album extras that are not part of the shared contract. */
export interface ColumnarCatalog extends Catalog {
  readonly manifest: WorldManifest;
  /** Leaf genre per artist (synthetic worlds; 0 for imported data). */
  readonly artistGenre: Uint16Array;
  /** Home market index per artist. */
  readonly artistMarket: Uint8Array;
  readonly albumReleaseDay: Int32Array;
}

export function readWorldManifest(dir: string): WorldManifest {
  return readManifest<WorldManifest>(path.join(dir, 'manifest.json'), WORLD_FORMAT, WORLD_FORMAT_VERSION);
}

/**
 * Loads the catalog of a world directory (written by `encore world` or `encore import`), checking every file's
 * size and (by default) sha256 against the manifest.
 */
export function loadCatalog(dir: string, manifest: WorldManifest = readWorldManifest(dir), opts: VerifyOptions & IntegrityOptions = {}): ColumnarCatalog {
  warnIfUnsealed(dir, manifest, opts);
  return catalogFrom(columnsOf(dir, manifest.files, opts), manifest);
}

/** The catalog from columns already located (and checked as they are read) by `src`. */
export function catalogFrom(src: ColumnSource, manifest: WorldManifest): ColumnarCatalog {
  const dir = src.dir;
  const n = manifest.counts.tracks;
  const dim = manifest.featureNames.length;
  const columns: CatalogColumns = {
    artist: src.column(CATALOG_FILES.artist, 'int32'),
    album: src.column(CATALOG_FILES.album, 'int32'),
    genre: src.column(CATALOG_FILES.genre, 'uint16'),
    releaseDay: src.column(CATALOG_FILES.releaseDay, 'int32'),
    durationMs: src.column(CATALOG_FILES.durationMs, 'int32'),
    explicit: src.column(CATALOG_FILES.explicit, 'uint8'),
    marketSet: src.column(CATALOG_FILES.marketSet, 'uint32'),
    popularity: src.column(CATALOG_FILES.popularity, 'float32'),
    features: src.column(CATALOG_FILES.features, 'float32'),
    albumArtist: src.column(CATALOG_FILES.albumArtist, 'int32'),
  };
  const perTrack: [string, number][] = [
    ['artist', columns.artist.length], ['album', columns.album.length], ['genre', columns.genre.length],
    ['releaseDay', columns.releaseDay.length], ['durationMs', columns.durationMs.length], ['explicit', columns.explicit.length],
    ['marketSet', columns.marketSet.length], ['popularity', columns.popularity.length], ['features', dim === 0 ? (columns.features.length === 0 ? n : -1) : columns.features.length / dim],
  ];
  for (const [name, len] of perTrack) if (len !== n) throw Errors.formatMismatch(path.join(dir, 'catalog', name), `${len} rows, manifest says ${n} tracks`);
  if (columns.albumArtist.length !== manifest.counts.albums) throw Errors.formatMismatch(path.join(dir, CATALOG_FILES.albumArtist), `${columns.albumArtist.length} albums, manifest says ${manifest.counts.albums}`);
  const albumReleaseDay = src.column(CATALOG_FILES.albumReleaseDay, 'int32');
  const artistGenre = src.column(CATALOG_FILES.artistGenre, 'uint16');
  const artistMarket = src.column(CATALOG_FILES.artistMarket, 'uint8');
  const titles = StringTable.read(src, CATALOG_FILES.trackTitle);
  const artistNames = StringTable.read(src, CATALOG_FILES.artistName);
  const albumTitles = StringTable.read(src, CATALOG_FILES.albumTitle);
  if (titles.count !== n) throw Errors.formatMismatch(path.join(dir, CATALOG_FILES.trackTitle), `${titles.count} titles for ${n} tracks`);
  if (artistNames.count !== manifest.counts.artists || artistGenre.length !== manifest.counts.artists) {
    throw Errors.formatMismatch(path.join(dir, CATALOG_FILES.artistName), `artist tables disagree with manifest (${manifest.counts.artists} artists)`);
  }
  if (albumTitles.count !== manifest.counts.albums) throw Errors.formatMismatch(path.join(dir, CATALOG_FILES.albumTitle), `${albumTitles.count} titles for ${manifest.counts.albums} albums`);
  const marketSets = new MarketSets(src.column(CATALOG_FILES.marketSets, 'uint32'));
  for (let t = 0; t < n; t++) if (columns.marketSet[t]! >= marketSets.count) throw Errors.formatMismatch(path.join(dir, CATALOG_FILES.marketSet), `track ${t}: availability set ${columns.marketSet[t]} of ${marketSets.count}`);
  const trackIds = IdDictionary.read(src, CATALOG_FILES.trackIds);
  const artistIds = IdDictionary.read(src, CATALOG_FILES.artistIds);
  const albumIds = IdDictionary.read(src, CATALOG_FILES.albumIds);
  for (const [what, d, count] of [['track', trackIds, n], ['artist', artistIds, manifest.counts.artists], ['album', albumIds, manifest.counts.albums]] as const) {
    if (d.size !== count) throw Errors.formatMismatch(path.join(dir, 'ids', what), `${d.size} ids for ${count} ${what}s`);
  }
  const genres: readonly Genre[] = manifest.genres;
  return {
    manifest,
    trackCount: n,
    artistCount: manifest.counts.artists,
    albumCount: manifest.counts.albums,
    featureDim: dim,
    featureNames: manifest.featureNames,
    genres,
    markets: manifest.markets,
    marketSets,
    trackIds,
    artistIds,
    albumIds,
    columns,
    artistGenre,
    artistMarket,
    albumReleaseDay,
    trackTitle: (t: TrackIndex) => titles.get(t),
    nameSources: () => ({ trackTitles: { table: titles, changed: NO_CHANGES }, artistNames: { table: artistNames, changed: NO_CHANGES } }),
    artistName: (a: ArtistIndex) => artistNames.get(a),
    albumTitle: (al: AlbumIndex) => albumTitles.get(al),
    recentlyAdded: () => EMPTY,
  };
}
