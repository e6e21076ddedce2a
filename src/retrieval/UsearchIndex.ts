// The track vector index: maximum-inner-product search over all tracks with usearch (HNSW), built offline,
// saved into the bundle, loaded with `view` (memory-mapped: the OS pages it in and shares it between processes).
//
// Why norm bands: ALS scores are inner products, and track norms are very skewed (popular tracks have long
// vectors, the unplayed tail short ones). A single HNSW graph on inner product, or on the usual MIPS -> cosine
// reduction (append sqrt(M^2 - |y|^2)), gave recall@500 of only 0.4-0.75 on trained vectors: the appended
// coordinate dominates and the graph stops reflecting directions. Following norm-ranging MIPS (Yan et al.,
// NeurIPS 2018), tracks are sorted by norm and split into `bands` equal-count bands; inside a band norms are
// similar, so the cosine order is close to the inner-product order, and each band gets a cosine index with i8
// quantization (usearch normalises i8 vectors, which is exactly right for cosine). A query searches the bands
// from the longest vectors down, re-scores every hit with the item vectors' dot product (float32, or int8 x
// scale: src/model/ItemVectors.ts), and stops early when a band's largest norm times |q| cannot beat the current
// k-th score.
import fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import usearch from 'usearch';
import type { VectorHits, VectorIndex } from '../model/ModelBundle.js';
import { Errors } from '../domain/errors.js';
import { collectNativeMemory } from '../model/releaseMemory.js';
import type { ItemVectors } from '../model/ItemVectors.js';
import { newIndex } from './newIndex.js';
import { nativeBandViews, openBand, openBandAsync, type BandSearcher } from './bandView.js';

export interface IndexParams {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
  /** Most norm bands (one usearch index each); the last band takes all remaining (shortest) vectors. */
  readonly bands: number;
  /** A band spans norms from its longest vector down to longest / bandRatio ... */
  readonly bandRatio: number;
  /** ... but holds at least this many tracks (0 = automatic: max(1000, tracks / 4096)). */
  readonly minBandSize: number;
  /**
   * ... and at most this many (0 = no cap). Opening a band (usearch `view`) is one synchronous native call of
   * ~130 ms per million vectors (measured under load: 170 ms for the 500k bands of 2026-12-02): capping bands
   * at 200k keeps every such event-loop stall of a live swap short.
   */
  readonly maxBandSize?: number;
  /**
   * Early stop of a search: a band is skipped once the k-th score so far beats |q| x the band's longest norm x
   * min(1, cosineSlack x the best cosine any earlier band reached for this query). The best cosine of a query
   * barely changes from band to band (bands differ in norm, not direction), so a slack near 1 keeps nearly all
   * of the exact answer while visiting far fewer bands; Infinity = the exact bound (cosine 1). Measured at 8.2M
   * tracks, k = 240, one thread (bench:retrieval, 2026-12-02, quiet machine): slack 1 recall 0.9997, p50 0.68 /
   * p99 2.19 ms; 0.9 recall 0.9988 (lowest query 0.979), 0.46 / 1.28 ms; 0.8 recall 0.9982; 0.7 recall 0.9939.
   */
  readonly cosineSlack?: number;
}

/** Tuned at 8.2M x 64 (see bench/results/retrieval.md). */
export const DEFAULT_INDEX_PARAMS: IndexParams = { connectivity: 16, expansionAdd: 64, expansionSearch: 256, bands: 40, bandRatio: 1.5, minBandSize: 0, maxBandSize: 200_000, cosineSlack: 0.9 };

export interface BandInfo {
  readonly file: string;
  readonly size: number;
  readonly maxNorm: number;
  /** The band's tracks are order[start, start + size) of the norm order file. */
  readonly start: number;
  /**
   * 1: a band of cold-start (content) vectors, possibly carried over from an earlier bundle, whose tracks are
   * served only while they are still cold (track-group.u8); absent or 0: trained vectors.
   */
  readonly group?: number;
}

/** Bands this small are scanned exactly (when the item vectors are at hand): cheaper than a k = 500 graph search. */
export const EXACT_BAND_MAX = 4096;
export const ORDER_FILE = 'track-norm-order.i32';
/** Band vectors released per event-loop turn when an index is closed (see releaseBands). */
const RELEASE_VECTORS_PER_TURN = 200_000;
/** The same with native band views (less native memory per vector), and the pause between turns. */
const RELEASE_NATIVE_VECTORS_PER_TURN = 1_000_000;
const RELEASE_PAUSE_MS = 100;

export const NORMS_FILE = 'track-norms.f32';
/** Per track: 1 when its vector is a cold-start (content) vector, 0 when trained. */
export const GROUP_FILE = 'track-group.u8';

type LoadedBand = { index: BandSearcher; maxNorm: number; size: number; start: number; group: number };

function checkNorms(norms: Float32Array, trackCount: number): void {
  if (norms.length !== trackCount) throw Errors.bundleRejected(`index norms hold ${norms.length} tracks, expected ${trackCount}`);
}

/** Memory-maps one band's index file and checks it against the bundle's description of it. */
function viewBand(dir: string, band: BandInfo, dim: number, params: IndexParams): LoadedBand {
  const file = bandFile(dir, band);
  let index: BandSearcher;
  try {
    index = openBand(file, dim, params.expansionSearch, () => newIndex(dim, params));
  } catch (e) {
    throw Errors.bundleRejected(`index band ${band.file}: ${(e as Error).message}`);
  }
  return checkedBand(index, band, dim);
}

/** viewBand() with the view built off the event loop (native views). */
async function viewBandAsync(dir: string, band: BandInfo, dim: number, params: IndexParams): Promise<LoadedBand> {
  const file = bandFile(dir, band);
  let index: BandSearcher;
  try {
    index = await openBandAsync(file, dim, params.expansionSearch, () => newIndex(dim, params));
  } catch (e) {
    throw Errors.bundleRejected(`index band ${band.file}: ${(e as Error).message}`);
  }
  return checkedBand(index, band, dim);
}

function bandFile(dir: string, band: BandInfo): string {
  const file = `${dir}/${band.file}`;
  if (!fs.existsSync(file)) throw Errors.bundleRejected(`index band ${band.file} is missing`);
  return file;
}

function checkedBand(index: BandSearcher, band: BandInfo, dim: number): LoadedBand {
  if (index.size() !== band.size) throw Errors.bundleRejected(`index band ${band.file} holds ${index.size()} vectors, expected ${band.size}`);
  if (index.dimensions() !== dim) throw Errors.bundleRejected(`index band ${band.file} has ${index.dimensions()} dimensions, expected ${dim}`);
  return { index, maxNorm: band.maxNorm, size: band.size, start: band.start, group: band.group ?? 0 };
}

/** Consecutive small bands searched as one exact scan (see exactRuns). */
interface ExactRun {
  /** The run's tracks, band after band, and their vectors copied contiguously as float32. */
  readonly tracks: Int32Array;
  readonly vecs: Float32Array;
  /** 1 where the track came from a carried cold band. */
  readonly fromCold: Uint8Array;
  /** Carried cold entries trained since (skipped at search): the search asks for that many more hits. */
  readonly stale: number;
  /** Index of the run's last band. */
  readonly last: number;
}

/**
 * Small top bands are scanned exactly from contiguous copies of their vectors (cache-friendly): consecutive
 * small bands (the top of the norm order) form one run, one native exact search per query for the whole run
 * (~12k tracks at full scale). Indexed by the run's first band; null elsewhere.
 */
function exactRuns(bands: readonly LoadedBand[], order: Int32Array, cold: Uint8Array | null, dim: number): Array<ExactRun | null> {
  const exact: Array<ExactRun | null> = bands.map(() => null);
  for (let b = 0; b < bands.length; ) {
    if (bands[b]!.size > EXACT_BAND_MAX) {
      b++;
      continue;
    }
    let last = b;
    while (last + 1 < bands.length && bands[last + 1]!.size <= EXACT_BAND_MAX) last++;
    let size = 0;
    for (let i = b; i <= last; i++) size += bands[i]!.size;
    const tracks = new Int32Array(size);
    const fromCold = new Uint8Array(size);
    for (let i = b, w = 0; i <= last; i++) {
      tracks.set(order.subarray(bands[i]!.start, bands[i]!.start + bands[i]!.size), w);
      if (bands[i]!.group === 1) fromCold.fill(1, w, w + bands[i]!.size);
      w += bands[i]!.size;
    }
    const vecs = new Float32Array(size * dim); // filled by copyExactRows
    let stale = 0;
    for (let i = 0; i < size; i++) if (fromCold[i] === 1 && cold && cold[tracks[i]!] !== 1) stale++;
    exact[b] = { tracks, vecs, fromCold, stale, last };
    b = last + 1;
  }
  return exact;
}

/**
 * Rows of the exact runs copied per event-loop turn by openAsync (each row of a mapped file may fault a page in):
 * 2,048 rows a turn still took up to 28 ms in a CPU profile of a live swap under 200 req/s.
 */
const EXACT_ROWS_PER_TURN = 512;

/**
 * Copies the exact runs' vectors out of the item vectors, pausing (yield) after every EXACT_ROWS_PER_TURN rows:
 * the rows are scattered over the mapped item vectors, so at full scale the ~25k rows are as many page faults
 * (30 ms in one go, measured while a live swap loaded a bundle).
 */
function* copyExactRows(exact: ReadonlyArray<ExactRun | null>, vectors: ItemVectors | null, dim: number): Generator<void> {
  if (vectors === null) return; // no exact runs without the item vectors
  let copied = 0;
  for (const run of exact) {
    if (run === null) continue;
    for (let i = 0; i < run.tracks.length; i++) {
      vectors.copyRow(run.tracks[i]!, run.vecs, i * dim);
      if (++copied % EXACT_ROWS_PER_TURN === 0) yield;
    }
  }
}

/**
 * The loaded (memory-mapped) banded index. `search` returns up to k tracks, best first. With the item
 * vectors (`vectors`, the bundle's itemVectors) hits are re-scored with their dot product; without them
 * (an index-only process) the score is the band's cosine x |q| x |y| from the stored norms, which keeps the
 * index's own memory small (i8 vectors + graph + norms). Scratch buffers are allocated once per index
 * (search is synchronous, so one set suffices).
 */
export class UsearchTrackIndex implements VectorIndex {
  readonly size: number;
  private closed = false;
  private readonly candTracks: Int32Array;
  private readonly candScores: Float32Array;
  private readonly maxK: number;
  /** Per band: the exact run that starts at it (null for graph bands and the run's later bands). */
  private readonly exact: ReadonlyArray<ExactRun | null>;
  private readonly cosineSlack: number;
  private readonly query: Float32Array;
  /** One band's hits (keys, cosine distances), reused by every band search. */
  private readonly hitKeys: Uint32Array;
  private readonly hitDistances: Float32Array;

  private constructor(
    private readonly bands: LoadedBand[],
    private readonly order: Int32Array | null,
    readonly dim: number,
    private readonly norms: Float32Array,
    private readonly vectors: ItemVectors | null,
    private readonly cold: Uint8Array | null,
    cosineSlack: number,
  ) {
    this.size = norms.length;
    this.cosineSlack = cosineSlack;
    this.query = new Float32Array(dim);
    this.exact = vectors && order ? exactRuns(bands, order, cold, dim) : bands.map(() => null);
    this.maxK = 10_000;
    this.candTracks = new Int32Array(this.maxK * (bands.length + 1));
    this.hitKeys = new Uint32Array(this.maxK);
    this.hitDistances = new Float32Array(this.maxK);
    this.candScores = new Float32Array(this.maxK * (bands.length + 1));
  }

  static open(
    dir: string,
    bands: readonly BandInfo[],
    dim: number,
    norms: Float32Array,
    vectors: ItemVectors | null,
    trackCount: number,
    params: IndexParams = DEFAULT_INDEX_PARAMS,
    order: Int32Array | null = null,
    cold: Uint8Array | null = null,
  ): UsearchTrackIndex {
    checkNorms(norms, trackCount);
    const loaded = bands.map((band) => viewBand(dir, band, dim, params));
    const index = UsearchTrackIndex.assemble(loaded, dim, norms, vectors, trackCount, order, cold, params);
    const rows = index.exactRowCopies();
    while (rows.next().done !== true); // every row at once: nothing is served meanwhile
    return index;
  }

  /** As open(), yielding to the event loop between bands; native band views are built off the event loop. */
  static async openAsync(
    dir: string,
    bands: readonly BandInfo[],
    dim: number,
    norms: Float32Array,
    vectors: ItemVectors | null,
    trackCount: number,
    params: IndexParams = DEFAULT_INDEX_PARAMS,
    order: Int32Array | null = null,
    cold: Uint8Array | null = null,
  ): Promise<UsearchTrackIndex> {
    checkNorms(norms, trackCount);
    const loaded: LoadedBand[] = [];
    try {
      for (const band of bands) {
        await nextTurn();
        loaded.push(await viewBandAsync(dir, band, dim, params));
      }
      const index = UsearchTrackIndex.assemble(loaded, dim, norms, vectors, trackCount, order, cold, params);
      const rows = index.exactRowCopies();
      while (rows.next().done !== true) await nextTurn();
      return index;
    } catch (e) {
      for (const band of loaded) band.index.close(); // a refused bundle leaves no band mapped (native views)
      throw e;
    }
  }

  /** Fills the exact runs' vectors (see copyExactRows); the index is searchable once this is done. */
  private exactRowCopies(): Generator<void> {
    return copyExactRows(this.exact, this.vectors, this.dim);
  }

  private static assemble(
    loaded: LoadedBand[],
    dim: number,
    norms: Float32Array,
    vectors: ItemVectors | null,
    trackCount: number,
    order: Int32Array | null,
    cold: Uint8Array | null,
    params: IndexParams,
  ): UsearchTrackIndex {
    // Bands need not cover every track (zero vectors are left out) and carried-over cold bands may still hold
    // tracks trained since (skipped at search); each band's size was checked against its file when viewed.
    let total = 0;
    for (const band of loaded) total += band.size;
    if (total === 0 && trackCount > 0) throw Errors.bundleRejected(`index holds no vectors for ${trackCount} tracks`);
    if (order && order.length !== total) throw Errors.bundleRejected(`index order holds ${order.length} tracks, expected ${total}`);
    if (cold && cold.length !== trackCount) throw Errors.bundleRejected(`${GROUP_FILE} holds ${cold.length} tracks, expected ${trackCount}`);
    // Search visits bands from the longest vectors down (the early stop below relies on it).
    const sorted = loaded.slice().sort((a, b) => b.maxNorm - a.maxNorm || a.start - b.start);
    return new UsearchTrackIndex(sorted, order, dim, norms, vectors, cold, params.cosineSlack ?? DEFAULT_INDEX_PARAMS.cosineSlack ?? Infinity);
  }

  search(query: Float32Array, k: number): VectorHits {
    if (this.closed) throw Errors.notReady('vector index closed');
    const dim = this.dim;
    const v = this.vectors;
    const kk = Math.max(1, Math.min(k, this.size, this.maxK));
    let qn = 0;
    for (let d = 0; d < dim; d++) qn += query[d]! * query[d]!;
    qn = Math.sqrt(qn);
    const ct = this.candTracks;
    const cs = this.candScores;
    let n = 0;
    let kth = -Infinity; // k-th best exact score so far (when n >= kk)
    let bestCos = 0; // best cosine between q and any hit so far
    const slack = this.cosineSlack;
    const q = query.length === dim ? query : query.subarray(0, dim);
    // Native searches read a typed array from the start of its buffer, not from its offset: a copy of its own.
    this.query.set(q);
    for (let b = 0; b < this.bands.length; b++) {
      const band = this.bands[b]!;
      if (band.size === 0) continue;
      // Nothing in this or any shorter band can (likely) enter the top k: see IndexParams.cosineSlack.
      if (n >= kk && kth >= qn * band.maxNorm * Math.min(1, bestCos * slack)) break;
      const ex = this.exact[b];
      if (ex) {
        // A run of small bands: exact scan, no graph, by usearch's native SIMD brute force (inner product:
        // distance = 1 - dot), about 3x faster than a JS loop here, handing back only the run's top k.
        const r = usearch.exactSearch(ex.vecs, this.query, dim, Math.min(kk + ex.stale, ex.tracks.length), usearch.MetricKind.IP, 1) as unknown as { keys: BigUint64Array; distances: Float32Array };
        const cold = this.cold;
        for (let i = 0; i < r.keys.length; i++) {
          const t = ex.tracks[Number(r.keys[i])]!;
          // A carried cold band's track trained since is served from its trained band.
          if (cold && ex.fromCold[Number(r.keys[i])] === 1 && cold[t] !== 1) continue;
          const dot = 1 - r.distances[i]!;
          const yn = this.norms[t]!;
          if (yn > 0 && qn > 0 && dot / (qn * yn) > bestCos) bestCos = dot / (qn * yn);
          ct[n] = t;
          cs[n] = dot;
          n++;
        }
        if (n >= kk) {
          n = keepBest(ct, cs, n, kk);
          kth = minOf(cs, n);
        }
        b = ex.last; // the run's other bands were scanned with it
        continue;
      }
      const got = band.index.search(this.query, Math.min(kk, band.size), this.hitKeys, this.hitDistances);
      const carried = band.group === 1 ? this.cold : null;
      for (let i = 0; i < got; i++) {
        const t = this.hitKeys[i]!;
        if (carried && carried[t] !== 1) continue; // trained since this cold band was built: its trained vector is elsewhere
        // Band cosine (i8) x |q| x |y|: merging bands this way avoids a random read of every hit's item
        // vector; only the final k are re-scored (below).
        ct[n] = t;
        const cos = 1 - this.hitDistances[i]!;
        if (cos > bestCos) bestCos = cos;
        cs[n] = cos * qn * this.norms[t]!;
        n++;
      }
      if (n >= kk) {
        n = keepBest(ct, cs, n, kk);
        kth = minOf(cs, n);
      }
    }
    const count = Math.min(n, kk);
    keepBest(ct, cs, n, count);
    if (v) v.dots(ct, count, q, cs);
    keepTop(ct, cs, count, count);
    return { tracks: ct.slice(0, count), scores: cs.slice(0, count), count };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.releaseBands();
  }

  /**
   * usearch has no explicit release: a band's memory (its lookup tables, its file mapping) is freed by a
   * finalizer once the index object is collected. Released all at once, the 68 bands of an 8.2M-track bundle
   * stalled the event loop 207 ms after a live swap; one 200k-track band per turn, each followed by a
   * collection, keeps every stall under ~20 ms (about 0.7 s in all). Small bands go together (a small bundle
   * is released in one collection). Native band views (src/retrieval/bandView.ts) are closed explicitly, no
   * collection needed: under 200 req/s each forced full collection took 38-50 ms, and 40 of them back to back
   * queued requests for 2-3 s (300 shed). They are closed 1M vectors a turn, turns RELEASE_PAUSE_MS apart.
   */
  private async releaseBands(): Promise<void> {
    const perTurn = nativeBandViews ? RELEASE_NATIVE_VECTORS_PER_TURN : RELEASE_VECTORS_PER_TURN;
    while (this.bands.length > 0) {
      let vectors = 0;
      let closedAll = true;
      while (this.bands.length > 0 && vectors < perTurn) {
        const band = this.bands.pop()!;
        vectors += band.size;
        closedAll = band.index.close() && closedAll;
      }
      if (!closedAll) await collectNativeMemory();
      if (this.bands.length > 0) await new Promise<void>((resolve) => setTimeout(resolve, RELEASE_PAUSE_MS).unref());
    }
  }
}

const selectScratch = { scores: new Float32Array(0) };

function minOf(a: Float32Array, n: number): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

/**
 * Keeps the best `k` of n (tracks, scores) pairs, compacted to the front in input order; returns how many
 * were kept (min(k, n)). The k-th score comes from a native numeric sort of a scratch copy (no comparator
 * closure: this runs once per band on up to ~10k candidates).
 */
export function keepBest(tracks: Int32Array, scores: Float32Array, n: number, k: number): number {
  if (n <= k) return n;
  if (selectScratch.scores.length < n) selectScratch.scores = new Float32Array(Math.max(n, 2 * selectScratch.scores.length));
  const tmp = selectScratch.scores.subarray(0, n);
  tmp.set(scores.subarray(0, n));
  tmp.sort();
  const kth = tmp[n - k]!;
  let above = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > kth) above++;
  let ties = k - above;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s > kth || (s === kth && ties-- > 0)) {
      tracks[w] = tracks[i]!;
      scores[w] = s;
      w++;
    }
  }
  return w;
}

/** Keeps the best `k` of n (tracks, scores) pairs, sorted best first (ties: lower track first); returns k. */
export function keepTop(tracks: Int32Array, scores: Float32Array, n: number, k: number): number {
  const take = keepBest(tracks, scores, n, k);
  const order = new Uint32Array(take);
  for (let i = 0; i < take; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || tracks[a]! - tracks[b]!);
  const t2 = new Int32Array(take);
  const s2 = new Float32Array(take);
  for (let i = 0; i < take; i++) {
    t2[i] = tracks[order[i]!]!;
    s2[i] = scores[order[i]!]!;
  }
  tracks.set(t2);
  scores.set(s2);
  return take;
}
