// `encore train`: world (+ optional event log) -> a complete, versioned model bundle.
//
//   <bundles>/.tmp-<version>/  everything is written here first ...
//   <bundles>/<version>/       ... and renamed into place as the very last step (rename is atomic on one
//                              file system), so a crash mid-build leaves only a .tmp-* directory, which
//                              FsBundleStore ignores (and the next train removes).
//
// Held-out data: each listener's LAST session (when they have at least two) is excluded from ALS, the
// co-listening table, the popularity tables and the user history. Its event range in the world's events is
// written as heldout.start.i32 / heldout.end.i32 (per user, [start, end) indices into world events; equal
// when nothing is held out), so the ranker can train and evaluate on logs the embeddings never saw.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openWorld, type World } from '../world/World.js';
import { trainAls, type ConfidenceMatrix } from './als.js';
import { withFeatureListeners } from './featureListeners.js';
import { withActivityWeighting } from './activityWeighting.js';
import { columnsWithEntries } from './compactAxes.js';
import { readWarmStart } from './warmStart.js';
import { buildConfidence, userRanges } from './confidence.js';
import { buildCoListen } from './coListen.js';
import { buildPopularity } from './popularity.js';
import { buildArtistNewest } from './artistNewest.js';
import { buildUserRecent } from './userRecent.js';
import { fitColdStart } from './coldStartFit.js';
import { rankerJson, trainRanker } from './ranker.js';
import { DEFAULT_INDEX_PARAMS, GROUP_FILE, NORMS_FILE, ORDER_FILE, type BandInfo, type IndexParams } from '../retrieval/UsearchIndex.js';
import { buildTrackIndex } from '../retrieval/buildTrackIndex.js';
import { carryColdBands, stillColdTracks } from './carryColdBands.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE, describeFiles, syncFiles, writeJson, writeTyped, type BundleManifest, type DescribedFiles } from '../model/bundleFiles.js';
import { phaseProgress } from './progress.js';
import { mergeEventLogIntoWorld } from '../storage/mergeEventLog.js';
import { Errors } from '../domain/errors.js';
import { collectNativeMemory, collectReleasedMemory } from '../model/releaseMemory.js';
import { quantizeRows } from '../model/ItemVectors.js';
import { startMemoryPeaks, type MemoryPeaks } from './memoryPeaks.js';

export interface TrainBundleOptions {
  readonly worldDir: string;
  readonly bundlesDir: string;
  readonly factors: number;
  readonly iterations: number;
  readonly lambda: number;
  readonly cgSteps: number;
  readonly seed: number;
  readonly threads: number;
  readonly index: IndexParams;
  /** URL of the service's event log to merge (hook: see mergeEventLog). */
  readonly eventsLog: string | null;
  readonly quiet: boolean;
  /**
   * Reuse the ALS embeddings (item-factors.f32, user-factors.f32) of an earlier build of the SAME world and
   * factor count instead of training them again (e.g. to rebuild tables and index only). Null = train.
   */
  readonly reuseEmbeddingsFrom?: string | null;
  /**
   * Hold out each listener's last session (default). Off for a production retrain from the event log, where
   * the newest sessions are exactly what the model should learn from (the ranker then has no held-out logs).
   */
  readonly holdOut?: boolean;
  /**
   * Start ALS from this earlier bundle's factors (src/training/warmStart.ts) instead of random; `iterations`
   * then counts the iterations after that start. Null = from nothing.
   */
  readonly warmStartFrom?: string | null;
  /**
   * Weight of the content features as pseudo-listeners in ALS (src/training/featureListeners.ts): each
   * feature a row that played the tracks having it, at confidence 1 + weight * value. 0 or absent = off.
   */
  readonly featureListeners?: number;
  /**
   * Listener-activity weighting of the ALS input (src/training/activityWeighting.ts): positive weights scaled by
   * (n / mean n)^-exponent. 0 or absent = off.
   */
  readonly activityExponent?: number;
  /** Injected for tests: a world already open. */
  readonly world?: World;
}

export const DEFAULT_TRAIN: Omit<TrainBundleOptions, 'worldDir' | 'bundlesDir'> = {
  factors: 64,
  iterations: 10,
  lambda: 10,
  cgSteps: 3,
  seed: 1,
  threads: 2,
  index: DEFAULT_INDEX_PARAMS,
  eventsLog: null,
  quiet: false,
};

/** Training metadata stored in meta.json (read back by loadBundle). */
export interface BundleMeta {
  readonly lambda: number;
  readonly factors: number;
  readonly iterations: number;
  readonly seed: number;
  readonly rootGenres: number[];
  readonly index: Omit<IndexParams, 'bands'> & { readonly bands: readonly BandInfo[]; readonly buildSeconds: number };
  readonly coldStart: { readonly inputDim: number; readonly genreSlots: number; readonly featureMeans: number[]; readonly featureStds: number[]; readonly artistCount: number; readonly fitRows: number; readonly filled: number };
  readonly heldout: string;
  /** The bundle version ALS started from (absent: trained from nothing). */
  readonly warmStartFrom?: string;
  readonly stats: Record<string, number>;
}

export interface TrainSummary {
  readonly version: string;
  readonly dir: string;
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Peak anonymous + shared memory (src/training/memoryPeaks.ts; null where /proc cannot be read). */
  readonly peakAnonMb: number | null;
  readonly stats: Record<string, number>;
}

function versionName(bundlesDir: string, seed: number): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const base = `v${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${seed}`;
  let v = base;
  for (let i = 2; fs.existsSync(path.join(bundlesDir, v)) || fs.existsSync(path.join(bundlesDir, `.tmp-${v}`)); i++) v = `${base}-${i}`;
  return v;
}

/**
 * `--events-log URL`: the service's logged events (plays, skips, likes ... of listeners and tracks the world
 * knows) are appended to the world's history before anything is trained (src/storage/mergeEventLog.ts).
 */
async function mergeEventLog(world: World, url: string | null, stats: Record<string, number>): Promise<World> {
  if (url === null) return world;
  const merged = await mergeEventLogIntoWorld(world, url);
  stats.eventLogMerged = merged.summary.merged;
  stats.eventLogSkipped = merged.summary.skipped;
  stats.erasedListeners = merged.summary.erasedListeners;
  return merged.world;
}

/** A fresh hidden directory for the new version (leftovers of crashed builds removed: they are never visible). */
function stagingDir(bundlesDir: string, seed: number): { version: string; tmp: string; finalDir: string } {
  fs.mkdirSync(bundlesDir, { recursive: true });
  for (const name of fs.readdirSync(bundlesDir)) if (name.startsWith('.tmp-')) fs.rmSync(path.join(bundlesDir, name), { recursive: true, force: true });
  const version = versionName(bundlesDir, seed);
  const tmp = path.join(bundlesDir, `.tmp-${version}`);
  fs.mkdirSync(tmp);
  return { version, tmp, finalDir: path.join(bundlesDir, version) };
}

function bundleMeta(opts: TrainBundleOptions, built: Awaited<ReturnType<typeof buildModelFiles>>, stats: Record<string, number>): BundleMeta {
  return {
    lambda: opts.lambda,
    factors: opts.factors,
    iterations: opts.iterations,
    seed: opts.seed,
    rootGenres: Array.from(built.rootGenres),
    index: { ...opts.index, bands: built.bands, buildSeconds: Math.round(built.indexSeconds * 10) / 10 },
    coldStart: built.coldStart,
    heldout: 'heldout.start.i32/heldout.end.i32: per user [start, end) indices into the world events of the held-out last session',
    ...(built.warmStartFrom !== null ? { warmStartFrom: built.warmStartFrom } : {}),
    stats,
  };
}

/** Writes the manifest of every file now in `tmp` (checksums of files already described are kept). */
function manifestWriter(tmp: string, world: World, version: string, dim: number): () => void {
  const worldManifestHash = createHash('sha256').update(fs.readFileSync(path.join(world.dir, 'manifest.json'))).digest('hex');
  const described: DescribedFiles = new Map();
  return () => {
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_FORMAT_VERSION,
      bundleVersion: version,
      dim,
      trackCount: world.catalog.trackCount,
      userCount: world.users.count,
      worldManifestHash,
      createdAt: new Date().toISOString(),
      files: describeFiles(tmp, described),
    };
    writeJson(tmp, MANIFEST_FILE, manifest);
  };
}

/**
 * The ranker is optional in a bundle (the feed falls back to the retrieval order): a ranker that fails to
 * train must not throw away the embeddings and index built before it.
 */
async function attachRanker(world: World, tmp: string, stats: Record<string, number>): Promise<void> {
  let ranker: Awaited<ReturnType<typeof trainRanker>> = null;
  try {
    ranker = await trainRanker({ worldDir: world.dir, bundleDir: tmp, world });
  } catch (e) {
    console.error(`encore train: ranker training failed, the bundle has no ranker: ${(e as Error).message}`);
    stats.rankerFailed = 1;
  }
  // (outside the try: a bundle whose trained ranker cannot be written fails, as before)
  if (ranker) writeJson(tmp, BUNDLE_FILES.ranker, rankerJson(ranker));
}

/** Durable, then visible: every file and the directory synced before the rename makes the version appear. */
function publish(tmp: string, finalDir: string, bundlesDir: string): void {
  syncFiles(tmp);
  fsyncDir(tmp);
  fs.renameSync(tmp, finalDir);
  fsyncDir(bundlesDir);
}

export async function trainBundle(opts: TrainBundleOptions): Promise<TrainSummary> {
  const memory = startMemoryPeaks();
  try {
    return await trainMeasured(opts, memory);
  } finally {
    await memory.stop();
  }
}

async function trainMeasured(opts: TrainBundleOptions, memory: MemoryPeaks): Promise<TrainSummary> {
  const t0 = performance.now();
  const bar = phaseProgress(opts.quiet);
  const stats: Record<string, number> = {};
  const lap = (name: string, since: number): number => {
    const now = performance.now();
    stats[`${name}Seconds`] = Math.round((now - since) / 100) / 10;
    // Peaks so far at the end of each phase: the phase where one jumps is the one that sets it.
    stats[`${name}PeakRssMb`] = Math.round(process.resourceUsage().maxRSS / 1024);
    const anon = memory.peakAnonMb();
    if (anon !== null) stats[`${name}PeakAnonMb`] = anon;
    return now;
  };
  let t = t0;
  const world = await mergeEventLog(opts.world ?? openWorld(opts.worldDir), opts.eventsLog, stats);
  t = lap('load', t);
  const { version, tmp, finalDir } = stagingDir(opts.bundlesDir, opts.seed);
  try {
    // The embeddings, tables and index are built in a function of their own: its gigabytes of arrays are
    // garbage once it returns, and are collected before the ranker loads the written bundle (at 8.2M tracks
    // the item factors alone are 2.1 GB, which the ranker would otherwise hold twice: in memory and mapped).
    const built = await buildModelFiles(world, opts, tmp, stats, bar, lap, t);
    t = built.t;
    await collectNativeMemory();
    bar.stop();

    writeJson(tmp, BUNDLE_FILES.meta, bundleMeta(opts, built, stats));
    const writeManifest = manifestWriter(tmp, world, version, opts.factors);
    // A complete manifest already exists while the ranker trains (it may load this directory as a bundle).
    writeManifest();
    await attachRanker(world, tmp, stats);
    t = lap('ranker', t);
    writeManifest();
    publish(tmp, finalDir, opts.bundlesDir);
  } catch (e) {
    bar.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  void t;
  const seconds = (performance.now() - t0) / 1000;
  return { version, dir: finalDir, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), peakAnonMb: memory.peakAnonMb(), stats };
}

/**
 * The co-listening, popularity, artist and history tables, written into `tmp`. They need only the events, so
 * they are built before ALS and their arrays are collected before ALS allocates its own: the peak is then ALS
 * alone (at 8.2M tracks the co-listening build added 0.9 GB on top of ALS's arrays).
 */
function writeTables(
  world: World,
  ranges: ReturnType<typeof userRanges>,
  tmp: string,
  stats: Record<string, number>,
  bar: ReturnType<typeof phaseProgress>,
  lap: (name: string, since: number) => number,
  since: number,
): { readonly t: number; readonly roots: ArrayLike<number> } {
  const { catalog, users, events } = world;
  const U = users.count;
  const N = catalog.trackCount;
  let t = since;
  const co = buildCoListen(events, ranges, U, N, undefined, (d, total) => bar.onProgress('co-listening', d, total));
  writeTyped(tmp, BUNDLE_FILES.coListenIndptr, co.indptr);
  writeTyped(tmp, BUNDLE_FILES.coListenTracks, co.tracks);
  writeTyped(tmp, BUNDLE_FILES.coListenWeights, co.weights);
  stats.coListenPairs = co.tracks.length;
  t = lap('coListen', t);

  const pop = buildPopularity(events, ranges, users.market, catalog, world.manifest.nowMs);
  writeTyped(tmp, BUNDLE_FILES.popMarketIndptr, pop.marketIndptr);
  writeTyped(tmp, BUNDLE_FILES.popMarketTracks, pop.marketTracks);
  writeTyped(tmp, BUNDLE_FILES.popGenreIndptr, pop.genreIndptr);
  writeTyped(tmp, BUNDLE_FILES.popGenreTracks, pop.genreTracks);
  const newest = buildArtistNewest(catalog);
  writeTyped(tmp, BUNDLE_FILES.artistNewestIndptr, newest.indptr);
  writeTyped(tmp, BUNDLE_FILES.artistNewestTracks, newest.tracks);
  const recent = buildUserRecent(events, ranges, U);
  writeTyped(tmp, BUNDLE_FILES.userRecentIndptr, recent.indptr);
  writeTyped(tmp, BUNDLE_FILES.userRecentTracks, recent.tracks);
  writeTyped(tmp, BUNDLE_FILES.heldoutStart, ranges.trainEnd);
  writeTyped(tmp, BUNDLE_FILES.heldoutEnd, ranges.end);
  t = lap('tables', t);
  return { t, roots: pop.roots };
}

interface BuiltModel {
  readonly t: number;
  readonly bands: readonly BandInfo[];
  readonly indexSeconds: number;
  readonly rootGenres: ArrayLike<number>;
  readonly coldStart: BundleMeta['coldStart'];
  readonly warmStartFrom: string | null;
}

/**
 * Confidence matrix, ALS (warm-started when asked), cold-start vectors, co-listening, popularity and history
 * tables and the vector index, each written into `tmp` as it is done; returns only what the meta file needs.
 */
async function buildModelFiles(
  world: World,
  opts: TrainBundleOptions,
  tmp: string,
  stats: Record<string, number>,
  bar: ReturnType<typeof phaseProgress>,
  lap: (name: string, since: number) => number,
  since: number,
): Promise<BuiltModel> {
  const { catalog, users, events } = world;
  let t = since;
  const dim = opts.factors;
  const U = users.count;
  const N = catalog.trackCount;
  const ranges = userRanges(events, U, opts.holdOut ?? true);
  const conf = buildConfidence(events, ranges, U, N);
  stats.entries = conf.matrix.indptr[U] ?? 0;
  t = lap('confidence', t);
  const tables = writeTables(world, ranges, tmp, stats, bar, lap, t);
  t = tables.t;
  collectReleasedMemory();

  const emb = await trainEmbeddings(world, opts, conf, stats, bar, lap, t);
  t = emb.t;
  const { itemFactors, gram, cold, coldMask, carry } = emb;
  writeTyped(tmp, BUNDLE_FILES.itemFactors, itemFactors);
  writeQuantizedItems(tmp, itemFactors, dim);
  writeTyped(tmp, BUNDLE_FILES.userFactors, emb.userFactors);
  users.ids.save(tmp, BUNDLE_FILES.userIds, {});
  writeTyped(tmp, BUNDLE_FILES.gram, gram);
  writeTyped(tmp, BUNDLE_FILES.coldStartWeights, cold.model.weights);
  writeTyped(tmp, BUNDLE_FILES.artistFactors, cold.model.artistFactors);
  writeTyped(tmp, 'artist-has-factor.u8', cold.model.artistHasFactor);

  const idx = await buildTrackIndex(itemFactors, N, dim, tmp, opts.index, opts.threads, (d, total) => bar.onProgress('vector index', d, total), {
    cold: coldMask,
    carry: carry?.bands ?? null,
  });
  stats.indexVectorsBuilt = idx.indexed;
  stats.indexVectorsCarried = idx.carried;
  writeTyped(tmp, NORMS_FILE, idx.norms);
  writeTyped(tmp, ORDER_FILE, idx.order);
  writeTyped(tmp, GROUP_FILE, coldMask);
  t = lap('index', t);
  return {
    t,
    bands: idx.bands,
    indexSeconds: idx.seconds,
    rootGenres: tables.roots,
    coldStart: {
      inputDim: cold.model.inputDim,
      genreSlots: cold.model.genreSlots,
      featureMeans: Array.from(cold.model.featureMeans),
      featureStds: Array.from(cold.model.featureStds),
      artistCount: cold.model.artistCount,
      fitRows: cold.fitRows,
      filled: cold.filled,
    },
    warmStartFrom: emb.warmStartFrom,
  };
}

/** ALS (warm-started, or embeddings reused, when asked), then cold-start vectors for the tracks ALS has no evidence for. */
async function trainEmbeddings(
  world: World,
  opts: TrainBundleOptions,
  conf: ReturnType<typeof buildConfidence>,
  stats: Record<string, number>,
  bar: ReturnType<typeof phaseProgress>,
  lap: (name: string, since: number) => number,
  since: number,
) {
  const { catalog, users } = world;
  let t = since;
  const dim = opts.factors;
  const U = users.count;
  const N = catalog.trackCount;
  const warm = opts.warmStartFrom ? await readWarmStart(opts.warmStartFrom, users.ids, N, dim) : null;
  if (warm) stats.warmStartUsersMatched = warm.usersMatched;
  // Tracks with ALS evidence (any entry in the confidence matrix); the rest get cold-start vectors.
  const trained = columnsWithEntries(conf.matrix);
  const featureWeight = opts.featureListeners ?? 0;
  const sideRows = featureWeight > 0 ? catalog.featureDim : 0;
  if (sideRows > 0) stats.featureListeners = sideRows;
  const activity = opts.activityExponent ?? 0;
  if (activity !== 0) stats.activityExponent = activity;
  const alsInput = (): ConfidenceMatrix => {
    const weighted = withActivityWeighting(conf.matrix, activity);
    return sideRows > 0 ? withFeatureListeners(weighted, trained, catalog.columns.features, sideRows, featureWeight) : weighted;
  };
  const als = opts.reuseEmbeddingsFrom
    ? readEmbeddings(opts.reuseEmbeddingsFrom, N, U, dim)
    : await trainAls(
        alsInput(),
        { factors: dim, iterations: opts.iterations, lambda: opts.lambda, cgSteps: opts.cgSteps, seed: opts.seed, threads: opts.threads },
        (p) => bar.onProgress(`ALS ${p.iteration + 1}/${p.iterations} ${p.side}`, p.rowsDone, p.rowsTotal),
        warm ?? {},
      );
  t = lap('als', t);
  const itemFactors = als.itemFactors;
  // gram = YtY + lambda I over the ALS item vectors only: what fold-in must use.
  const gram = gramOf(itemFactors, N, dim, opts.lambda, trained);

  // A warm retrain keeps the previous vector of every still-cold track (below): only the others are filled.
  const keepCold = warm && opts.warmStartFrom ? stillColdTracks(opts.warmStartFrom, trained) : null;
  const cold = fitColdStart(catalog, itemFactors, dim, conf.positiveUsers, trained, undefined, keepCold);
  stats.coldStartFitRows = cold.fitRows;
  stats.coldStartFilled = cold.filled;
  // Cold-start tracks get bands of their own; a warm retrain keeps the vectors of tracks still cold, so the
  // previous bundle's cold bands carry over unchanged.
  const coldMask = new Uint8Array(N);
  for (let i = 0; i < N; i++) coldMask[i] = trained[i] === 1 ? 0 : 1;
  const carry = warm && opts.warmStartFrom && keepCold && warm.itemFactors ? carryColdBands(opts.warmStartFrom, keepCold, warm.itemFactors, itemFactors, dim) : null;
  if (carry) stats.coldVectorsKept = carry.keep;
  t = lap('coldStart', t);
  // Only the version of a warm start's previous bundle goes on: its arrays are garbage from here.
  // (the pseudo-listeners' rows, after the listeners', are dropped)
  const userFactors = als.userFactors.length > U * dim ? als.userFactors.slice(0, U * dim) : als.userFactors;
  return { t, itemFactors, userFactors, gram, cold, coldMask, carry, warmStartFrom: warm ? warm.fromVersion : null };
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}

/** The int8 item vectors the service maps (src/model/ItemVectors.ts), beside the float32 ones training reads back. */
function writeQuantizedItems(tmp: string, itemFactors: Float32Array, dim: number): void {
  const q = quantizeRows(itemFactors, dim);
  writeTyped(tmp, BUNDLE_FILES.itemCodes, q.codes);
  writeTyped(tmp, BUNDLE_FILES.itemScales, q.scales);
}

function readEmbeddings(dir: string, N: number, U: number, dim: number): { itemFactors: Float32Array; userFactors: Float32Array } {
  const read = (name: string, len: number): Float32Array => {
    const file = path.join(dir, name);
    const size = fs.statSync(file).size;
    if (size !== len * 4) throw Errors.badRequest(`--reuse-embeddings: ${name} has ${size} bytes, expected ${len * 4} (same world and --factors?)`);
    const out = new Float32Array(len);
    const bytes = new Uint8Array(out.buffer);
    const fd = fs.openSync(file, 'r');
    try {
      for (let off = 0; off < bytes.length; ) {
        const n = fs.readSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off), off);
        if (n === 0) throw Errors.badRequest(`--reuse-embeddings: ${name} ended early`);
        off += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  };
  return { itemFactors: read(BUNDLE_FILES.itemFactors, N * dim), userFactors: read(BUNDLE_FILES.userFactors, U * dim) };
}

/**
 * (Y^T Y + lambda I) as a dim x dim float32 matrix over the rows with `include[i] === 1` (all when null). Rows are
 * taken four at a time, so each accumulator load and store carries four products: 5.5 s instead of 11.2 s over the
 * 3.3M trained rows at full scale (the accumulator's loads and stores, not the multiplies, were the cost).
 */
export function gramOf(Y: Float32Array, n: number, dim: number, lambda: number, include: Uint8Array | null = null): Float32Array {
  const acc = new Float64Array(dim * dim);
  const rows = new Int32Array(4);
  let pending = 0;
  for (let i = 0; i < n; i++) {
    if (include && include[i] !== 1) continue;
    rows[pending++] = i;
    if (pending === 4) {
      addFourRows(acc, Y, dim, rows);
      pending = 0;
    }
  }
  for (let q = 0; q < pending; q++) addRow(acc, Y, dim, rows[q]! * dim);
  const g = new Float32Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = acc[a * dim + b]! + (a === b ? lambda : 0);
      g[a * dim + b] = v;
      g[b * dim + a] = v;
    }
  }
  return g;
}

/** acc (upper triangle) += y y^T for the row of Y at offset o. */
function addRow(acc: Float64Array, Y: Float32Array, dim: number, o: number): void {
  for (let a = 0; a < dim; a++) {
    const x = Y[o + a]!;
    const r = a * dim;
    for (let b = a; b < dim; b++) acc[r + b]! += x * Y[o + b]!;
  }
}

/** acc (upper triangle) += the outer products of the four rows of Y listed in `rows`. */
function addFourRows(acc: Float64Array, Y: Float32Array, dim: number, rows: Int32Array): void {
  const o0 = rows[0]! * dim;
  const o1 = rows[1]! * dim;
  const o2 = rows[2]! * dim;
  const o3 = rows[3]! * dim;
  for (let a = 0; a < dim; a++) {
    const x0 = Y[o0 + a]!;
    const x1 = Y[o1 + a]!;
    const x2 = Y[o2 + a]!;
    const x3 = Y[o3 + a]!;
    const r = a * dim;
    for (let b = a; b < dim; b++) acc[r + b]! += x0 * Y[o0 + b]! + x1 * Y[o1 + b]! + x2 * Y[o2 + b]! + x3 * Y[o3 + b]!;
  }
}
