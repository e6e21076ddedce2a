// recommend(): the feed pipeline as one in-process function. Serves HTTP (src/server/plugins/feed.ts)
// and the offline batch mode (`encore offline`) alike.
//
// context -> candidate sources (parallel, raced against the budget) -> merge + dedupe -> filters ->
// feature hydration -> ranker -> re-ranker -> response (items with reasons, per-stage trace, degraded).
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/Catalog.js';
import { EncoreError, Errors } from '../domain/errors.js';
import { idProblem, type AlbumIndex, type ArtistIndex, type TrackIndex } from '../domain/ids.js';
import { ExcludedTrackFilter, FILTERS } from '../filters/index.js';
import type { ModelBundle } from '../model/ModelBundle.js';
import { hashString, mulberry32 } from '../rerank/rng.js';
import { selectFeed } from '../rerank/selectFeed.js';
import type { ListenerStateStore } from '../storage/interfaces.js';
import { SURFACES } from '../surfaces/index.js';
import type { SurfaceConfig } from '../surfaces/SurfaceConfig.js';
import type { BundleHolderLike } from '../server/deps.js';
import { buildContext } from './buildContext.js';
import { selectRows, type CandidateRows } from './CandidateRows.js';
import type { PipelineComponents } from './components.js';
import type { CandidateBatch, CandidateFilter, CandidateSource, RequestContext, Scorer } from './contracts.js';
import { defaultComponents } from './defaultComponents.js';
import { EmbeddingBlendScorer } from './EmbeddingBlendScorer.js';
import { LastResortPopular } from './LastResortPopular.js';
import { mergeBatches } from './mergeBatches.js';
import type { LoadSignal } from './LoadSignal.js';
import type { FeedObserver } from './observer.js';
import { reasonFor } from './reasons.js';
import { runSources } from './runSources.js';
import { Trace } from './Trace.js';
import type { Degradation, FeedItem, FeedResult, RecommendRequest, StageTrace } from './types.js';
import type { UserProfiles } from './UserProfiles.js';

export type { FeedResult, RecommendRequest, FeedItem, StageTrace, Degradation } from './types.js';

/** What recommend() needs; AppDeps satisfies it. Offline mode passes listenerState: null. */
export interface RecommendDeps {
  readonly catalog: Catalog;
  readonly bundles: BundleHolderLike;
  readonly profiles: UserProfiles;
  readonly listenerState: ListenerStateStore | null;
  /** Defaults to defaultComponents() (src/pipeline/defaultComponents.ts). */
  readonly components?: PipelineComponents;
  /** Receives per-stage timings and degradations (the metrics plugin); optional. */
  readonly observer?: FeedObserver;
  /** Process saturation: while overloaded, sources with shedAfterMs are skipped (HTTP service only). */
  readonly load?: LoadSignal;
}

export const MAX_LIMIT = 500;
/** Share of the surface budget kept for the stages after retrieval (filters, ranker, re-ranker). */
const POST_RETRIEVAL_RESERVE = 0.3;
/** Fallback sources also run when the regular ones bring fewer than this many candidates per slot... */
export const MIN_CANDIDATES_PER_SLOT = 3;
/** ...or when the filters leave fewer than this many per slot. */
const MIN_ROWS_AFTER_FILTERS = 2;
/** Below this many ms left, the learned ranker is skipped and the cheap fallback scorer is used. */
const MIN_RANKER_MS = 2;

const fallbackScorer = new EmbeddingBlendScorer();

/** Hydration split out of a scorer (the ranking layer's RankerScorer may provide it). */
interface HydratingScorer extends Scorer {
  hydrate(ctx: RequestContext, set: CandidateRows): void;
}
const hydrates = (s: Scorer): s is HydratingScorer => typeof (s as Partial<HydratingScorer>).hydrate === 'function';

interface Validated {
  readonly surface: SurfaceConfig;
  readonly seedTrack: number | null;
}

function validate(catalog: Catalog, req: RecommendRequest): Validated {
  const surface = SURFACES.get(req.surface);
  if (surface === undefined) throw Errors.unknownSurface(req.surface);
  if (!Number.isInteger(req.limit) || req.limit < 1 || req.limit > MAX_LIMIT) {
    throw Errors.badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${req.limit}`);
  }
  const userProblem = idProblem(req.userId);
  if (userProblem !== null) throw Errors.badRequest(`userId ${userProblem}`);
  let seedTrack: number | null = null;
  if (req.seedTrackId !== undefined) {
    const seedProblem = idProblem(req.seedTrackId);
    if (seedProblem !== null) throw Errors.badRequest(`seedTrackId ${seedProblem}`);
    seedTrack = catalog.trackIds.indexOf(req.seedTrackId);
    if (seedTrack < 0 || seedTrack >= catalog.trackCount) throw Errors.unknownTrack(req.seedTrackId);
  }
  if (surface.requiresSeed && seedTrack === null) throw Errors.badRequest(`surface "${surface.name}" needs seedTrackId`);
  return { surface, seedTrack: surface.requiresSeed ? seedTrack : null };
}

export async function recommend(deps: RecommendDeps, req: RecommendRequest): Promise<FeedResult> {
  const catalog = deps.catalog;
  const { surface, seedTrack } = validate(catalog, req);
  const trace = new Trace(req.receivedAt);
  const requestId = req.requestId ?? randomUUID();
  let bundle: ModelBundle;
  let release: (() => void) | null = null;
  try {
    if (deps.bundles.acquire !== undefined) {
      const lease = deps.bundles.acquire();
      bundle = lease.bundle;
      release = () => lease.release();
    } else {
      bundle = deps.bundles.current();
    }
  } catch (err) {
    throw Errors.notReady(err instanceof Error ? err.message : 'no model bundle');
  }
  try {
    return await runPipeline(deps, req, surface, seedTrack, requestId, trace, bundle);
  } catch (err) {
    if (err instanceof EncoreError) throw err;
    // Safety net: a bug or a broken component must not cost the listener the feed. Serve the last-resort
    // list (popular in the market, filtered, no re-ranking) and say what failed.
    const message = err instanceof Error ? err.message : String(err);
    const safe = await runPipeline(
      { ...deps, components: safeComponents },
      { ...req, diversity: false },
      surface,
      seedTrack,
      requestId,
      new Trace(req.receivedAt),
      bundle,
    );
    return { ...safe, degraded: [{ component: 'Pipeline', reason: `failed (${message}); served the last-resort feed` }, ...safe.degraded] };
  } finally {
    release?.();
  }
}

/** One request's run through the pipeline: what every stage below reads. */
interface PipelineRun {
  readonly deps: RecommendDeps;
  readonly req: RecommendRequest;
  readonly surface: SurfaceConfig;
  readonly seedTrack: number | null;
  readonly requestId: string;
  readonly trace: Trace;
  readonly bundle: ModelBundle;
  readonly comps: PipelineComponents;
  /** ms left of the surface's budget. */
  timeLeft(): number;
}

async function runPipeline(
  deps: RecommendDeps,
  req: RecommendRequest,
  surface: SurfaceConfig,
  seedTrack: number | null,
  requestId: string,
  trace: Trace,
  bundle: ModelBundle,
): Promise<FeedResult> {
  const run: PipelineRun = {
    deps,
    req,
    surface,
    seedTrack,
    requestId,
    trace,
    bundle,
    comps: deps.components ?? defaultComponents(),
    timeLeft: () => surface.budgetMs - trace.elapsed(),
  };
  const ctx = await contextStage(run);
  const { rows, sourceNames } = await candidateStage(run, ctx);
  // Feature hydration + ranker (fallback scorer when the ranker is missing, fails or there is no time).
  const ranker = run.comps.scorers.get(surface.ranker) ?? run.comps.scorers.get(surface.fallbackRanker) ?? fallbackScorer;
  rankRows(ctx, rows, ranker, surface, run.timeLeft, trace);
  const { order, orderedTracks, picked } = rerankStage(run, ctx, rows);
  const items = responseStage(run, ctx, rows, sourceNames, order, picked);
  const result: FeedResult = {
    requestId,
    surface: surface.name,
    modelVersion: bundle.version,
    items,
    trace: { totalMs: Math.round(trace.elapsed() * 1000) / 1000, stages: trace.stages },
    degraded: trace.degraded,
    ...(req.withExplorationPolicy === true ? { explorationPolicy: slotPolicy(deps.catalog, orderedTracks, picked.explorationPool, picked.explorationProbabilities) } : {}),
  };
  deps.observer?.observe(result);
  return result;
}

/** Context: the listener's state, profile and vector, the market and explicit setting. */
async function contextStage(run: PipelineRun): Promise<RequestContext> {
  const { deps, req, trace } = run;
  const t0 = performance.now();
  const { ctx, stateError } = await buildContext(
    { catalog: deps.catalog, bundle: run.bundle, profiles: deps.profiles, listenerState: deps.listenerState },
    {
      requestId: run.requestId,
      surface: run.surface.name,
      userId: req.userId,
      limit: req.limit,
      nowMs: req.nowMs ?? Date.now(),
      seedTrack: run.seedTrack,
      onboardingGenres: req.onboardingGenres ?? [],
      ...(req.market !== undefined ? { market: req.market } : {}),
      ...(req.explicitOk !== undefined ? { explicitOk: req.explicitOk } : {}),
    },
  );
  if (stateError !== null) trace.degrade('ListenerState', `online state unavailable: ${stateError}`);
  trace.add('Context', t0, 1, 1, stateError === null ? 'ok' : 'degraded', ctx.userIndex === null ? 'new listener' : undefined);
  return ctx;
}

/**
 * Candidate sources (parallel), then the fallbacks if they failed closed or brought too little; merge +
 * dedupe, then the filters (each reports what it removed; a failing filter fails open). When the filters
 * leave too few, the fallbacks are added and the pass is redone (it is cheap); the trace keeps the last pass.
 */
async function candidateStage(run: PipelineRun, ctx: RequestContext): Promise<{ rows: CandidateRows; sourceNames: string[] }> {
  const { deps, req, surface, trace } = run;
  const budget = surface.budgetMs;
  const t0 = performance.now();
  const slots = [...surface.sources, ...surface.fallbackSources];
  const sourceNames = slots.map((s) => s.name);
  const registry = withFallbacks(run.comps.sources);
  const retrievalMs = run.timeLeft() - budget * POST_RETRIEVAL_RESERVE;
  const outcomes = await runSources(ctx, surface.sources, registry, retrievalMs, trace, deps.load?.overloaded() ?? false);
  const batches: (CandidateBatch | null)[] = outcomes.map((o) => o.batch);
  for (let i = 0; i < surface.fallbackSources.length; i++) batches.push(null);
  let fetched = 0;
  for (const b of batches) if (b) fetched += b.count;
  const failedClosed = outcomes.some((o) => o.failedClosed);
  let fallbacksRan = false;
  const runFallbacks = async (reason: string): Promise<void> => {
    fallbacksRan = true;
    const fb = await runSources(ctx, surface.fallbackSources, registry, Math.max(run.timeLeft() - budget * POST_RETRIEVAL_RESERVE, 5), trace);
    for (let i = 0; i < fb.length; i++) batches[surface.sources.length + i] = fb[i]!.batch;
    if (fetched === 0) trace.degrade('CandidateSources', `no regular source answered; served fallbacks (${reason})`);
  };
  if (failedClosed || fetched < req.limit * MIN_CANDIDATES_PER_SLOT) {
    await runFallbacks(failedClosed ? 'a fail-closed source failed' : `only ${fetched} candidates`);
  }
  const excluded = req.excludeTracks !== undefined && req.excludeTracks.length > 0 ? new ExcludedTrackFilter(new Set(req.excludeTracks)) : null;
  let pass = mergeAndFilter(ctx, surface, sourceNames, batches, excluded);
  if (!fallbacksRan && pass.rows.count < req.limit * MIN_ROWS_AFTER_FILTERS) {
    await runFallbacks(`only ${pass.rows.count} candidates left after the filters`);
    pass = mergeAndFilter(ctx, surface, sourceNames, batches, excluded);
  }
  let total = 0;
  for (const b of batches) if (b) total += b.count;
  trace.add('CandidateSources', t0, slots.length, total, failedClosed ? 'degraded' : 'ok', fallbacksRan ? 'fallbacks used' : undefined);
  trace.stages.push(...pass.stages);
  trace.degraded.push(...pass.degraded);
  return { rows: pass.rows, sourceNames };
}

/** Re-ranker: the best-scored window, then artist spacing, discovery quota and the exploration slot. */
function rerankStage(run: PipelineRun, ctx: RequestContext, rows: CandidateRows): { order: Int32Array; orderedTracks: Int32Array; picked: ReturnType<typeof selectFeed> } {
  const { req, surface, trace } = run;
  const catalog = run.deps.catalog;
  const t0 = performance.now();
  const order = orderByScore(rows);
  const window = Math.min(order.length, Math.max(surface.rerank.window, req.limit));
  const orderedTracks = new Int32Array(window);
  const orderedScores = new Float32Array(window);
  for (let i = 0; i < window; i++) {
    orderedTracks[i] = rows.tracks[order[i]!]!;
    orderedScores[i] = rows.score[order[i]!]!;
  }
  const diversity = req.diversity !== false;
  const picked = selectFeed({
    tracks: orderedTracks,
    scores: orderedScores,
    count: window,
    limit: req.limit,
    artistOf: catalog.columns.artist,
    albumOf: catalog.columns.album,
    knownArtists: diversity ? knownArtists(ctx) : new Set(),
    config: surface.rerank,
    diversity,
    exploration: req.exploration !== false,
    random: mulberry32(req.explorationSeed ?? hashString(run.requestId)),
  });
  const short = picked.count < req.limit;
  if (short) trace.degrade('ReRanker', `only ${picked.count} of ${req.limit} tracks satisfy the rules`);
  trace.add(
    'ReRanker',
    t0,
    rows.count,
    picked.count,
    short ? 'degraded' : 'ok',
    diversity
      ? `discovery ${picked.discoveryCount}/${picked.discoveryTarget}` + (picked.relaxed.length > 0 ? `; relaxed ${picked.relaxed.join(', ')}` : '')
      : 'diversity off',
  );
  return { order, orderedTracks, picked };
}

/** Response: the picked tracks with names, sources and a reason each. */
function responseStage(
  run: PipelineRun,
  ctx: RequestContext,
  rows: CandidateRows,
  sourceNames: readonly string[],
  order: ArrayLike<number>,
  picked: ReturnType<typeof selectFeed>,
): FeedItem[] {
  const catalog = run.deps.catalog;
  const t0 = performance.now();
  const items: FeedItem[] = [];
  const s = sourceNames.length;
  for (let p = 0; p < picked.count; p++) {
    const row = order[picked.picks[p]!]!;
    const t = rows.tracks[row]!;
    const w = rows.winner[row]!;
    const sources = [sourceNames[w]!];
    for (let c = 0; c < s; c++) if (c !== w && rows.sourceRanks[row * s + c]! >= 0) sources.push(sourceNames[c]!);
    const exploration = p === picked.explorationPosition;
    const a = catalog.columns.artist[t]!;
    items.push({
      trackId: catalog.trackIds.idAt(t),
      title: catalog.trackTitle(t as TrackIndex),
      artistId: catalog.artistIds.idAt(a),
      artist: catalog.artistName(a as ArtistIndex),
      albumId: catalog.albumIds.idAt(catalog.columns.album[t]!),
      album: catalog.albumTitle(catalog.columns.album[t]! as AlbumIndex),
      score: Math.round(rows.score[row]! * 1e5) / 1e5,
      sources,
      reason: reasonFor({
        catalog,
        surface: run.surface.name,
        source: sourceNames[w]!,
        track: t,
        becauseOf: rows.becauseOf[row]!,
        seedTrack: run.seedTrack,
        market: ctx.market,
        exploration,
        hasOnboardingGenres: ctx.onboardingGenres.length > 0,
      }),
      ...(exploration ? { exploration: true, propensity: Math.round(picked.propensity * 1e6) / 1e6 } : {}),
    });
  }
  run.trace.add('Response', t0, picked.count, items.length, 'ok');
  return items;
}

function slotPolicy(catalog: Catalog, ordered: Int32Array, pool: Int32Array, probabilities: Float64Array): FeedResult['explorationPolicy'] & object {
  const trackIds: string[] = [];
  for (let i = 0; i < pool.length; i++) trackIds.push(catalog.trackIds.idAt(ordered[pool[i]!]!));
  return { trackIds, probabilities };
}

function withFallbacks(sources: ReadonlyMap<string, CandidateSource>): ReadonlyMap<string, CandidateSource> {
  if (sources.has('LastResortPopular')) return sources;
  const cached = registryCache.get(sources);
  if (cached) return cached;
  const m = new Map(sources);
  m.set('LastResortPopular', lastResort);
  registryCache.set(sources, m);
  return m;
}
const registryCache = new WeakMap<ReadonlyMap<string, CandidateSource>, ReadonlyMap<string, CandidateSource>>();
const lastResort = new LastResortPopular();
const safeComponents: PipelineComponents = { sources: new Map([[lastResort.name, lastResort]]), scorers: new Map([[fallbackScorer.name, fallbackScorer]]) };

interface FilterPass {
  readonly rows: CandidateRows;
  readonly stages: StageTrace[];
  readonly degraded: Degradation[];
}

function mergeAndFilter(
  ctx: RequestContext,
  surface: SurfaceConfig,
  sourceNames: readonly string[],
  batches: readonly (CandidateBatch | null)[],
  excluded: CandidateFilter | null,
): FilterPass {
  const stages: StageTrace[] = [];
  const degraded: Degradation[] = [];
  let t0 = performance.now();
  let total = 0;
  for (const b of batches) if (b) total += b.count;
  const merged = mergeBatches(sourceNames, batches, ctx.catalog.trackCount);
  let rows: CandidateRows = merged.rows;
  stages.push(Trace.entry('MergeDedupe', t0, total, rows.count, 'ok', `${merged.duplicates} duplicates across sources` + (merged.invalid > 0 ? `, ${merged.invalid} unknown tracks` : '')));
  for (const name of surface.filters) {
    const filter: CandidateFilter | undefined = name === 'ExcludedTrackFilter' ? (excluded ?? undefined) : FILTERS.get(name);
    if (filter === undefined) continue;
    t0 = performance.now();
    const before = rows.count;
    try {
      const result = filter.apply(ctx, rows);
      if (result.removed.length > 0) rows = selectRows(rows, result.kept);
      stages.push(Trace.entry(name, t0, before, rows.count, 'ok', result.removed.length > 0 ? `removed ${result.removed.length}` : undefined));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      stages.push(Trace.entry(name, t0, before, rows.count, 'failed', message));
      degraded.push({ component: name, reason: `failed open: ${message}` });
    }
  }
  return { rows, stages, degraded };
}

function rankRows(
  ctx: RequestContext,
  rows: CandidateRows,
  ranker: Scorer,
  surface: SurfaceConfig,
  timeLeft: () => number,
  trace: Trace,
): void {
  let t0 = performance.now();
  let scorer = ranker;
  if (timeLeft() < MIN_RANKER_MS && scorer !== fallbackScorer) {
    trace.degrade(ranker.name, 'skipped: no time left; used the fallback scorer');
    scorer = fallbackScorer;
  }
  if (hydrates(scorer)) {
    try {
      scorer.hydrate(ctx, rows);
      trace.add('FeatureHydration', t0, rows.count, rows.count, 'ok');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      trace.add('FeatureHydration', t0, rows.count, rows.count, 'failed', message);
      trace.degrade('FeatureHydration', `failed: ${message}; used the fallback scorer`);
      scorer = fallbackScorer;
    }
  } else {
    trace.add('FeatureHydration', t0, rows.count, rows.count, 'ok', `inside ${scorer.name}`);
  }
  t0 = performance.now();
  try {
    scorer.score(ctx, rows, rows.score);
    const overran = performance.now() - t0 > surface.rankerBudgetMs;
    if (overran) trace.degrade(scorer.name, `overran its ${surface.rankerBudgetMs} ms budget`);
    trace.add(scorer.name, t0, rows.count, rows.count, overran ? 'degraded' : 'ok');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    trace.add(scorer.name, t0, rows.count, rows.count, 'failed', message);
    trace.degrade(scorer.name, `failed: ${message}; used the fallback scorer`);
    t0 = performance.now();
    fallbackScorer.score(ctx, rows, rows.score);
    trace.add(fallbackScorer.name, t0, rows.count, rows.count, 'ok');
  }
  const sc = rows.score;
  for (let i = 0; i < rows.count; i++) if (!Number.isFinite(sc[i]!)) sc[i] = -1e9;
}

/** Row indices by score, best first (ties: lower track index first, for reproducible feeds). */
function orderByScore(rows: CandidateRows): Int32Array {
  const order = new Int32Array(rows.count);
  for (let i = 0; i < rows.count; i++) order[i] = i;
  const sc = rows.score;
  const tr = rows.tracks;
  order.sort((a, b) => sc[b]! - sc[a]! || tr[a]! - tr[b]!);
  return order;
}

/** Artists the listener has played: training history and online state. */
function knownArtists(ctx: RequestContext): Set<number> {
  const artistOf = ctx.catalog.columns.artist;
  const n = ctx.catalog.trackCount;
  const known = new Set<number>();
  const add = (t: number): void => {
    if (t >= 0 && t < n) known.add(artistOf[t]!);
  };
  for (let i = 0; i < ctx.history.length; i++) add(ctx.history[i]!);
  const s = ctx.state;
  if (s !== null) {
    for (const t of s.recentTracks) add(t);
    for (const t of s.likedTracks) add(t);
    for (const t of s.sessionPlayed) add(t);
  }
  return known;
}
