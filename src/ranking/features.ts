// Feature hydration for the learned ranker: one flat Float32Array, rows x F, row-major, computed from the
// request context and the candidate table. The column layout is named (featureNames) and stored with the
// model, so a model trained with one set of sources still reads the right columns after sources change.
//
// Per-request work (history sets, artist/genre counts) is O(history); per-candidate work is indexed loops
// over typed arrays, plus one co-listen neighbour scan per candidate.
import type { CandidateSet, RequestContext } from '../pipeline/contracts.js';
import { sessionIsActive } from '../storage/applyEvent.js';
import { IntTable } from './IntTable.js';
import { touchFloatRows } from '../model/ItemVectors.js';

/** Features that do not depend on which candidate sources a surface runs. */
export const BASE_FEATURE_NAMES = [
  'embeddingScore', // listener vector . item vector
  'coListenScore', // sum of co-listen weights between the track and the listener's history
  'bestSourceLogRank', // log1p of the best 0-based rank any source gave it
  'sourceCount', // how many sources returned it
  'artistAffinity', // share of the listener's history by this artist
  'genreAffinity', // share of the listener's history in this leaf genre
  'logHoursSinceArtistPlayed', // from the online state; "never" = one year
  'logPopularity',
  'logTrackAgeDays',
  'hourSin',
  'hourCos',
  'logSessionSkipStreak',
  'skipStreakXLogPopularity', // a skipping listener may want safer picks
  'artistSkippedThisSession',
  'artistFollowedOrLiked',
  'rankFusion', // sum over sources of 1 / (10 + rank): the retrieval order's own fusion term
  'rootGenreAffinity', // share of the listener's history in this track's top-level genre
  'contentDistance', // squared distance of the track's content features to the history's mean (per-feature std units)
  'popularityGap', // |log popularity - mean log popularity of the history|: niche listeners stay niche
  'historyLogPopXLogPopularity', // crossed: mainstream listeners favour popular tracks, niche ones do not
  // Issue 11 point 5: each candidate generator's score made comparable across requests and bundles. A ranker
  // trained against one bundle serves with the next (more data, more iterations: larger dot products, larger
  // co-listen sums), so the raw scores drift; their z-score among the request's candidates does not.
  'embeddingZ', // (embeddingScore - request mean) / request std
  'coListenZ', // (coListenScore - request mean) / request std: the item-to-item generator's score
  'logPopularityInGenre', // logPopularity - the catalog's mean logPopularity in the track's leaf genre
  'genreSkippedThisSession', // share of this session's skipped tracks in the track's leaf genre
  'logHistoryXLogPopularity', // crossed: log1p(history size) x logPopularity (heavy listeners dig deeper)
] as const;

/** Reciprocal-rank fusion constant, as in the retrieval order (EmbeddingBlendScorer). */
const RRF_K = 10;

/** Rank a source gave a track it did not return (log1p of it is the feature). */
export const ABSENT_RANK = 1000;
const ABSENT_LOG_RANK = Math.log1p(ABSENT_RANK);
const NEVER_HOURS_LOG = Math.log1p(24 * 365);
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Per-source feature names for the sources of a candidate table. */
export function sourceFeatureNames(sourceNames: readonly string[]): string[] {
  return sourceNames.map((s) => `logRank:${s}`);
}

/** The full layout used when training on candidates from these sources. */
export function featureNamesFor(sourceNames: readonly string[]): string[] {
  return [...BASE_FEATURE_NAMES, ...sourceFeatureNames(sourceNames)];
}

/**
 * Per-request summary of the listener's past, built once before the per-candidate loop. Its tables are
 * module-level scratch, refilled by every summarise() (the pipeline and the ranker's training are
 * single-threaded per process): a summary is only valid until the next one.
 */
interface ListenerSummary {
  /** Tracks of the history (value unused). */
  readonly historySet: IntTable;
  readonly historySize: number;
  /** Artist / leaf genre / root genre -> plays in the history. */
  readonly artistCounts: IntTable;
  readonly genreCounts: IntTable;
  readonly rootGenreCounts: IntTable;
  /** Mean content features of the history (featureDim), and the catalog-wide scale used for distances. */
  readonly contentMean: Float64Array;
  readonly meanLogPopularity: number;
  /** Artist -> latest recent play (ms). */
  readonly artistLastPlayedMs: IntTable;
  readonly skippedArtists: IntTable;
  /** Leaf genre -> session skips in it, and their total (the listener's skip history this session). */
  readonly skippedGenres: IntTable;
  readonly skippedCount: number;
  readonly favouredArtists: IntTable;
}

const scratch = {
  historySet: new IntTable(),
  artistCounts: new IntTable(),
  genreCounts: new IntTable(),
  rootGenreCounts: new IntTable(),
  artistLastPlayedMs: new IntTable(),
  skippedArtists: new IntTable(),
  skippedGenres: new IntTable(),
  favouredArtists: new IntTable(),
};

function summarise(ctx: RequestContext, roots: Int32Array): ListenerSummary {
  const { artist, genre, features, popularity } = ctx.catalog.columns;
  const fd = ctx.catalog.featureDim;
  const hasFeatures = fd > 0 && features.length >= ctx.catalog.trackCount * fd;
  const n = ctx.catalog.trackCount;
  const st = ctx.state;
  const expected = ctx.history.length + (st ? st.recentTracks.length + st.likedTracks.length : 0);
  const { historySet, artistCounts, genreCounts, rootGenreCounts, artistLastPlayedMs, skippedArtists, skippedGenres, favouredArtists } = scratch;
  for (const t of [historySet, artistCounts, genreCounts, rootGenreCounts, artistLastPlayedMs]) t.reset(expected);
  for (const t of [skippedArtists, skippedGenres, favouredArtists]) t.reset();
  const contentMean = new Float64Array(fd);
  let sumLogPop = 0;
  const add = (t: number): void => {
    if (t < 0 || t >= n || !historySet.put(t)) return;
    artistCounts.add(artist[t]!, 1);
    const g = genre[t]!;
    genreCounts.add(g, 1);
    rootGenreCounts.add(g < roots.length ? roots[g]! : g, 1);
    if (hasFeatures) for (let d = 0; d < fd; d++) contentMean[d]! += features[t * fd + d]!;
    sumLogPop += Math.log(popularity[t]! + 1e-4);
  };
  const h = ctx.history;
  for (let i = 0; i < h.length; i++) add(h[i]!);
  let skippedCount = 0;
  if (st) {
    for (let i = 0; i < st.recentTracks.length; i++) {
      const t = st.recentTracks[i]!;
      add(t);
      if (t >= 0 && t < n) artistLastPlayedMs.max(artist[t]!, st.recentTimestamps[i] ?? 0);
    }
    for (const t of st.likedTracks) {
      add(t);
      if (t >= 0 && t < n) favouredArtists.put(artist[t]!);
    }
    for (const a of st.followedArtists) if (a >= 0) favouredArtists.put(a);
    // Session fields only count while the session is open (same rule as SessionSkippedFilter).
    if (sessionIsActive(st, ctx.nowMs)) {
      for (const t of st.sessionSkipped) {
        if (t < 0 || t >= n) continue;
        skippedArtists.put(artist[t]!);
        skippedGenres.add(genre[t]!, 1);
        skippedCount++;
      }
    }
  }
  const size = historySet.size;
  if (size > 0) for (let d = 0; d < fd; d++) contentMean[d] = contentMean[d]! / size;
  return {
    historySet,
    historySize: size,
    artistCounts,
    genreCounts,
    rootGenreCounts,
    contentMean,
    meanLogPopularity: size > 0 ? sumLogPop / size : Math.log(1e-4),
    artistLastPlayedMs,
    skippedArtists,
    skippedGenres,
    skippedCount,
    favouredArtists,
  };
}

/** Per catalog: root genre of every genre id, and each content feature's spread (computed once, cached). */
interface CatalogStats {
  readonly roots: Int32Array;
  readonly featureScale: Float64Array;
  /** Per leaf genre id, the mean log popularity of its tracks (strided sample; the catalog mean when empty). */
  readonly genreMeanLogPop: Float64Array;
}
const catalogStats = new WeakMap<object, CatalogStats>();

function statsOf(ctx: RequestContext): CatalogStats {
  const cat = ctx.catalog;
  const cached = catalogStats.get(cat);
  if (cached) return cached;
  let maxId = 0;
  for (const g of cat.genres) if (g.id > maxId) maxId = g.id;
  const roots = new Int32Array(maxId + 1);
  const parentOf = new Map(cat.genres.map((g) => [g.id, g.parent]));
  for (let id = 0; id <= maxId; id++) {
    let r = id;
    for (let guard = 0; guard < 16; guard++) {
      const p = parentOf.get(r);
      if (p === undefined || p < 0) break;
      r = p;
    }
    roots[id] = r;
  }
  // Feature spread from a strided sample of tracks (exact enough, and bounded work at 8.2M tracks).
  const fd = cat.featureDim;
  const featureScale = new Float64Array(fd).fill(1);
  if (fd > 0 && cat.columns.features.length >= cat.trackCount * fd) {
    const step = Math.max(1, Math.floor(cat.trackCount / 20_000));
    const sum = new Float64Array(fd);
    const sq = new Float64Array(fd);
    let k = 0;
    for (let t = 0; t < cat.trackCount; t += step, k++) {
      for (let d = 0; d < fd; d++) {
        const v = cat.columns.features[t * fd + d]!;
        sum[d]! += v;
        sq[d]! += v * v;
      }
    }
    for (let d = 0; d < fd; d++) {
      const mean = sum[d]! / k;
      const sd = Math.sqrt(Math.max(0, sq[d]! / k - mean * mean));
      featureScale[d] = sd > 1e-9 ? 1 / sd : 0;
    }
  }
  const s = { roots, featureScale, genreMeanLogPop: genreMeanLogPopularity(cat, maxId) };
  catalogStats.set(cat, s);
  return s;
}

/** Mean log popularity per leaf genre over a strided sample of at most ~200k tracks (bounded at 8.2M tracks). */
function genreMeanLogPopularity(cat: RequestContext['catalog'], maxGenre: number): Float64Array {
  const { genre, popularity } = cat.columns;
  let top = maxGenre;
  const step = Math.max(1, Math.floor(cat.trackCount / 200_000));
  for (let t = 0; t < cat.trackCount; t += step) if (genre[t]! > top) top = genre[t]!;
  const sum = new Float64Array(top + 1);
  const count = new Float64Array(top + 1);
  let all = 0;
  let n = 0;
  for (let t = 0; t < cat.trackCount; t += step) {
    const l = Math.log(popularity[t]! + 1e-4);
    sum[genre[t]!]! += l;
    count[genre[t]!]!++;
    all += l;
    n++;
  }
  const mean = n > 0 ? all / n : Math.log(1e-4);
  return Float64Array.from(sum, (v, g) => (count[g]! > 0 ? v / count[g]! : mean));
}

/**
 * Resolves which column of `featureNames` each hydrated feature goes to: for every name, the index of a
 * base feature (0..B-1) or B + the candidate table's source column, or -1 when unknown (filled with the
 * "absent" value). Cheap; done once per request.
 */
function layout(featureNames: readonly string[], sourceNames: readonly string[]): Int32Array {
  const base = BASE_FEATURE_NAMES as readonly string[];
  const map = new Int32Array(featureNames.length);
  for (let j = 0; j < featureNames.length; j++) {
    const name = featureNames[j]!;
    const b = base.indexOf(name);
    if (b >= 0) map[j] = b;
    else if (name.startsWith('logRank:')) {
      const c = sourceNames.indexOf(name.slice('logRank:'.length));
      map[j] = c >= 0 ? base.length + c : -1;
    } else map[j] = -1;
  }
  return map;
}

/** listener vector . item vector per candidate into `out` (0 without a vector or for unknown tracks). */
export function embeddingScores(ctx: RequestContext, set: CandidateSet, out: Float32Array | Float64Array): void {
  const v = ctx.userVector;
  if (v === null) out.fill(0, 0, set.count);
  else ctx.bundle.itemVectors.dots(set.tracks, set.count, v, out);
}

/**
 * Per-request scratch (grown on demand; the pipeline is single-threaded): the generator scores and each
 * candidate's catalog columns, gathered in tight loops before the per-candidate feature loop. At 8.2M tracks
 * every column read of a candidate is a cache (and TLB) miss; a loop that only gathers keeps many misses in
 * flight at once, where the long feature loop waited for them one candidate at a time (measured: the column
 * reads were half of FeatureHydration).
 */
let dots = new Float64Array(0);
let coListens = new Float64Array(0);
let artists = new Int32Array(0);
let genres = new Int32Array(0);
let pops = new Float64Array(0);
let releaseDays = new Float64Array(0);
let listStart = new Int32Array(0);
let listEnd = new Int32Array(0);
/** Sink of the touch passes (a load whose value is used cannot be dropped by the compiler). */
let _touchSink = 0;

function growScratch(n: number): void {
  if (dots.length >= n) return;
  const size = Math.max(n, dots.length * 2);
  dots = new Float64Array(size);
  coListens = new Float64Array(size);
  artists = new Int32Array(size);
  genres = new Int32Array(size);
  pops = new Float64Array(size);
  releaseDays = new Float64Array(size);
  listStart = new Int32Array(size);
  listEnd = new Int32Array(size);
}

/**
 * artist, genre, popularity and release day of every candidate (-1 / 0 for unknown tracks): one loop per column,
 * not one generic helper, so each loop reads one array type (monomorphic element access).
 */
function gatherColumns(ctx: RequestContext, set: CandidateSet): void {
  const { artist, genre, popularity, releaseDay } = ctx.catalog.columns;
  const n = ctx.catalog.trackCount;
  const tracks = set.tracks;
  for (let i = 0; i < set.count; i++) {
    const t = tracks[i]!;
    artists[i] = t >= 0 && t < n ? artist[t]! : -1;
  }
  for (let i = 0; i < set.count; i++) {
    const t = tracks[i]!;
    genres[i] = t >= 0 && t < n ? genre[t]! : -1;
  }
  for (let i = 0; i < set.count; i++) {
    const t = tracks[i]!;
    pops[i] = t >= 0 && t < n ? popularity[t]! : 0;
  }
  for (let i = 0; i < set.count; i++) {
    const t = tracks[i]!;
    releaseDays[i] = t >= 0 && t < n ? releaseDay[t]! : 0;
  }
}

/** Mean and 1 / std of a[0..n) (1 / std = 0 for a constant column, so its z-score is 0). */
function moments(a: Float64Array, n: number): { mean: number; invStd: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sum += a[i]!;
    sq += a[i]! * a[i]!;
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? Math.max(0, sq / n - mean * mean) : 0;
  return { mean, invStd: variance > 1e-12 ? 1 / Math.sqrt(variance) : 0 };
}

/** First pass: the embedding and co-listen generators' scores of every candidate (their request moments follow). */
function generatorScores(ctx: RequestContext, set: CandidateSet, summary: ListenerSummary): void {
  growScratch(set.count);
  if (ctx.userVector !== null) ctx.bundle.itemVectors.touch(set.tracks, set.count);
  embeddingScores(ctx, set, dots);
  coListenScores(ctx, set, summary);
}

/**
 * Per candidate, the sum of its co-listening weights with the listener's history. The list bounds are gathered
 * first and each list's first line touched (the lists lie at random places of a 140 MB table at 8.2M tracks),
 * then the lists are scanned: the same gather-then-compute order as gatherColumns.
 */
function coListenScores(ctx: RequestContext, set: CandidateSet, summary: ListenerSummary): void {
  coListens.fill(0, 0, set.count);
  if (summary.historySize === 0) return;
  const { indptr, tracks, weights } = ctx.bundle.coListen;
  const n = Math.min(ctx.bundle.trackCount, indptr.length - 1);
  for (let i = 0; i < set.count; i++) {
    const t = set.tracks[i]!;
    listStart[i] = t >= 0 && t < n ? indptr[t]! : 0;
    listEnd[i] = t >= 0 && t < n ? indptr[t + 1]! : 0;
  }
  let sink = 0;
  for (let i = 0; i < set.count; i++) if (listEnd[i]! > listStart[i]!) sink += tracks[listStart[i]!]! + weights[listStart[i]!]!;
  _touchSink = sink;
  const history = summary.historySet;
  for (let i = 0; i < set.count; i++) {
    let sum = 0;
    for (let q = listStart[i]!; q < listEnd[i]!; q++) if (history.has(tracks[q]!)) sum += weights[q]!;
    coListens[i] = sum;
  }
}

/** What every candidate row of one request shares: the listener's summary, the clock, the generators' request moments. */
interface RequestTerms {
  readonly summary: ListenerSummary;
  readonly stats: CatalogStats;
  readonly hist: number;
  readonly logHist: number;
  readonly nowDay: number;
  readonly hourSin: number;
  readonly hourCos: number;
  readonly skipStreak: number;
  readonly hasFeatures: boolean;
  readonly emb: { mean: number; invStd: number };
  readonly co: { mean: number; invStd: number };
}

function requestTerms(ctx: RequestContext, set: CandidateSet, stats: CatalogStats, summary: ListenerSummary): RequestTerms {
  const fd = ctx.catalog.featureDim;
  const hasFeatures = fd > 0 && ctx.catalog.columns.features.length >= ctx.catalog.trackCount * fd;
  if (hasFeatures && summary.historySize > 0) touchFloatRows(ctx.catalog.columns.features, fd, set.tracks, set.count, ctx.catalog.trackCount);
  const hour = new Date(ctx.nowMs).getUTCHours() + new Date(ctx.nowMs).getUTCMinutes() / 60;
  return {
    summary,
    stats,
    hist: summary.historySize,
    logHist: Math.log1p(summary.historySize),
    nowDay: ctx.nowMs / MS_PER_DAY,
    hourSin: Math.sin((2 * Math.PI * hour) / 24),
    hourCos: Math.cos((2 * Math.PI * hour) / 24),
    skipStreak: Math.log1p(ctx.state && sessionIsActive(ctx.state, ctx.nowMs) ? ctx.state.sessionSkipStreak : 0),
    hasFeatures,
    emb: moments(dots, set.count),
    co: moments(coListens, set.count),
  };
}

/** Candidate i's per-source log ranks into row[B..B+S), and the ranks' summary terms (best, count, fusion). */
function sourceRankTerms(set: CandidateSet, i: number, row: Float64Array, B: number): { best: number; count: number; fusion: number } {
  const S = set.sourceNames.length;
  let best = ABSENT_RANK;
  let count = 0;
  let fusion = 0;
  for (let c = 0; c < S; c++) {
    const r = set.sourceRanks[i * S + c]!;
    if (r >= 0) {
      count++;
      fusion += 1 / (RRF_K + r);
      if (r < best) best = r;
      row[B + c] = Math.log1p(r);
    } else row[B + c] = ABSENT_LOG_RANK;
  }
  return { best, count, fusion };
}

/** Candidate i's base features into row[0..B), in BASE_FEATURE_NAMES order. */
function baseFeatures(ctx: RequestContext, set: CandidateSet, i: number, q: RequestTerms, row: Float64Array): void {
  const { summary, stats, hist } = q;
  const t = set.tracks[i]!;
  const known = t >= 0 && t < ctx.catalog.trackCount;
  const { best, count, fusion } = sourceRankTerms(set, i, row, BASE_FEATURE_NAMES.length);
  const a = artists[i]!;
  const g = genres[i]!;
  const logPop = Math.log(pops[i]! + 1e-4);
  const last = summary.artistLastPlayedMs.get(a, NaN); // NaN: no recent play of this artist
  const fd = ctx.catalog.featureDim;
  row[0] = dots[i]!;
  row[1] = coListens[i]!;
  row[2] = Math.log1p(best);
  row[3] = count;
  row[4] = hist > 0 ? summary.artistCounts.get(a) / hist : 0;
  row[5] = hist > 0 ? summary.genreCounts.get(g) / hist : 0;
  row[6] = Number.isNaN(last) ? NEVER_HOURS_LOG : Math.log1p(Math.max(0, ctx.nowMs - last) / MS_PER_HOUR);
  row[7] = logPop;
  row[8] = known ? Math.log1p(Math.max(0, q.nowDay - releaseDays[i]!)) : 0;
  row[9] = q.hourSin;
  row[10] = q.hourCos;
  row[11] = q.skipStreak;
  row[12] = q.skipStreak * logPop;
  row[13] = summary.skippedArtists.has(a) ? 1 : 0;
  row[14] = summary.favouredArtists.has(a) ? 1 : 0;
  row[15] = fusion;
  const root = g >= 0 && g < stats.roots.length ? stats.roots[g]! : g;
  row[16] = hist > 0 ? summary.rootGenreCounts.get(root) / hist : 0;
  row[17] = hist > 0 && known && q.hasFeatures ? contentDistance(ctx.catalog.columns.features, t * fd, fd, summary.contentMean, stats.featureScale) : 0;
  row[18] = hist > 0 ? Math.abs(logPop - summary.meanLogPopularity) : 0;
  row[19] = hist > 0 ? summary.meanLogPopularity * logPop : 0;
  row[20] = (dots[i]! - q.emb.mean) * q.emb.invStd;
  row[21] = (coListens[i]! - q.co.mean) * q.co.invStd;
  row[22] = g >= 0 && g < stats.genreMeanLogPop.length ? logPop - stats.genreMeanLogPop[g]! : 0;
  row[23] = summary.skippedCount > 0 ? summary.skippedGenres.get(g) / summary.skippedCount : 0;
  row[24] = q.logHist * logPop;
}

/**
 * Writes set.count rows of featureNames.length features into `out` (row-major). `out` must hold
 * set.count * featureNames.length floats (the caller keeps and grows it).
 */
export function hydrateFeatures(ctx: RequestContext, set: CandidateSet, featureNames: readonly string[], out: Float32Array): void {
  const F = featureNames.length;
  const cols = layout(featureNames, set.sourceNames);
  const stats = statsOf(ctx);
  const summary = summarise(ctx, stats.roots);
  generatorScores(ctx, set, summary);
  gatherColumns(ctx, set);
  const terms = requestTerms(ctx, set, stats, summary);
  // One row of base features + per-source ranks, reused for every candidate.
  const row = new Float64Array(BASE_FEATURE_NAMES.length + set.sourceNames.length);
  for (let i = 0; i < set.count; i++) {
    baseFeatures(ctx, set, i, terms, row);
    const o = i * F;
    for (let j = 0; j < F; j++) {
      const src = cols[j]!;
      out[o + j] = src >= 0 ? row[src]! : ABSENT_LOG_RANK;
    }
  }
}

/** Squared distance, in per-feature std units, of one track's content features to the history's mean. */
function contentDistance(features: Float32Array, o: number, fd: number, mean: Float64Array, scale: Float64Array): number {
  let dist = 0;
  for (let d = 0; d < fd; d++) {
    const z = (features[o + d]! - mean[d]!) * scale[d]!;
    dist += z * z;
  }
  return dist;
}

/**
 * Subtracts, per feature, its mean over the request's candidate rows: the ranker then compares a track with
 * the other candidates of the same request, not with other listeners' candidates (a heavy listener's
 * candidates are not "better" because that listener plays more). Features constant within a request
 * (hour, skip streak) become 0 and drop out of the ranking, which only orders tracks within a request.
 */
export function centerPerRequest(x: Float32Array, rows: number, f: number): void {
  if (rows === 0) return;
  for (let j = 0; j < f; j++) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += x[i * f + j]!;
    const mean = sum / rows;
    for (let i = 0; i < rows; i++) x[i * f + j]! -= mean;
  }
}
