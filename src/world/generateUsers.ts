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

/** The listeners' columns and their hidden taste (truth) while they are generated. */
function allocateListeners(userCount: number) {
  return {
    market: new Uint8Array(userCount),
    explicitOk: new Uint8Array(userCount),
    signupDay: new Int32Array(userCount),
    plannedPlays: new Int32Array(userCount),
    tasteGenre: new Int16Array(userCount * TASTE_SLOTS).fill(-1),
    tasteWeight: new Float32Array(userCount * TASTE_SLOTS),
    favArtist: new Int32Array(userCount * FAV_SLOTS).fill(-1),
    contentPref: new Float32Array(userCount * FEATURE_DIM),
    niche: new Uint8Array(userCount),
    bias: new Float32Array(userCount),
  };
}
type ListenerColumns = ReturnType<typeof allocateListeners>;

/** Listener u's 1-4 taste components (a home-market genre first, sometimes; sometimes a whole root genre), weights summing to 1. */
function drawTastes(rng: Rng, space: GenreSpace, local: readonly number[], c: ListenerColumns, u: number): number {
  const r = rng.next();
  const slots = r < 0.3 ? 1 : r < 0.65 ? 2 : r < 0.9 ? 3 : 4;
  let wsum = 0;
  for (let k = 0; k < slots; k++) {
    let g = k === 0 && local.length > 0 && rng.chance(0.35) ? local[rng.int(local.length)]! : space.leaves[searchCumulative(space.leafCumShare, 0, space.leafCumShare.length, rng.next())]!;
    if (rng.chance(0.25)) g = space.parent[g]!; // a broad taste: the whole root genre
    const w = -Math.log(1 - rng.next()) + 0.05;
    c.tasteGenre[u * TASTE_SLOTS + k] = g;
    c.tasteWeight[u * TASTE_SLOTS + k] = w;
    wsum += w;
  }
  for (let k = 0; k < slots; k++) c.tasteWeight[u * TASTE_SLOTS + k]! /= wsum;
  return slots;
}

/** Favourite artists: artists of tracks drawn from the taste genres (popular ones unless niche). */
function drawFavourites(rng: Rng, space: GenreSpace, cat: GeneratedCatalog, rootLeaves: readonly number[][], c: ListenerColumns, u: number, slots: number, isNiche: boolean): void {
  const favs = 2 + rng.int(FAV_SLOTS - 1);
  for (let k = 0; k < favs; k++) {
    let g = c.tasteGenre[u * TASTE_SLOTS + rng.int(slots)]!;
    if (space.parent[g]! < 0) {
      const leaves = rootLeaves[g]!;
      g = leaves[rng.int(leaves.length)]!;
    }
    const t = drawInGenre(rng, cat, cat.genreStart[g]!, cat.genreStart[g + 1]!, isNiche && rng.chance(0.7));
    if (t >= 0) c.favArtist[u * FAV_SLOTS + k] = cat.artist[t]!;
  }
}

function writeListenerFiles(dir: string, c: ListenerColumns, userCount: number, files: Record<string, ColumnSpec>): void {
  writeColumn(dir, USER_FILES.market, c.market, files);
  writeColumn(dir, USER_FILES.explicitOk, c.explicitOk, files);
  writeColumn(dir, USER_FILES.signupDay, c.signupDay, files);
  writeSequentialIds(dir, USER_FILES.ids, 'u', userCount, files);
  const truthFiles: Record<string, ColumnSpec> = {};
  // The hidden taste, one file per column of TRUTH_FILES (same names as the columns).
  for (const key of ['tasteGenre', 'tasteWeight', 'favArtist', 'contentPref', 'niche', 'bias'] as const) writeColumn(dir, TRUTH_FILES[key], c[key], truthFiles);
  const tm: TruthManifest = {
    format: TRUTH_FORMAT, version: TRUTH_FORMAT_VERSION, users: userCount, tasteSlots: TASTE_SLOTS, favSlots: FAV_SLOTS,
    featureDim: FEATURE_DIM, coefficients: TRUTH_COEFFICIENTS, files: truthFiles,
  };
  writeJson(path.join(dir, 'truth', 'manifest.json'), tm);
}

export function generateUsers(seed: number, userCount: number, playsPerUser: number, space: GenreSpace, cat: GeneratedCatalog, dir: string, files: Record<string, ColumnSpec>, onProgress?: Progress): GeneratedUsers {
  const rng = new Rng(seed);
  const marketCum = cumulative(LISTENER_SHARE);
  const c = allocateListeners(userCount);
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
    c.market[u] = m;
    c.explicitOk[u] = rng.chance(0.85) ? 1 : 0;
    c.signupDay[u] = rng.chance(0.25) ? nowDay - 7 - rng.int(HISTORY_DAYS - 7) : nowDay - HISTORY_DAYS - rng.int(7 * 365);
    const activeDays = Math.min(HISTORY_DAYS, nowDay - c.signupDay[u]!);
    // heavy-tailed activity, scaled down for listeners who joined recently; at most ~40 plays a day
    const plays = Math.round(rng.logNormal(mu, sigma) * (0.3 + (0.7 * activeDays) / HISTORY_DAYS));
    c.plannedPlays[u] = Math.max(1, Math.min(plays, activeDays * 40, Math.round(playsPerUser * 30)));
    const isNiche = rng.chance(NICHE_SHARE);
    c.niche[u] = isNiche ? 1 : 0;
    c.bias[u] = 0.5 * rng.normal();
    const slots = drawTastes(rng, space, localLeaves[m]!, c, u);
    // content preference: around the main genre's centroid
    const main = c.tasteGenre[u * TASTE_SLOTS]!;
    for (let f = 0; f < FEATURE_DIM; f++) c.contentPref[u * FEATURE_DIM + f] = clamp01(space.centroid[main * FEATURE_DIM + f]! + 0.08 * rng.normal());
    drawFavourites(rng, space, cat, rootLeaves, c, u, slots, isNiche);
    if ((u & 0xffff) === 0) onProgress?.('listeners', u, userCount);
  }
  onProgress?.('listeners', userCount, userCount);
  writeListenerFiles(dir, c, userCount, files);
  const genreParent = new Int16Array(space.genres.length);
  for (const g of space.genres) genreParent[g.id] = g.parent;
  const { market, explicitOk, signupDay, plannedPlays, tasteGenre, tasteWeight, favArtist, contentPref, niche, bias } = c;
  return { count: userCount, market, explicitOk, signupDay, plannedPlays, truth: { userCount, tasteGenre, tasteWeight, favArtist, contentPref, niche, bias, genreParent } };
}
