// Loads a model bundle written by `encore train` (src/training/trainBundle.ts) into flat typed arrays.
//
// Verification: the manifest's format and version must match; every file must exist with exactly the byte
// size the manifest lists; every file the service reads is checked against its sha256 (the float32 item
// vectors, which only training reads back, are not: the service maps their int8 form). Files read into memory
// are hashed as they are read (no second pass); mapped files and the index bands are hashed in a worker thread,
// once per machine while unchanged (src/model/fileHash.ts). `verify: 'sizes'`
// skips the checksums for tests and quick tools. Anything wrong -> Errors.bundleRejected, nothing half-loaded.
import { IdDictionary, idDictionaryFiles } from '../catalog/IdDictionary.js';
import fs from 'node:fs';
import path from 'node:path';
import type { ArtistTracks, CoListenTable, ColdStartModel, ModelBundle, PopularityTables, RankerModel, UserHistory, VectorIndex } from './ModelBundle.js';
import { BUNDLE_FILES, readJson, readManifest, readTyped, readTypedAsync, type BundleManifest, type Ctor, type Typed } from './bundleFiles.js';
import { sha256Verified } from './fileHash.js';
import { Float32ItemVectors, Int8ItemVectors, type ItemVectors } from './ItemVectors.js';
import { MAP_AT_LEAST, mapTogether, type MappedFiles } from './mappedFile.js';
import type { BundleMeta } from '../training/trainBundle.js';
import { GROUP_FILE, NORMS_FILE, ORDER_FILE, UsearchTrackIndex } from '../retrieval/UsearchIndex.js';
import { Errors } from '../domain/errors.js';

export interface LoadBundleOptions {
  readonly verify?: 'full' | 'sizes';
}

const EMPTY = new Int32Array(0);
const EMPTY_F = new Float32Array(0);

/** Row r of a CSR as a subarray view (no copy); empty when r is out of range. */
function row(indptr: Int32Array, values: Int32Array, r: number): Int32Array {
  if (!(r >= 0 && r + 1 < indptr.length)) return EMPTY;
  return values.subarray(indptr[r]!, indptr[r + 1]!);
}

function checkCsr(name: string, indptr: Int32Array, rows: number, values: number): void {
  if (indptr.length !== rows + 1) throw Errors.bundleRejected(`${name}: ${indptr.length - 1} rows, expected ${rows}`);
  if (indptr[0] !== 0 || indptr[rows] !== values) throw Errors.bundleRejected(`${name}: offsets do not match ${values} values`);
}

/**
 * The item vectors to serve with: the int8 codes and scales when the bundle has them (every bundle trained since
 * issue 11 point 3), else the float32 vectors of older bundles. Only one of the two is mapped.
 */
export async function loadItemVectors(dir: string, m: BundleManifest, N: number, dim: number, verify: boolean, mapped: MappedFiles | null = null): Promise<ItemVectors> {
  if (hasItemCodes(m)) {
    const codes = await readTypedAsync(dir, m, BUNDLE_FILES.itemCodes, Int8Array, verify, mapped);
    const scales = await readTypedAsync(dir, m, BUNDLE_FILES.itemScales, Float32Array, verify, mapped);
    if (codes.length !== N * dim || scales.length !== N) throw Errors.bundleRejected(`${BUNDLE_FILES.itemCodes}: ${codes.length} codes and ${scales.length} scales, expected ${N} x ${dim} and ${N}`);
    return new Int8ItemVectors(codes, scales, dim);
  }
  const values = await readTypedAsync(dir, m, BUNDLE_FILES.itemFactors, Float32Array, verify, mapped);
  if (values.length !== N * dim) throw Errors.bundleRejected(`${BUNDLE_FILES.itemFactors}: ${values.length} values, expected ${N * dim}`);
  return new Float32ItemVectors(values, dim);
}

function hasItemCodes(m: BundleManifest): boolean {
  return m.files[BUNDLE_FILES.itemCodes] !== undefined && m.files[BUNDLE_FILES.itemScales] !== undefined;
}

/**
 * The bundle's large array files, mapped together (one buffer: src/model/mappedFile.ts mapTogether): every file
 * of at least MAP_AT_LEAST bytes but the index bands (usearch maps those itself), the JSON files and, when the
 * int8 codes are there, the float32 item vectors (only training reads them). Null without the mmap addon.
 */
function mapArrayFiles(dir: string, m: BundleManifest): MappedFiles | null {
  const names = Object.entries(m.files)
    .filter(([name, e]) => e.bytes >= MAP_AT_LEAST && !name.endsWith('.usearch') && !name.endsWith('.json') && !(name === BUNDLE_FILES.itemFactors && hasItemCodes(m)))
    .map(([name]) => name);
  try {
    return mapTogether(dir, names);
  } catch (e) {
    throw Errors.bundleRejected((e as Error).message);
  }
}

/**
 * Every file the manifest lists exists with its size, the ones the service does not read included (the next
 * warm start reads them): a truncated file is refused before anything is mapped.
 */
function checkFileSizes(dir: string, m: BundleManifest): void {
  for (const [name, entry] of Object.entries(m.files)) {
    let size: number;
    try {
      size = fs.statSync(path.join(dir, name)).size;
    } catch (e) {
      throw Errors.bundleRejected(`${name}: ${(e as Error).message}`);
    }
    if (size !== entry.bytes) throw Errors.bundleRejected(`${name}: ${size} bytes on disk, manifest says ${entry.bytes} (truncated?)`);
  }
}

export async function loadBundle(dir: string, opts: LoadBundleOptions = {}): Promise<ModelBundle> {
  const verify = opts.verify !== 'sizes';
  const m: BundleManifest = readManifest(dir);
  checkFileSizes(dir, m);
  const meta = readJson<BundleMeta>(dir, m, BUNDLE_FILES.meta);
  const mapped = mapArrayFiles(dir, m);
  try {
    return await assembleBundle(dir, m, meta, verify, mapped);
  } catch (e) {
    mapped?.release(); // a refused bundle gives its mapped range back
    throw e;
  }
}

/** Typed reads of one bundle's files, each length-checked where the manifest says how long it must be. */
interface BundleReader {
  read<T extends Typed>(name: string, C: Ctor<T>): Promise<T>;
  f32(name: string, len: number): Promise<Float32Array>;
  i32(name: string): Promise<Int32Array>;
}

function bundleReader(dir: string, m: BundleManifest, verify: boolean, mapped: MappedFiles | null): BundleReader {
  // Reads are chunked and asynchronous: the service keeps answering while a new bundle loads.
  const read = <T extends Typed>(name: string, C: Ctor<T>): Promise<T> => readTypedAsync(dir, m, name, C, verify, mapped);
  return {
    read,
    async f32(name, len) {
      const a = await read(name, Float32Array);
      if (a.length !== len) throw Errors.bundleRejected(`${name}: ${a.length} values, expected ${len}`);
      return a;
    },
    i32: (name) => read(name, Int32Array),
  };
}

async function loadUserIds(r: BundleReader, dir: string, U: number): Promise<IdDictionary> {
  const ids = idDictionaryFiles(BUNDLE_FILES.userIds);
  const userIds = IdDictionary.fromArrays(await r.read(ids.offsets, Uint32Array), await r.read(ids.utf8, Uint8Array), await r.read(ids.hash, Int32Array), `${dir}/${BUNDLE_FILES.userIds}`);
  if (userIds.size !== U) throw Errors.bundleRejected(`${BUNDLE_FILES.userIds}: ${userIds.size} ids for ${U} listeners`);
  return userIds;
}

async function loadCoListen(r: BundleReader, N: number): Promise<CoListenTable> {
  const indptr = await r.i32(BUNDLE_FILES.coListenIndptr);
  const tracks = await r.i32(BUNDLE_FILES.coListenTracks);
  const weights = await r.read(BUNDLE_FILES.coListenWeights, Float32Array);
  checkCsr('co-listening', indptr, N, tracks.length);
  if (weights.length !== tracks.length) throw Errors.bundleRejected('co-listening: weights and tracks differ in length');
  return {
    indptr,
    tracks,
    weights,
    neighbours(t) {
      if (!(t >= 0 && t < N)) return { tracks: EMPTY, weights: EMPTY_F };
      const s = indptr[t]!;
      const e = indptr[t + 1]!;
      return { tracks: tracks.subarray(s, e), weights: weights.subarray(s, e) };
    },
  };
}

async function loadPopularity(r: BundleReader, roots: readonly number[]): Promise<PopularityTables> {
  const slotOfRoot = new Map<number, number>();
  roots.forEach((g, s) => slotOfRoot.set(g, s));
  const pmIndptr = await r.i32(BUNDLE_FILES.popMarketIndptr);
  const pmTracks = await r.i32(BUNDLE_FILES.popMarketTracks);
  const marketCount = pmIndptr.length - 1;
  checkCsr('popularity per market', pmIndptr, marketCount, pmTracks.length);
  const pgIndptr = await r.i32(BUNDLE_FILES.popGenreIndptr);
  const pgTracks = await r.i32(BUNDLE_FILES.popGenreTracks);
  checkCsr('popularity per market and genre', pgIndptr, marketCount * roots.length, pgTracks.length);
  return {
    inMarket: (market) => (market >= 0 && market < marketCount ? row(pmIndptr, pmTracks, market) : EMPTY),
    inMarketGenre: (market, rootGenre) => {
      const s = slotOfRoot.get(rootGenre);
      if (s === undefined || !(market >= 0 && market < marketCount)) return EMPTY;
      return row(pgIndptr, pgTracks, market * roots.length + s);
    },
  };
}

/** A CSR table of tracks per row (artist newest, listener recent positives), its row count checked when known. */
async function loadTrackRows(r: BundleReader, what: string, indptrFile: string, tracksFile: string, rows: number | null): Promise<(row: number) => Int32Array> {
  const indptr = await r.i32(indptrFile);
  const tracks = await r.i32(tracksFile);
  checkCsr(what, indptr, rows ?? indptr.length - 1, tracks.length);
  return (i) => row(indptr, tracks, i);
}

async function loadColdStart(r: BundleReader, cs: BundleMeta['coldStart'], dim: number): Promise<ColdStartModel> {
  return {
    inputDim: cs.inputDim,
    featureMeans: Float32Array.from(cs.featureMeans),
    featureStds: Float32Array.from(cs.featureStds),
    genreSlots: cs.genreSlots,
    weights: await r.f32(BUNDLE_FILES.coldStartWeights, cs.inputDim * dim),
    artistFactors: await r.f32(BUNDLE_FILES.artistFactors, cs.artistCount * dim),
    artistHasFactor: await r.read('artist-has-factor.u8', Uint8Array),
    artistCount: cs.artistCount,
  };
}

function loadRanker(dir: string, m: BundleManifest): RankerModel | null {
  if (!m.files[BUNDLE_FILES.ranker]) return null;
  const r = readJson<{ kind: string; featureNames: string[]; weights: number[]; bias: number; means: number[]; stds: number[]; rerankDepth?: number }>(dir, m, BUNDLE_FILES.ranker);
  return { kind: r.kind, featureNames: r.featureNames, weights: Float32Array.from(r.weights), bias: r.bias, means: Float32Array.from(r.means), stds: Float32Array.from(r.stds), rerankDepth: r.rerankDepth ?? 0 };
}

async function openIndex(r: BundleReader, dir: string, m: BundleManifest, meta: BundleMeta, verify: boolean, itemVectors: ItemVectors): Promise<VectorIndex> {
  // Index bands: sizes were checked with every other file (checkFileSizes), so a truncated band is refused before
  // usearch sees it; checksums as for the mapped arrays (sha256Verified: off-thread, once per machine).
  for (const band of meta.index.bands) {
    const entry = m.files[band.file];
    if (!entry) throw Errors.bundleRejected(`${band.file} is not listed in the manifest`);
    if (verify && (await sha256Verified(path.join(dir, band.file))) !== entry.sha256) throw Errors.bundleRejected(`${band.file}: checksum mismatch (corrupt)`);
  }
  const N = m.trackCount;
  const params = { ...meta.index, bands: meta.index.bands.length };
  const norms = await r.f32(NORMS_FILE, N);
  const order = await r.i32(ORDER_FILE);
  // Bundles since the trained/cold split record each track's group (older ones have one group of bands).
  const cold = m.files[GROUP_FILE] ? await r.read(GROUP_FILE, Uint8Array) : null;
  return UsearchTrackIndex.openAsync(dir, meta.index.bands, m.dim, norms, itemVectors, N, params, order, cold);
}

/** The bundle's parts from its files (large ones from `mapped` when given), each checked. */
async function assembleBundle(dir: string, m: BundleManifest, meta: BundleMeta, verify: boolean, mapped: MappedFiles | null): Promise<ModelBundle> {
  const { dim, trackCount: N, userCount: U } = m;
  const r = bundleReader(dir, m, verify, mapped);
  const itemVectors = await loadItemVectors(dir, m, N, dim, verify, mapped);
  const userFactors = await r.f32(BUNDLE_FILES.userFactors, U * dim);
  const gram = await r.f32(BUNDLE_FILES.gram, dim * dim);
  const userIds = await loadUserIds(r, dir, U);
  const coListen = await loadCoListen(r, N);
  const popularity = await loadPopularity(r, meta.rootGenres);
  const artistTracks: ArtistTracks = { newest: await loadTrackRows(r, 'artist newest', BUNDLE_FILES.artistNewestIndptr, BUNDLE_FILES.artistNewestTracks, null) };
  const userHistory: UserHistory = { recentPositives: await loadTrackRows(r, 'user history', BUNDLE_FILES.userRecentIndptr, BUNDLE_FILES.userRecentTracks, U) };
  const coldStart = await loadColdStart(r, meta.coldStart, dim);
  const ranker = loadRanker(dir, m);
  const index = await openIndex(r, dir, m, meta, verify, itemVectors);
  return {
    version: m.bundleVersion,
    dir,
    dim,
    trackCount: N,
    userCount: U,
    itemVectors,
    userFactors,
    userIds,
    gram,
    lambda: meta.lambda,
    index,
    coListen,
    popularity,
    artistTracks,
    userHistory,
    ranker,
    coldStart,
    close: () => {
      index.close();
      mapped?.release();
    },
  };
}

/**
 * Opens only the vector index of a bundle (norms + memory-mapped bands), without the item vectors (or with them, for re-scoring):
 * what an index-only process holds. Used by the retrieval benchmark to measure the index's own memory.
 */
export function openBundleIndex(dir: string, vectors: ItemVectors | null = null): VectorIndex {
  const m = readManifest(dir);
  const meta = readJson<BundleMeta>(dir, m, BUNDLE_FILES.meta);
  const norms = readTyped(dir, m, NORMS_FILE, Float32Array, false);
  const cold = m.files[GROUP_FILE] ? readTyped(dir, m, GROUP_FILE, Uint8Array, false) : null;
  const order = vectors ? readTyped(dir, m, ORDER_FILE, Int32Array, false) : null;
  return UsearchTrackIndex.open(dir, meta.index.bands, m.dim, norms, vectors, m.trackCount, { ...meta.index, bands: meta.index.bands.length }, order, cold);
}
