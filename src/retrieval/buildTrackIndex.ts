// Builds the banded track index (searched by src/retrieval/UsearchIndex.ts): tracks sorted by vector norm
// and cut into norm bands, one usearch (HNSW, cosine, i8) index per band.
//
// Two groups: trained tracks (ALS vectors) and cold-start tracks (content vectors) get bands of their own.
// A warm retrain keeps every still-cold track's vector, so the cold bands of the previous bundle stay valid
// and are carried over as hard links instead of being rebuilt (at full scale 5.2M of 8.2M tracks are cold):
// only the trained tracks, and tracks that turned cold or are new, are indexed again. A carried band may
// hold tracks trained since; search skips those (their trained vector is in a trained band).
import fs from 'node:fs';
import path from 'node:path';
import { Errors } from '../domain/errors.js';
import type { BandInfo, IndexParams } from './UsearchIndex.js';
import { buildBandsInParallel, type BandJob } from './buildBands.js';

export interface IndexBuildStats {
  readonly seconds: number;
  readonly bands: readonly BandInfo[];
  /** Per-track vector norm (for merging band results without the float32 vectors). */
  readonly norms: Float32Array;
  /** The tracks of every band, band after band (each band is a range of it). */
  readonly order: Int32Array;
  /** Vectors added to new bands (the rest were carried over; zero vectors are in no band). */
  readonly indexed: number;
  readonly carried: number;
}

/** Cold bands of an earlier bundle to reuse. */
export interface CarriedBands {
  readonly dir: string;
  readonly bands: readonly BandInfo[];
  readonly order: Int32Array;
}

export interface IndexLayout {
  /** Per track: 1 = cold-start vector (own bands), 0 = trained. Null: one group. */
  readonly cold: Uint8Array | null;
  /** Carry these cold bands over; every track they hold that is still cold must keep its vector. */
  readonly carry: CarriedBands | null;
}

export const bandFileName = (b: number): string => `tracks.b${b}.usearch`;

export function vectorNorms(vectors: Float32Array, n: number, dim: number): Float32Array {
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dim;
    for (let k = 0; k < dim; k++) s += vectors[o + k]! * vectors[o + k]!;
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/** `tracks` by norm, longest first (ties: lower index first). */
export function sortByNorm(norms: Float32Array, tracks: Int32Array): Int32Array {
  // Sort float64 keys (norm level, then index) instead of a comparator: up to 8.2M entries.
  const scale = 2 ** 24;
  let max = 0;
  for (let i = 0; i < tracks.length; i++) max = Math.max(max, norms[tracks[i]!]!);
  const q = max > 0 ? 2 ** 26 / max : 1; // quantise norms to 26 bits so key = level * 2^24 + index stays exact
  const keys = new Float64Array(tracks.length);
  for (let i = 0; i < tracks.length; i++) keys[i] = Math.floor((max - norms[tracks[i]!]!) * q) * scale + tracks[i]!;
  keys.sort();
  const out = new Int32Array(tracks.length);
  for (let i = 0; i < keys.length; i++) out[i] = keys[i]! % scale;
  return out;
}

/** Band cuts over tracks sorted by norm: geometric (bandRatio), at least minBand, at most maxBandSize. */
export function cutBands(sorted: Int32Array, norms: Float32Array, params: IndexParams, maxBands: number, minBand: number): number[] {
  const n = sorted.length;
  const cuts = [0];
  while (cuts[cuts.length - 1]! < n) {
    const lo = cuts[cuts.length - 1]!;
    let hi = n;
    if (cuts.length < maxBands) {
      const floor = norms[sorted[lo]!]! / Math.max(1.0001, params.bandRatio);
      hi = lo;
      while (hi < n && norms[sorted[hi]!]! >= floor) hi++;
      hi = Math.min(n, Math.max(hi, lo + minBand));
    }
    // The cap holds for the last band too (past maxBands it takes the rest in cap-sized pieces): opening a band
    // is one synchronous call linear in its size, and a 1.7M-track tail band stalled a live swap.
    const cap = params.maxBandSize ?? 0;
    if (cap > 0) hi = Math.min(hi, lo + Math.max(cap, minBand));
    cuts.push(hi);
  }
  return cuts;
}

/** The tracks each group indexes, sorted by norm: trained ones, and cold ones not carried over from the last bundle. */
function indexGroups(norms: Float32Array, n: number, layout: IndexLayout): { trained: Int32Array; freshCold: Int32Array; carried: Uint8Array } {
  const cold = layout.cold;
  const carried = new Uint8Array(n); // 1: in a carried band and still cold
  if (layout.carry && cold) for (const t of layout.carry.order) if (t < n && cold[t] === 1) carried[t] = 1;
  const pick = (want: (t: number) => boolean): Int32Array => {
    let c = 0;
    for (let t = 0; t < n; t++) if (want(t)) c++;
    const out = new Int32Array(c);
    for (let t = 0, w = 0; t < n; t++) if (want(t)) out[w++] = t;
    return out;
  };
  // A zero vector (a track whose only evidence is negative: ALS's exact answer is 0) scores 0 against every
  // query and can never beat the positive scores of the top k; it is left out of the index.
  const trained = sortByNorm(norms, pick((t) => (!cold || cold[t] !== 1) && norms[t]! > 0));
  const freshCold = cold ? sortByNorm(norms, pick((t) => cold[t] === 1 && carried[t] === 0)) : new Int32Array(0);
  return { trained, freshCold, carried };
}

/** The bands in index order: their metadata, their members, and the graphs still to build. */
class BandPlan {
  readonly bands: BandInfo[] = [];
  readonly jobs: BandJob[] = [];
  private readonly parts: Int32Array[] = [];
  private start = 0;

  constructor(
    private readonly dir: string,
    private readonly norms: Float32Array,
    private readonly params: IndexParams,
    private readonly minBand: number,
  ) {}

  private add(info: Omit<BandInfo, 'start'>, members: Int32Array): void {
    // (keys in the order the meta file has always had)
    this.bands.push({ file: info.file, size: info.size, maxNorm: info.maxNorm, start: this.start, ...(info.group !== undefined ? { group: info.group } : {}) });
    this.parts.push(members);
    this.start += info.size;
  }

  /** Cuts a group into bands: their metadata now, their graphs queued for buildBandsInParallel. */
  planGroup(sorted: Int32Array, group: number, maxBands: number): void {
    const cuts = cutBands(sorted, this.norms, this.params, maxBands, this.minBand);
    for (let b = 0; b + 1 < cuts.length; b++) {
      const lo = cuts[b]!;
      const hi = cuts[b + 1]!;
      const file = bandFileName(this.bands.length);
      this.jobs.push({ members: sorted.subarray(lo, hi), file: path.join(this.dir, file) });
      this.add({ file, size: hi - lo, maxNorm: this.norms[sorted[lo]!]!, ...(group ? { group } : {}) }, sorted.subarray(lo, hi));
    }
  }

  /** The last bundle's cold bands, hard-linked as they are (their tracks are still cold, their vectors unchanged). */
  carryColdBands(carry: NonNullable<IndexLayout['carry']>, carried: Uint8Array, n: number): void {
    for (const band of carry.bands) {
      if ((band.group ?? 0) !== 1) continue;
      const file = bandFileName(this.bands.length);
      fs.linkSync(path.join(carry.dir, band.file), path.join(this.dir, file));
      const members = carry.order.subarray(band.start, band.start + band.size);
      let maxNorm = band.maxNorm;
      for (const t of members) if (t < n && carried[t] === 1) maxNorm = Math.max(maxNorm, this.norms[t]!);
      this.add({ file, size: band.size, maxNorm, group: 1 }, members);
    }
  }

  /** Every band's tracks, in band order: the index's row order. */
  order(): Int32Array {
    const order = new Int32Array(this.start);
    let w = 0;
    for (const p of this.parts) {
      order.set(p, w);
      w += p.length;
    }
    return order;
  }
}

/** Builds the index over rows [0, n) of `vectors` into `dir` (one file per band). */
export async function buildTrackIndex(
  vectors: Float32Array,
  n: number,
  dim: number,
  dir: string,
  params: IndexParams,
  threads: number,
  onProgress?: (done: number, total: number) => void,
  layout: IndexLayout = { cold: null, carry: null },
): Promise<IndexBuildStats> {
  if (n >= 2 ** 24) throw Errors.badRequest(`index: ${n} tracks exceed the 2^24 supported by the norm sort`);
  const t0 = performance.now();
  const norms = vectorNorms(vectors, n, dim);
  const { trained, freshCold, carried } = indexGroups(norms, n, layout);
  const total = trained.length + freshCold.length;
  const minBand = params.minBandSize > 0 ? params.minBandSize : Math.max(1000, Math.ceil(n / 4096));
  const plan = new BandPlan(dir, norms, params, minBand);
  plan.planGroup(trained, 0, params.bands);
  if (layout.carry && layout.cold) plan.carryColdBands(layout.carry, carried, n);
  if (freshCold.length > 0) plan.planGroup(freshCold, 1, Math.max(2, Math.ceil(params.bands / 2)));
  let done = 0;
  await buildBandsInParallel(plan.jobs, vectors, dim, params, threads, (count) => {
    done += count;
    onProgress?.(done, total);
  });
  const order = plan.order();
  return { seconds: (performance.now() - t0) / 1000, bands: plan.bands, norms, order, indexed: done, carried: order.length - done };
}
