// The genre hierarchy and the content-feature space of the synthetic world.
// 14 root genres, each with 4-6 subgenres: 14 + 70 = 84 genres. Tracks carry a leaf (sub)genre; Genre.parent is its root.
import type { Genre } from '../catalog/Catalog.js';
import { MARKETS } from '../domain/markets.js';
import type { Rng } from './rng.js';

/** Content features standing in for audio analysis. Stored in natural units; see FEATURE_LOW/HIGH to normalise. */
export const FEATURE_NAMES = [
  'tempo', // beats per minute, 60..200
  'energy', // 0..1
  'valence', // 0..1, musical positiveness
  'danceability', // 0..1
  'acousticness', // 0..1
  'instrumentalness', // 0..1
  'speechiness', // 0..1
  'loudness', // dB, -30..0
] as const;
export const FEATURE_DIM = FEATURE_NAMES.length;
export const FEATURE_LOW = Float32Array.from([60, 0, 0, 0, 0, 0, 0, -30]);
export const FEATURE_HIGH = Float32Array.from([200, 1, 1, 1, 1, 1, 1, 0]);

interface RootSpec {
  readonly name: string;
  /** Share of artists in this root genre. */
  readonly share: number;
  /** Centroid in normalised feature space (each 0..1), in FEATURE_NAMES order. */
  readonly centroid: readonly number[];
  readonly subgenres: readonly string[];
  /** Share of explicit tracks. */
  readonly explicit: number;
  /** Markets where this genre's artists are over-represented (home market draw). */
  readonly homeMarkets: readonly string[];
}

// Centroids:      tempo energy valence dance acoustic instrum speech loud
const ROOTS: readonly RootSpec[] = [
  { name: 'pop', share: 0.17, centroid: [0.45, 0.7, 0.6, 0.7, 0.15, 0.03, 0.07, 0.8], explicit: 0.1, homeMarkets: ['US', 'GB', 'SE'], subgenres: ['dance pop', 'synth-pop', 'indie pop', 'teen pop', 'electropop', 'art pop'] },
  { name: 'rock', share: 0.13, centroid: [0.5, 0.8, 0.45, 0.45, 0.1, 0.08, 0.05, 0.8], explicit: 0.08, homeMarkets: ['US', 'GB', 'DE'], subgenres: ['classic rock', 'alternative rock', 'indie rock', 'punk', 'hard rock', 'post-rock'] },
  { name: 'hip hop', share: 0.13, centroid: [0.4, 0.65, 0.5, 0.8, 0.12, 0.02, 0.35, 0.78], explicit: 0.55, homeMarkets: ['US', 'FR', 'DE'], subgenres: ['trap', 'boom bap', 'conscious hip hop', 'drill', 'cloud rap'] },
  { name: 'electronic', share: 0.1, centroid: [0.55, 0.8, 0.45, 0.75, 0.05, 0.6, 0.05, 0.78], explicit: 0.03, homeMarkets: ['DE', 'NL', 'GB'], subgenres: ['house', 'techno', 'drum and bass', 'ambient', 'trance', 'dubstep'] },
  { name: 'r&b', share: 0.06, centroid: [0.38, 0.55, 0.55, 0.7, 0.2, 0.02, 0.1, 0.72], explicit: 0.25, homeMarkets: ['US', 'GB'], subgenres: ['contemporary r&b', 'neo soul', 'funk', 'motown'] },
  { name: 'jazz', share: 0.05, centroid: [0.45, 0.4, 0.55, 0.55, 0.7, 0.55, 0.05, 0.55], explicit: 0.0, homeMarkets: ['US', 'FR', 'SE'], subgenres: ['bebop', 'smooth jazz', 'jazz fusion', 'vocal jazz', 'nu jazz'] },
  { name: 'classical', share: 0.05, centroid: [0.35, 0.2, 0.35, 0.25, 0.95, 0.9, 0.04, 0.35], explicit: 0.0, homeMarkets: ['DE', 'IT', 'FR', 'GB'], subgenres: ['baroque', 'romantic', 'modern classical', 'opera', 'choral'] },
  { name: 'country', share: 0.05, centroid: [0.45, 0.6, 0.6, 0.55, 0.45, 0.02, 0.04, 0.72], explicit: 0.03, homeMarkets: ['US', 'CA', 'AU'], subgenres: ['contemporary country', 'bluegrass', 'americana', 'outlaw country'] },
  { name: 'latin', share: 0.08, centroid: [0.5, 0.75, 0.75, 0.8, 0.2, 0.02, 0.1, 0.8], explicit: 0.2, homeMarkets: ['MX', 'ES', 'BR', 'US'], subgenres: ['reggaeton', 'salsa', 'bachata', 'latin pop', 'sertanejo', 'cumbia'] },
  { name: 'metal', share: 0.05, centroid: [0.65, 0.95, 0.25, 0.35, 0.03, 0.2, 0.08, 0.88], explicit: 0.15, homeMarkets: ['SE', 'DE', 'US', 'PL'], subgenres: ['heavy metal', 'death metal', 'black metal', 'metalcore', 'doom metal'] },
  { name: 'folk', share: 0.04, centroid: [0.4, 0.35, 0.5, 0.45, 0.8, 0.1, 0.05, 0.55], explicit: 0.02, homeMarkets: ['GB', 'US', 'PL', 'SE'], subgenres: ['indie folk', 'singer-songwriter', 'traditional folk', 'celtic'] },
  { name: 'k-pop', share: 0.03, centroid: [0.5, 0.8, 0.65, 0.75, 0.1, 0.02, 0.08, 0.85], explicit: 0.03, homeMarkets: ['KR'], subgenres: ['k-pop idol', 'k-r&b', 'k-indie', 'k-hip hop'] },
  { name: 'j-pop', share: 0.03, centroid: [0.55, 0.75, 0.65, 0.6, 0.15, 0.05, 0.05, 0.8], explicit: 0.02, homeMarkets: ['JP'], subgenres: ['j-rock', 'anime', 'city pop', 'idol pop', 'vocaloid'] },
  { name: 'indian', share: 0.03, centroid: [0.5, 0.65, 0.6, 0.65, 0.35, 0.05, 0.07, 0.75], explicit: 0.02, homeMarkets: ['IN'], subgenres: ['bollywood', 'punjabi', 'carnatic', 'indian indie', 'tamil film'] },
];

export interface GenreSpace {
  readonly genres: readonly Genre[];
  readonly rootCount: number;
  /** Leaf genre ids, in id order. */
  readonly leaves: Int32Array;
  /** parent[genreId] = root id (-1 for roots). */
  readonly parent: Int16Array;
  /** Cumulative artist share over leaves (for drawing an artist's genre). */
  readonly leafCumShare: Float64Array;
  /** Normalised centroid per genre id, genreCount x FEATURE_DIM. */
  readonly centroid: Float32Array;
  /** Explicit share per genre id. */
  readonly explicitShare: Float32Array;
  /** Market mask of over-represented home markets per genre id. */
  readonly homeMarketMask: Uint16Array;
}

/** Builds the genre hierarchy; leaf centroids jitter around their root's, drawn from rng (deterministic). */
export function buildGenreSpace(rng: Rng): GenreSpace {
  const genres: Genre[] = [];
  ROOTS.forEach((r, i) => genres.push({ id: i, name: r.name, parent: -1 }));
  for (let r = 0; r < ROOTS.length; r++) {
    for (const sub of ROOTS[r]!.subgenres) genres.push({ id: genres.length, name: sub, parent: r });
  }
  const n = genres.length;
  const parent = new Int16Array(n);
  const centroid = new Float32Array(n * FEATURE_DIM);
  const explicitShare = new Float32Array(n);
  const homeMarketMask = new Uint16Array(n);
  const leaves: number[] = [];
  const leafShare: number[] = [];
  for (const g of genres) {
    parent[g.id] = g.parent;
    const root = ROOTS[g.parent < 0 ? g.id : g.parent]!;
    let mask = 0;
    for (const m of root.homeMarkets) mask |= 1 << (MARKETS as readonly string[]).indexOf(m);
    homeMarketMask[g.id] = mask;
    explicitShare[g.id] = root.explicit;
    for (let f = 0; f < FEATURE_DIM; f++) {
      const jitter = g.parent < 0 ? 0 : 0.12 * rng.normal();
      centroid[g.id * FEATURE_DIM + f] = clamp01(root.centroid[f]! + jitter);
    }
    if (g.parent >= 0) {
      leaves.push(g.id);
      leafShare.push((root.share / root.subgenres.length) * (0.5 + rng.next()));
    }
  }
  const leafCumShare = new Float64Array(leaves.length);
  let acc = 0;
  for (let i = 0; i < leaves.length; i++) leafCumShare[i] = acc += leafShare[i]!;
  for (let i = 0; i < leaves.length; i++) leafCumShare[i]! /= acc;
  return { genres, rootCount: ROOTS.length, leaves: Int32Array.from(leaves), parent, leafCumShare, centroid, explicitShare, homeMarketMask };
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** First index i in cum[lo, hi) with cum[i] > x (cum ascending); hi-1 if none. Shared by all weighted draws. */
export function searchCumulative(cum: Float64Array, lo: number, hi: number, x: number): number {
  let a = lo, b = hi - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (cum[mid]! > x) b = mid;
    else a = mid + 1;
  }
  return a;
}
