import type { AlbumIndex, ArtistIndex, TrackIndex } from '../domain/ids.js';
import type { IdDictionary } from './IdDictionary.js';
import type { MarketSets } from './MarketSets.js';

export interface Genre {
  readonly id: number;
  readonly name: string;
  /** Parent genre id, or -1 for a top-level genre. */
  readonly parent: number;
}

/**
 * Columnar track catalog: one typed array per field, indexed by TrackIndex (the id dictionary maps the app's ids).
 * No JavaScript object per track. Hot paths read the columns directly; display fields
 * (titles, names) are decoded from UTF-8 string tables on demand.
 */
export interface CatalogColumns {
  readonly artist: Int32Array; // ArtistIndex per track
  readonly album: Int32Array; // AlbumIndex per track
  readonly genre: Uint16Array; // leaf genre id per track
  readonly releaseDay: Int32Array; // days since 1970-01-01
  readonly durationMs: Int32Array;
  readonly explicit: Uint8Array; // 1 = explicit
  readonly marketSet: Uint32Array; // availability set per track (catalog.marketSets; 0 = everywhere)
  readonly popularity: Float32Array; // power-law popularity in [0, 1]
  readonly features: Float32Array; // trackCount x featureDim content features, row-major
  readonly albumArtist: Int32Array; // ArtistIndex per album
}

/** Names 0..table.count-1 are bytes [offsets[i], offsets[i+1]) of blob unless `changed` has them; later ones only there. */
export interface NameSource {
  readonly table: { readonly offsets: Uint32Array; readonly blob: Uint8Array };
  readonly changed: ReadonlyMap<number, string>;
}

export interface Catalog {
  readonly trackCount: number;
  readonly artistCount: number;
  readonly albumCount: number;
  readonly featureDim: number;
  readonly featureNames: readonly string[];
  readonly genres: readonly Genre[];
  /** Market codes; a listener's or a set's market index points into this list. */
  readonly markets: readonly string[];
  readonly marketSets: MarketSets;
  readonly trackIds: IdDictionary;
  readonly artistIds: IdDictionary;
  readonly albumIds: IdDictionary;
  readonly columns: CatalogColumns;
  trackTitle(t: TrackIndex): string;
  artistName(a: ArtistIndex): string;
  albumTitle(al: AlbumIndex): string;
  /**
   * Titles and artist names as flat UTF-8 tables plus the names changed since load (search indexes read the bytes
   * without decoding; optional: callers fall back to trackTitle/artistName).
   */
  nameSources?(): { readonly trackTitles: NameSource; readonly artistNames: NameSource } | undefined;
  /**
   * Tracks added while serving (PUT /v1/tracks) that no model bundle has a vector for yet, newest first.
   * The cold-start source scores these on the fly. A catalog loaded from disk returns an empty array.
   */
  recentlyAdded(): Int32Array;
}
