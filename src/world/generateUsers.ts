// Phase 2 of the world: listeners (market, explicit setting, signup day) and their hidden tastes (truth/).
import type { ColumnSpec } from './format.js';
import { writeColumn, writeJson } from './format.js';
import { FEATURE_DIM, clamp01, searchCumulative, type GenreSpace } from './genres.js';
import type { GeneratedCatalog, Progress } from './generateCatalog.js';
import { LISTENER_SHARE, MARKET_COUNT, cumulative } from './markets.js';
import { Rng, mixSeed } from './rng.js';
import { HISTORY_DAYS, WORLD_NOW_DAY } from './timeline.js';
import { FAV_SLOTS, TASTE_SLOTS, TRUTH_COEFFICIENTS, TRUTH_FILES, type Truth, type TruthManifest } from './truth.js';
import { TRUTH_FORMAT, TRUTH_FORMAT_VERSION } from './format.js';
import path from 'node:path';
import { writeSequentialIds } from '../catalog/writeCatalogTables.js';

export const USER_FILES = {
  market: 'users/market.bin',
  explicitOk: 'users/explicitOk.bin',
  signupDay: 'users/signupDay.bin',
  /** The listeners' id dictionary (src/catalog/IdDictionary.ts). */
  ids: 'ids/user',
} as const;

export interface GeneratedUsers {
  readonly count: number;
  readonly market: Uint8Array;
  readonly explicitOk: Uint8Array;
  readonly signupDay: Int32Array;
  /** Plays planned per listener (heavy-tailed); the history phase may play fewer (unavailable tracks, no time left). */
  readonly plannedPlays: Int32Array;
  readonly truth: Truth;
}

/** Share of listeners who prefer the long tail. */
export const NICHE_SHARE = 0.12;

/** Draws a popularity-weighted track of genre range [lo, hi) of genreOrder, or uniform when `flat`. */
export function drawInGenre(rng: Rng, cat: GeneratedCatalog, lo: number, hi: number, flat: boolean): number {
  if (hi <= lo) return -1;
  if (flat) return cat.genreOrder[lo + rng.int(hi - lo)]!;
  const cum = cat.genreOrderCum;
  const base = lo > 0 ? cum[lo - 1]! : 0;
  const x = base + rng.next() * (cum[hi - 1]! - base);
  return cat.genreOrder[searchCumulative(cum, lo, hi, x)]!;
}

export function generateUsers(seed: number, userCount: number, playsPerUser: number, space: GenreSpace, cat: GeneratedCatalog, dir: string, files: Record<string, ColumnSpec>, onProgress?: Progress): GeneratedUsers {
  const rng = new Rng(seed);
  const marketCum = cumulative(LISTENER_SHARE);
  const market = new Uint8Array(userCount);
  const explicitOk = new Uint8Array(userCount);
  const signupDay = new Int32Array(userCount);
  const plannedPlays = new Int32Array(userCount);
  const tasteGenre = new Int16Array(userCount * TASTE_SLOTS).fill(-1);
  const tasteWeight = new Float32Array(userCount * TASTE_SLOTS);
  const favArtist = new Int32Array(userCount * FAV_SLOTS).fill(-1);
  const contentPref = new Float32Array(userCount * FEATURE_DIM);
  const niche = new Uint8Array(userCount);
  const bias = new Float32Array(userCount);
  const nowDay = Math.floor(WORLD_NOW_DAY);

  // leaves whose root is "at home" in a market (k-pop in KR, bollywood in IN ...)
  const localLeaves: number[][] = [];
  for (let m = 0; m < MARKET_COUNT; m++) localLeaves.push(Array.from(space.leaves).filter((g) => (space.homeMarketMask[g]! >>> m) & 1));
  const rootLeaves: number[][] = space.genres.filter((g) => g.parent < 0).map(() => []);
  for (const g of space.genres) if (g.parent >= 0) rootLeaves[g.parent]!.push(g.id);
  const sigma = 1.0;
  const mu = Math.log(Math.max(1, playsPerUser)) - (sigma * sigma) / 2;

  for (let u = 0; u < userCount; u++) {
    rng.reseed(mixSeed(seed, 3, u));
    const m = searchCumulative(marketCum, 0, MARKET_COUNT, rng.next());
    market[u] = m;
    explicitOk[u] = rng.chance(0.85) ? 1 : 0;
    signupDay[u] = rng.chance(0.25) ? nowDay - 7 - rng.int(HISTORY_DAYS - 7) : nowDay - HISTORY_DAYS - rng.int(7 * 365);
    const activeDays = Math.min(HISTORY_DAYS, nowDay - signupDay[u]!);
    // heavy-tailed activity, scaled down for listeners who joined recently; at most ~40 plays a day
    const plays = Math.round(rng.logNormal(mu, sigma) * (0.3 + (0.7 * activeDays) / HISTORY_DAYS));
    plannedPlays[u] = Math.max(1, Math.min(plays, activeDays * 40, Math.round(playsPerUser * 30)));
    const isNiche = rng.chance(NICHE_SHARE);
    niche[u] = isNiche ? 1 : 0;
    bias[u] = 0.5 * rng.normal();

    const r = rng.next();
    const slots = r < 0.3 ? 1 : r < 0.65 ? 2 : r < 0.9 ? 3 : 4;
    let wsum = 0;
    for (let k = 0; k < slots; k++) {
      const local = localLeaves[m]!;
      let g = k === 0 && local.length > 0 && rng.chance(0.35) ? local[rng.int(local.length)]! : space.leaves[searchCumulative(space.leafCumShare, 0, space.leafCumShare.length, rng.next())]!;
      if (rng.chance(0.25)) g = space.parent[g]!; // a broad taste: the whole root genre
      const w = -Math.log(1 - rng.next()) + 0.05;
      tasteGenre[u * TASTE_SLOTS + k] = g;
      tasteWeight[u * TASTE_SLOTS + k] = w;
      wsum += w;
    }
    for (let k = 0; k < slots; k++) tasteWeight[u * TASTE_SLOTS + k]! /= wsum;

    // content preference: around the main genre's centroid
    const main = tasteGenre[u * TASTE_SLOTS]!;
    for (let f = 0; f < FEATURE_DIM; f++) contentPref[u * FEATURE_DIM + f] = clamp01(space.centroid[main * FEATURE_DIM + f]! + 0.08 * rng.normal());

    // favourite artists: artists of tracks drawn from the taste genres (popular ones unless niche)
    const favs = 2 + rng.int(FAV_SLOTS - 1);
    for (let k = 0; k < favs; k++) {
      let g = tasteGenre[u * TASTE_SLOTS + rng.int(slots)]!;
      if (space.parent[g]! < 0) {
        const leaves = rootLeaves[g]!;
        g = leaves[rng.int(leaves.length)]!;
      }
      const t = drawInGenre(rng, cat, cat.genreStart[g]!, cat.genreStart[g + 1]!, isNiche && rng.chance(0.7));
      if (t >= 0) favArtist[u * FAV_SLOTS + k] = cat.artist[t]!;
    }
    if ((u & 0xffff) === 0) onProgress?.('listeners', u, userCount);
  }
  onProgress?.('listeners', userCount, userCount);

  writeColumn(dir, USER_FILES.market, market, files);
  writeColumn(dir, USER_FILES.explicitOk, explicitOk, files);
  writeColumn(dir, USER_FILES.signupDay, signupDay, files);
  writeSequentialIds(dir, USER_FILES.ids, 'u', userCount, files);
  const truthFiles: Record<string, ColumnSpec> = {};
  writeColumn(dir, TRUTH_FILES.tasteGenre, tasteGenre, truthFiles);
  writeColumn(dir, TRUTH_FILES.tasteWeight, tasteWeight, truthFiles);
  writeColumn(dir, TRUTH_FILES.favArtist, favArtist, truthFiles);
  writeColumn(dir, TRUTH_FILES.contentPref, contentPref, truthFiles);
  writeColumn(dir, TRUTH_FILES.niche, niche, truthFiles);
  writeColumn(dir, TRUTH_FILES.bias, bias, truthFiles);
  const tm: TruthManifest = {
    format: TRUTH_FORMAT, version: TRUTH_FORMAT_VERSION, users: userCount, tasteSlots: TASTE_SLOTS, favSlots: FAV_SLOTS,
    featureDim: FEATURE_DIM, coefficients: TRUTH_COEFFICIENTS, files: truthFiles,
  };
  writeJson(path.join(dir, 'truth', 'manifest.json'), tm);

  const genreParent = new Int16Array(space.genres.length);
  for (const g of space.genres) genreParent[g.id] = g.parent;
  return { count: userCount, market, explicitOk, signupDay, plannedPlays, truth: { userCount, tasteGenre, tasteWeight, favArtist, contentPref, niche, bias, genreParent } };
}
