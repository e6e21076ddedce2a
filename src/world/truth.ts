// The hidden ground-truth taste model (docs/formats.md, "Ground truth"). The history generator draws outcomes
// from it; the simulator and offline evaluation read it through openTruth/completeProbability. The recommender
// never reads it: it only sees the events.
import path from 'node:path';
import type { Catalog, CatalogColumns } from '../catalog/Catalog.js';
import { FEATURE_DIM, FEATURE_HIGH, FEATURE_LOW } from './genres.js';
import { TRUTH_FORMAT, TRUTH_FORMAT_VERSION, readManifest, type ColumnSpec } from './format.js';
import { columnsOf } from './columnReader.js';

/** Taste mixture components per listener (unused slots: genre -1, weight 0). */
export const TASTE_SLOTS = 4;
/** Favourite artists per listener (unused slots: -1). */
export const FAV_SLOTS = 5;

/** Coefficients of the affinity logit; recorded in truth/manifest.json so the model is self-describing. */
export const TRUTH_COEFFICIENTS = {
  intercept: -1.9,
  genre: 2.8, // times the mixture weight on the track's genre (full weight on the leaf or its root, 0.35 on a sibling)
  siblingShare: 0.35,
  favouriteArtist: 1.6,
  content: 1.5, // times exp(-d^2 / contentWidth), d = distance of normalised features to the listener's preference
  contentWidth: 0.25,
  mainstreamPopularity: 0.8, // times popLog = log10(1 + 1e6 * popularity) / 6
  nichePopularity: -0.9,
  nicheBonus: 0.6,
} as const;

export interface TruthManifest {
  readonly format: typeof TRUTH_FORMAT;
  readonly version: number;
  readonly users: number;
  readonly tasteSlots: number;
  readonly favSlots: number;
  readonly featureDim: number;
  readonly coefficients: typeof TRUTH_COEFFICIENTS;
  readonly files: Readonly<Record<string, ColumnSpec>>;
}

export interface Truth {
  readonly userCount: number;
  /** users x TASTE_SLOTS genre ids (leaf or root), -1 = unused. */
  readonly tasteGenre: Int16Array;
  /** users x TASTE_SLOTS mixture weights, summing to 1 per listener. */
  readonly tasteWeight: Float32Array;
  /** users x FAV_SLOTS artist indices, -1 = unused. */
  readonly favArtist: Int32Array;
  /** users x FEATURE_DIM preferred point in normalised (0..1) content space. */
  readonly contentPref: Float32Array;
  /** 1 = niche listener (prefers the long tail). */
  readonly niche: Uint8Array;
  /** Per-listener logit offset (patience: how readily this listener completes tracks). */
  readonly bias: Float32Array;
  /** Parent (root) of each genre id, -1 for roots; from the world's genre list. */
  readonly genreParent: Int16Array;
}

export const TRUTH_FILES = {
  tasteGenre: 'truth/tasteGenre.bin',
  tasteWeight: 'truth/tasteWeight.bin',
  favArtist: 'truth/favArtist.bin',
  contentPref: 'truth/contentPref.bin',
  niche: 'truth/niche.bin',
  bias: 'truth/bias.bin',
} as const;

/** The catalog columns the taste model reads (any Catalog satisfies it). */
export interface TruthCatalogView {
  readonly columns: Pick<CatalogColumns, 'genre' | 'artist' | 'features' | 'popularity'>;
}

/** Reads DIR/truth/ (written by `encore world`; imported worlds have no truth). */
export function openTruth(dir: string, catalog: Pick<Catalog, 'genres'>): Truth {
  const m = readManifest<TruthManifest>(path.join(dir, 'truth', 'manifest.json'), TRUTH_FORMAT, TRUTH_FORMAT_VERSION);
  const src = columnsOf(dir, m.files); // sizes and sha256 (truth files written before checksums: sizes only)
  const genreParent = new Int16Array(catalog.genres.length);
  for (const g of catalog.genres) genreParent[g.id] = g.parent;
  return {
    userCount: m.users,
    tasteGenre: src.column(TRUTH_FILES.tasteGenre, 'int16'),
    tasteWeight: src.column(TRUTH_FILES.tasteWeight, 'float32'),
    favArtist: src.column(TRUTH_FILES.favArtist, 'int32'),
    contentPref: src.column(TRUTH_FILES.contentPref, 'float32'),
    niche: src.column(TRUTH_FILES.niche, 'uint8'),
    bias: src.column(TRUTH_FILES.bias, 'float32'),
    genreParent,
  };
}

/** The affinity logit of listener `user` for `track` (see TRUTH_COEFFICIENTS and docs/formats.md). */
export function affinityLogit(truth: Truth, catalog: TruthCatalogView, user: number, track: number): number {
  const c = TRUTH_COEFFICIENTS;
  const cols = catalog.columns;
  const g = cols.genre[track]!;
  const parent = truth.genreParent;
  const p = parent[g] ?? -1;
  const root = p < 0 ? g : p;
  let genreMatch = 0;
  const tb = user * TASTE_SLOTS;
  for (let k = 0; k < TASTE_SLOTS; k++) {
    const tg = truth.tasteGenre[tb + k]!;
    if (tg < 0) break;
    const w = truth.tasteWeight[tb + k]!;
    if (tg === g || tg === root) genreMatch += w;
    else if (parent[tg] === root) genreMatch += c.siblingShare * w;
  }
  let fav = 0;
  const a = cols.artist[track]!;
  const fb = user * FAV_SLOTS;
  for (let k = 0; k < FAV_SLOTS; k++) if (truth.favArtist[fb + k] === a) fav = 1;
  let d2 = 0;
  const pb = user * FEATURE_DIM;
  const xb = track * FEATURE_DIM;
  if (cols.features.length >= (track + 1) * FEATURE_DIM) {
    for (let f = 0; f < FEATURE_DIM; f++) {
      const v = (cols.features[xb + f]! - FEATURE_LOW[f]!) / (FEATURE_HIGH[f]! - FEATURE_LOW[f]!);
      const d = v - truth.contentPref[pb + f]!;
      d2 += d * d;
    }
  }
  const popLog = Math.log10(1 + 1e6 * cols.popularity[track]!) / 6;
  const popTerm = truth.niche[user] === 1 ? c.nicheBonus + c.nichePopularity * popLog : c.mainstreamPopularity * popLog;
  return truth.bias[user]! + c.intercept + c.genre * genreMatch + c.favouriteArtist * fav + c.content * Math.exp(-d2 / c.contentWidth) + popTerm;
}

/** Probability that `user` plays `track` to the end (rather than skipping it), under the hidden taste model. */
export function completeProbability(truth: Truth, catalog: TruthCatalogView, user: number, track: number): number {
  return 1 / (1 + Math.exp(-affinityLogit(truth, catalog, user, track)));
}
