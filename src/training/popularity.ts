// Popularity tables: per market, the tracks most played to the end (or liked/saved) recently by listeners
// of that market, with exponential time decay (half-life 14 days before the world's "now"), restricted to
// tracks available in the market; and the same per market x root genre.
import type { Catalog } from '../catalog/Catalog.js';
import { EventType } from '../domain/events.js';
import type { EventColumns, UserRanges } from './confidence.js';

export interface PopularityCsr {
  /** Root genre ids, in slot order (slot = position). */
  readonly roots: Int32Array;
  readonly marketIndptr: Int32Array; // marketCount + 1
  readonly marketTracks: Int32Array;
  readonly genreIndptr: Int32Array; // marketCount * roots + 1, row = market * roots.length + slot
  readonly genreTracks: Int32Array;
}

export interface PopularityOptions {
  readonly halfLifeDays: number;
  readonly perMarket: number;
  readonly perMarketGenre: number;
}

export const DEFAULT_POPULARITY: PopularityOptions = { halfLifeDays: 14, perMarket: 1000, perMarketGenre: 200 };

/** Maps every genre id to its root genre id (walks parents). */
export function rootGenreOf(catalog: Catalog): Int32Array {
  let maxId = 0;
  for (const g of catalog.genres) maxId = Math.max(maxId, g.id);
  const parent = new Int32Array(maxId + 1).fill(-1);
  for (const g of catalog.genres) parent[g.id] = g.parent;
  const root = new Int32Array(maxId + 1);
  for (let g = 0; g <= maxId; g++) {
    let r = g;
    for (let guard = 0; guard < 64 && parent[r]! >= 0; guard++) r = parent[r]!;
    root[g] = r;
  }
  return root;
}

export function rootGenres(catalog: Catalog): Int32Array {
  return Int32Array.from(catalog.genres.filter((g) => g.parent < 0).map((g) => g.id)).sort();
}

export function buildPopularity(
  events: EventColumns,
  ranges: UserRanges,
  userMarket: Uint8Array,
  catalog: Catalog,
  nowMs: number,
  opts: PopularityOptions = DEFAULT_POPULARITY,
): PopularityCsr {
  const n = catalog.trackCount;
  const roots = rootGenres(catalog);
  const rootOf = rootGenreOf(catalog);
  const slotOfRoot = new Int32Array(rootOf.length).fill(-1);
  for (let s = 0; s < roots.length; s++) slotOfRoot[roots[s]!] = s;
  const tau = (opts.halfLifeDays * 86_400_000) / Math.LN2;
  const score = new Float64Array(n);
  const touched = new Int32Array(n);
  const { marketSet, genre } = catalog.columns;
  const sets = catalog.marketSets;
  const marketCount = catalog.markets.length;
  const marketIndptr = new Int32Array(marketCount + 1);
  const genreIndptr = new Int32Array(marketCount * roots.length + 1);
  const marketOut: number[] = [];
  const genreOut: number[] = [];
  const perSlot: number[][] = roots.length > 0 ? Array.from({ length: roots.length }, () => []) : [];
  const userCount = userMarket.length;
  for (let m = 0; m < marketCount; m++) {
    let nt = 0;
    for (let u = 0; u < userCount; u++) {
      if (userMarket[u]! !== m) continue;
      for (let i = ranges.start[u]!; i < ranges.trainEnd[u]!; i++) {
        const type = events.type[i]!;
        if (type !== EventType.complete && type !== EventType.like && type !== EventType.save) continue;
        const t = events.track[i]!;
        if (t < 0 || t >= n) continue;
        if (score[t] === 0) touched[nt++] = t;
        score[t]! += Math.exp(-Math.max(0, nowMs - events.timestampMs[i]!) / tau);
      }
    }
    const cand = Array.from(touched.subarray(0, nt)).filter((t) => sets.has(marketSet[t]!, m));
    cand.sort((a, b) => score[b]! - score[a]! || a - b);
    for (const s of perSlot) s.length = 0;
    let inMarket = 0;
    for (const t of cand) {
      if (inMarket < opts.perMarket) {
        marketOut.push(t);
        inMarket++;
      }
      const slot = slotOfRoot[rootOf[genre[t]!] ?? -1] ?? -1;
      const list = perSlot[slot];
      if (list && list.length < opts.perMarketGenre) list.push(t);
    }
    marketIndptr[m + 1] = marketOut.length;
    for (let s = 0; s < roots.length; s++) {
      for (const t of perSlot[s]!) genreOut.push(t);
      genreIndptr[m * roots.length + s + 1] = genreOut.length;
    }
    for (let i = 0; i < nt; i++) score[touched[i]!] = 0;
  }
  return { roots, marketIndptr, marketTracks: Int32Array.from(marketOut), genreIndptr, genreTracks: Int32Array.from(genreOut) };
}
