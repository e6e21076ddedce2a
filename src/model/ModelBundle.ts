import type { IdDictionary } from '../catalog/IdDictionary.js';
import type { ItemVectors } from './ItemVectors.js';
import type { TrackIndex, UserIndex } from '../domain/ids.js';

/** Result of a nearest-neighbour query; `count` entries of `tracks`/`scores` are valid, best first. */
export interface VectorHits {
  readonly tracks: Int32Array;
  readonly scores: Float32Array; // inner product (higher is closer)
  readonly count: number;
}

/** Approximate inner-product index over all track vectors (usearch, memory-mapped). */
export interface VectorIndex {
  readonly size: number;
  readonly dim: number;
  search(query: Float32Array, k: number): VectorHits;
  close(): void;
}

/** Co-listening neighbours of a track (CSR rows), strongest first. */
export interface CoListenTable {
  neighbours(t: TrackIndex): { readonly tracks: Int32Array; readonly weights: Float32Array };
  /** The same lists as one CSR table (track t's are [indptr[t], indptr[t + 1])): for loops over many tracks. */
  readonly indptr: Int32Array;
  readonly tracks: Int32Array;
  readonly weights: Float32Array;
}

/** Popularity lists (track indices, most popular first) computed from recent listening. */
export interface PopularityTables {
  inMarket(market: number): Int32Array;
  /** Top-level genre (root of the genre hierarchy) within a market. */
  inMarketGenre(market: number, rootGenre: number): Int32Array;
}

/** Per-artist track lists, newest release first (for "New from X"). */
export interface ArtistTracks {
  newest(artist: number): Int32Array;
}

/** Per-listener history summary from training data: most recent positive tracks, newest first. */
export interface UserHistory {
  recentPositives(u: UserIndex): Int32Array;
}

/** Ranker weights; the feed's ranking layer interprets them (see src/ranking). */
export interface RankerModel {
  readonly kind: string;
  readonly featureNames: readonly string[];
  readonly weights: Float32Array;
  readonly bias: number;
  readonly means: Float32Array;
  readonly stds: Float32Array;
  /**
   * Cascade depth (src/ranking/cascade.ts): the ranker reorders only the top `rerankDepth` candidates by the
   * listener-vector score; 0 or absent = all candidates. Chosen on held-out training requests.
   */
  readonly rerankDepth?: number;
}

/**
 * Content -> factor mapping for tracks nobody has played (src/retrieval/coldStartVector.ts). Input layout per
 * track: [standardized content features, leaf-genre one-hot (genreSlots), artist mean factor (dim), has-artist, 1].
 */
export interface ColdStartModel {
  readonly inputDim: number;
  readonly featureMeans: Float32Array;
  readonly featureStds: Float32Array;
  readonly genreSlots: number;
  /** inputDim x dim, row-major. */
  readonly weights: Float32Array;
  /** artistCount x dim: mean factor of the artist's played tracks (zero row when none). */
  readonly artistFactors: Float32Array;
  readonly artistHasFactor: Uint8Array;
  readonly artistCount: number;
}

/**
 * A trained, versioned model bundle (written by `encore train`, loaded by the service, swapped live).
 * Everything is flat typed arrays; nothing per track on the JS heap.
 */
export interface ModelBundle {
  readonly version: string;
  readonly dir: string;
  readonly dim: number;
  readonly trackCount: number;
  readonly userCount: number;
  /** trackCount vectors of dim (int8 + scale in served bundles). Cold-start tracks have content-derived vectors in the same space. */
  readonly itemVectors: ItemVectors;
  /** userCount x dim, row-major. */
  readonly userFactors: Float32Array;
  /** The listeners' ids: row i of userFactors is userIds.idAt(i) (absent in hand-made test bundles). */
  readonly userIds?: IdDictionary;
  /** (YtY + lambda I) as dim x dim row-major, for folding a new or changed listener into the space. */
  readonly gram: Float32Array;
  readonly lambda: number;
  readonly index: VectorIndex;
  readonly coListen: CoListenTable;
  readonly popularity: PopularityTables;
  readonly artistTracks: ArtistTracks;
  readonly userHistory: UserHistory;
  readonly ranker: RankerModel | null;
  /** Added by the retrieval work: the cold-start mapping stored in the bundle (absent in hand-made test bundles). */
  readonly coldStart?: ColdStartModel;
  close(): void;
}
