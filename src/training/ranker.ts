// Trains the learned ranker (issue 4 point 4) from held-out logs. `encore train` (src/training/trainBundle.ts)
// writes the embeddings, co-listen table, popularity, index and user history WITHOUT each listener's last
// session, then calls trainRanker: for every sampled listener, the feed's own candidate sources run as of
// the start of that held-out session, features are hydrated exactly as online (src/ranking/features.ts),
// and each row is labelled by what the log says happened:
//   - synthetic worlds (plays end in complete or skip): the session's plays, label = played to the end;
//   - imported interaction files (no skips): the retrieved candidates, label = the listener played it.
// A seeded 20% of the listeners is held out to compare the ranker with the retrieval order (AUC, NDCG);
// the model is returned only if it beats it, and the figures go to <bundleDir>/ranker-eval.json.
import fs from 'node:fs';
import path from 'node:path';
import type { ModelBundle, RankerModel } from '../model/ModelBundle.js';
import { openWorld, type World } from '../world/World.js';
import { loadBundle } from '../model/loadBundle.js';
import { userRanges, type UserRanges } from './confidence.js';
import type { Catalog } from '../catalog/Catalog.js';
import { defaultComponents } from '../pipeline/defaultComponents.js';
import { EventType } from '../domain/events.js';
import type { CandidateBatch, CandidateSource, RequestContext } from '../pipeline/contracts.js';
import type { ListenerState } from '../storage/interfaces.js';
import { emptyRows, selectRows, type CandidateRows } from '../pipeline/CandidateRows.js';
import { mergeBatches } from '../pipeline/mergeBatches.js';
import { runSources } from '../pipeline/runSources.js';
import { MIN_CANDIDATES_PER_SLOT } from '../pipeline/recommend.js';
import { Trace } from '../pipeline/Trace.js';
import { listenerVector } from '../pipeline/listenerVector.js';
import { EmbeddingBlendScorer } from '../pipeline/EmbeddingBlendScorer.js';
import { SURFACES } from '../surfaces/index.js';
import type { SurfaceConfig } from '../surfaces/SurfaceConfig.js';
import { featureNamesFor } from '../ranking/features.js';
import { RankerDataset, firstStageRanks } from '../ranking/RankerDataset.js';
import { seededRandom } from '../eval/rng.js';
import { DEFAULT_RANKER_FIT, fitRanker, formatRankerReport, type RankerFitOptions, type RankerReport } from '../ranking/fitRanker.js';

export interface RankerTrainingInput {
  readonly worldDir: string;
  readonly bundleDir: string;
  /** The world already open (saves reading a full-scale world twice); opened from worldDir when absent. */
  readonly world?: World;
  /** Candidate sources to use; defaults to the feed's defaultComponents().sources. */
  readonly sources?: ReadonlyMap<string, CandidateSource>;
  readonly options?: Partial<RankerTrainingOptions>;
}

export interface RankerTrainingOptions {
  /** Listeners sampled (evenly spread) to build examples; bounds training time on big worlds. */
  readonly maxUsers: number;
  readonly surface: string;
  readonly fit: RankerFitOptions;
  /** Recent plays before the session put into the online state (synthetic worlds). */
  readonly stateTracks: number;
  /** Centre features per request (ranks within a request; see centerPerRequest). */
  readonly centered: boolean;
  /**
   * Imported data: every unplayed candidate among the request's top `keepTopNegatives` by the first-stage
   * (listener-vector) score is a negative (the near misses the cascade must order), and at most
   * `maxNegativesPerRequest` of the others (a seeded sample): hundreds of far-down candidates per listener
   * would make the fit slow without teaching much more.
   */
  readonly maxNegativesPerRequest: number;
  readonly keepTopNegatives: number;
  readonly seed: number;
  /**
   * Synthetic worlds: give each logged play the session state just before it (skip streak, artists skipped
   * so far) instead of the state at the session start. Off by default: a feed request sees one state for
   * all its candidates, and on a 50k-track world these per-play values, which vary within a session but
   * never within a request, made up most of the measured NDCG gain (+0.044 with them, +0.017 without).
   */
  readonly perPlaySessionFeatures: boolean;
  /**
   * Synthetic worlds: also label the candidates the held-out session did NOT play as negatives (sampled as for
   * imported data), and drop the played tracks no source retrieved, so the ranker learns the feed's decision
   * (which candidates get played to the end) instead of "completed vs skipped among tracks already played".
   * Off by default: an experiment for issue 9 point 1 (see the report of branch ranker).
   */
  readonly unplayedNegatives: boolean;
  /** Where progress lines go (stderr by default); null = silent. */
  readonly log: ((line: string) => void) | null;
}

export const DEFAULT_RANKER_TRAINING: RankerTrainingOptions = {
  maxUsers: 8_000,
  surface: 'home',
  fit: DEFAULT_RANKER_FIT,
  stateTracks: 50,
  centered: true,
  maxNegativesPerRequest: 60,
  keepTopNegatives: 200,
  seed: 29,
  perPlaySessionFeatures: false,
  unplayedNegatives: false,
  log: (line) => process.stderr.write(`${line}\n`),
};

let defaultsOverride: Partial<RankerTrainingOptions> = {};

/**
 * Runs `body` with some ranker-training defaults overridden (for callers that reach trainRanker through
 * trainBundle, which passes no options: e.g. `encore offline` samples fewer listeners to stay within its
 * time budget). Restores the defaults afterwards.
 */
export async function withRankerTrainingDefaults<T>(override: Partial<RankerTrainingOptions>, body: () => Promise<T>): Promise<T> {
  const saved = defaultsOverride;
  defaultsOverride = { ...saved, ...override };
  try {
    return await body();
  } finally {
    defaultsOverride = saved;
  }
}

export interface RankerTrainingResult {
  readonly model: RankerModel | null;
  readonly report: RankerReport | null;
  readonly message: string;
}

const LEAVE_OUT = 255;
const SYNTHETIC_MAX_SESSION_PLAYS = 200;

/** One held-out play: its label and what the session looked like just before it (skip streak, artist skipped so far). */
interface HeldOutOutcome {
  readonly label: number;
  readonly streak: number;
  readonly skippedArtist: boolean;
}

/** The held-out session's outcomes in order, per track (the first play of each, at most SYNTHETIC_MAX_SESSION_PLAYS). */
function heldOutOutcomes(ev: World['events'], catalog: Catalog, from: number, to: number): Map<number, HeldOutOutcome> {
  const outcome = new Map<number, HeldOutOutcome>();
  let streak = 0;
  const skippedArtists = new Set<number>();
  for (let i = from; i < to; i++) {
    const t = ev.track[i]!;
    const type = ev.type[i]!;
    if (t < 0 || t >= catalog.trackCount) continue;
    if (type !== EventType.complete && type !== EventType.skip) continue;
    if (!outcome.has(t) && outcome.size < SYNTHETIC_MAX_SESSION_PLAYS) {
      outcome.set(t, { label: type === EventType.complete ? 1 : 0, streak, skippedArtist: skippedArtists.has(catalog.columns.artist[t]!) });
    }
    if (type === EventType.skip) {
      streak++;
      skippedArtists.add(catalog.columns.artist[t]!);
    } else streak = 0;
  }
  return outcome;
}

/** The request as the feed would have seen it at the start of listener u's held-out session. */
function heldOutRequest(world: World, bundle: ModelBundle, catalog: Catalog, surface: string, u: number, nowMs: number, state: ListenerState | null): RequestContext {
  const userIndex = u < bundle.userCount ? u : null;
  const history: Int32Array = userIndex !== null ? bundle.userHistory.recentPositives(userIndex as never) : new Int32Array(0);
  return {
    requestId: `train-${u}`,
    surface,
    userId: world.users.ids.idAt(u),
    userIndex,
    market: world.users.market[u] ?? 0,
    explicitOk: (world.users.explicitOk[u] ?? 1) === 1,
    nowMs,
    limit: 30,
    seedTrack: null,
    userVector: listenerVector(bundle, userIndex, state, history, null),
    state,
    history,
    onboardingGenres: [],
    catalog,
    bundle,
  };
}

/**
 * The regular sources, and the fallbacks only when they bring too little, as the feed runs them
 * (src/pipeline/recommend.ts): fallbacks that always ran in training gave popular tracks source ranks and
 * a source count they never have online, a training/serving skew that cost NDCG@20 0.03 on MovieLens.
 */
async function candidatesAsServed(ctx: RequestContext, surface: SurfaceConfig, sources: ReadonlyMap<string, CandidateSource>, sourceNames: readonly string[]): Promise<CandidateRows> {
  const trace = new Trace();
  const outcomes = await runSources(ctx, surface.sources, sources, 10_000, trace);
  const batches: (CandidateBatch | null)[] = outcomes.map((o) => o.batch);
  let fetched = 0;
  for (const b of batches) fetched += b?.count ?? 0;
  const fallbacks = fetched < ctx.limit * MIN_CANDIDATES_PER_SLOT ? await runSources(ctx, surface.fallbackSources, sources, 10_000, trace) : null;
  for (let i = 0; i < surface.fallbackSources.length; i++) batches.push(fallbacks?.[i]?.batch ?? null);
  return mergeBatches(sourceNames, batches, ctx.catalog.trackCount).rows;
}

/** Overwrites the in-session features row by row: the context holds the state as of the session start. */
function patchSessionFeatures(data: RankerDataset, firstRow: number, set: CandidateRows, labels: Uint8Array, outcome: ReadonlyMap<number, HeldOutOutcome>): void {
  const names = data.featureNames;
  const f = names.length;
  const cStreak = names.indexOf('logSessionSkipStreak');
  const cStreakPop = names.indexOf('skipStreakXLogPopularity');
  const cPop = names.indexOf('logPopularity');
  const cSkippedArtist = names.indexOf('artistSkippedThisSession');
  let r = firstRow;
  for (let i = 0; i < set.count; i++) {
    if (labels[i] === LEAVE_OUT) continue;
    const o = outcome.get(set.tracks[i]!)!;
    const ls = Math.log1p(o.streak);
    if (cStreak >= 0) data.x[r * f + cStreak] = ls;
    if (cStreakPop >= 0 && cPop >= 0) data.x[r * f + cStreakPop] = ls * data.x[r * f + cPop]!;
    if (cSkippedArtist >= 0) data.x[r * f + cSkippedArtist] = o.skippedArtist ? 1 : 0;
    r++;
  }
}

/**
 * Builds examples from `world`'s held-out last sessions against `bundle` (trained without them), fits the
 * ranker and evaluates it. `sources` is the candidate-source registry the feed uses.
 */
export async function trainRankerOn(
  world: World,
  bundle: ModelBundle,
  sources: ReadonlyMap<string, CandidateSource>,
  opts: RankerTrainingOptions = DEFAULT_RANKER_TRAINING,
): Promise<RankerTrainingResult> {
  const surface = SURFACES.get(opts.surface);
  if (!surface) throw new Error(`unknown surface ${opts.surface}`);
  const sourceNames = [...surface.sources, ...surface.fallbackSources].map((s) => s.name);
  const data = new RankerDataset(featureNamesFor(sourceNames), opts.centered);
  const ev = world.events;
  const imported = ev.weight !== null;
  const users = Math.min(world.users.count, ev.userStart.length - 1);
  const step = Math.max(1, Math.ceil(users / opts.maxUsers));
  const baselineScorer = new EmbeddingBlendScorer();
  // The same split as the bundle (src/training/confidence.ts userRanges): the last session is held out
  // when the listener has at least two; a single-session listener's events trained the embeddings.
  const ranges = userRanges(ev, users);
  const catalog = imported ? withTrainingPopularity(world.catalog, ev.track, ranges, users) : world.catalog;
  const rand = seededRandom(opts.seed);
  let used = 0;
  const started = performance.now();
  for (let u = 0; u < users; u += step) {
    const s = ranges.start[u]!;
    const ss = ranges.trainEnd[u]!;
    const e = ranges.end[u]!;
    if (ss >= e) continue;
    const outcome = heldOutOutcomes(ev, catalog, ss, e);
    if (outcome.size === 0) continue;
    const state = imported ? null : stateBefore(world, u, s, ss, opts.stateTracks);
    const ctx = heldOutRequest(world, bundle, catalog, surface.name, u, ev.timestampMs[ss]!, state);
    const merged = await candidatesAsServed(ctx, surface, sources, sourceNames);
    // Imported data: what the listener already had before the session is removed from the candidates, as
    // `encore offline` excludes a listener's own rows before ranking (otherwise the ranker learns "already
    // played = negative", and the first-stage ranks and per-request z-scores would count tracks the feed never ranks).
    const before = imported ? new Set<number>(ev.track.subarray(s, ss)) : null;
    const set = before !== null ? withoutTracks(merged, before) : opts.unplayedNegatives ? merged : withExtraTracks(merged, outcome.keys());
    const labels = imported ? importedLabels(ctx, set, outcome, opts, rand) : opts.unplayedNegatives ? playedLabels(ctx, set, outcome, opts, rand) : syntheticLabels(set, outcome);
    if (labels === null) continue;
    const baseline = new Float32Array(set.count);
    baselineScorer.score(ctx, set, baseline);
    const first = data.rows;
    data.addRequest(ctx, set, labels, baseline);
    if (!imported && opts.perPlaySessionFeatures) patchSessionFeatures(data, first, set, labels, outcome);
    used++;
    if (opts.log && used % 2000 === 0) opts.log(`ranker: ${used} listeners, ${data.rows} examples, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (data.rows === 0 || data.groups < 10) {
    return { model: null, report: null, message: 'ranker: not enough held-out sessions to train on; the feed keeps the retrieval order' };
  }
  const examplesSeconds = (performance.now() - started) / 1000;
  const fitStarted = performance.now();
  const fit = fitRanker(data, opts.fit);
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  const timing = `ranker: ${used} listeners' held-out sessions -> ${data.rows} examples in ${examplesSeconds.toFixed(1)} s; fit and evaluation ${fitSeconds.toFixed(1)} s`;
  return { model: fit.model, report: fit.report, message: `${timing}\n${formatRankerReport(fit.report)}` };
}

/**
 * An imported world's catalog popularity counts every row of the file, the held-out sessions included, so
 * the labels leaked into logPopularity (the ranker learned "popular = played", which the serving bundle,
 * whose popularity holds no test rows, does not bear out). Training features use the training rows' counts,
 * scaled as the importer scales them (count / max count); the catalog object is otherwise the same.
 */
function withTrainingPopularity(catalog: Catalog, track: Int32Array, ranges: UserRanges, users: number): Catalog {
  const counts = new Float64Array(catalog.trackCount);
  for (let u = 0; u < users; u++) {
    for (let i = ranges.start[u]!; i < ranges.trainEnd[u]!; i++) {
      const t = track[i]!;
      if (t >= 0 && t < counts.length) counts[t]!++;
    }
  }
  let max = 1;
  for (let t = 0; t < counts.length; t++) if (counts[t]! > max) max = counts[t]!;
  const popularity = Float32Array.from(counts, (c) => c / max);
  return Object.create(catalog, { columns: { value: { ...catalog.columns, popularity } } }) as Catalog;
}

/** Synthetic worlds: label = played to the end, for the candidates the session logged; the rest left out. */
function syntheticLabels(set: CandidateRows, outcome: ReadonlyMap<number, { label: number }>): Uint8Array {
  const labels = new Uint8Array(set.count).fill(LEAVE_OUT);
  for (let i = 0; i < set.count; i++) {
    const o = outcome.get(set.tracks[i]!);
    if (o) labels[i] = o.label;
  }
  return labels;
}

/** Synthetic worlds with unplayedNegatives: 1 = completed in the session; skipped and unplayed candidates 0. */
function playedLabels(ctx: RequestContext, set: CandidateRows, outcome: ReadonlyMap<number, { label: number }>, opts: RankerTrainingOptions, rand: () => number): Uint8Array | null {
  const completed = new Map<number, number>();
  for (const [t, o] of outcome) if (o.label === 1) completed.set(t, 1);
  return importedLabels(ctx, set, completed, opts, rand);
}

/**
 * Imported data: label 1 = the listener played it in the held-out session, 0 = did not; negatives are all of the
 * first stage's top `keepTopNegatives` and a seeded sample of the rest. Null when the session played none of them.
 */
function importedLabels(ctx: RequestContext, set: CandidateRows, outcome: ReadonlyMap<number, unknown>, opts: RankerTrainingOptions, rand: () => number): Uint8Array | null {
  const labels = new Uint8Array(set.count);
  const { ranks } = firstStageRanks(ctx, set);
  let positives = 0;
  let farNegatives = 0;
  for (let i = 0; i < set.count; i++) {
    labels[i] = outcome.has(set.tracks[i]!) ? 1 : 0;
    positives += labels[i]!;
    if (labels[i] === 0 && ranks[i]! >= opts.keepTopNegatives) farNegatives++;
  }
  if (positives === 0) return null;
  if (farNegatives > opts.maxNegativesPerRequest) {
    const keep = opts.maxNegativesPerRequest / farNegatives;
    for (let i = 0; i < set.count; i++) if (labels[i] === 0 && ranks[i]! >= opts.keepTopNegatives && rand() >= keep) labels[i] = LEAVE_OUT;
  }
  return labels;
}

/** The candidate rows without the given tracks (the ExcludedTrackFilter's effect, for training). */
function withoutTracks(rows: CandidateRows, drop: ReadonlySet<number>): CandidateRows {
  const kept: number[] = [];
  for (let i = 0; i < rows.count; i++) if (!drop.has(rows.tracks[i]!)) kept.push(i);
  return selectRows(rows, Int32Array.from(kept));
}

/** Candidate rows plus rows for logged tracks no source returned (no source ranks). */
function withExtraTracks(rows: CandidateRows, tracks: Iterable<number>): CandidateRows {
  const present = new Set<number>();
  for (let i = 0; i < rows.count; i++) present.add(rows.tracks[i]!);
  const extra: number[] = [];
  for (const t of tracks) if (!present.has(t)) extra.push(t);
  if (extra.length === 0) return rows;
  const s = rows.sourceNames.length;
  const out = emptyRows(rows.sourceNames, rows.count + extra.length);
  out.tracks.set(rows.tracks.subarray(0, rows.count));
  out.sourceScores.set(rows.sourceScores.subarray(0, rows.count * s));
  out.sourceRanks.set(rows.sourceRanks.subarray(0, rows.count * s));
  out.becauseOf.set(rows.becauseOf.subarray(0, rows.count));
  out.winner.set(rows.winner.subarray(0, rows.count));
  for (let i = 0; i < extra.length; i++) out.tracks[rows.count + i] = extra[i]!;
  out.count = rows.count + extra.length;
  return out;
}

/** The listener's online state as it stood when the held-out session began (recent plays, likes, bans). */
function stateBefore(world: World, u: number, s: number, ss: number, maxTracks: number): ListenerState {
  const ev = world.events;
  const recentTracks: number[] = [];
  const recentTimestamps: number[] = [];
  const liked: number[] = [];
  const disliked: number[] = [];
  const banned: number[] = [];
  const followed: number[] = [];
  for (let i = ss - 1; i >= s; i--) {
    const type = ev.type[i]!;
    const t = ev.track[i]!;
    if (type === EventType.complete && recentTracks.length < maxTracks) {
      recentTracks.push(t);
      recentTimestamps.push(ev.timestampMs[i]!);
    } else if (type === EventType.like || type === EventType.save) liked.push(t);
    else if (type === EventType.dislike) disliked.push(t);
    else if (type === EventType.follow_artist && t >= 0 && t < world.catalog.trackCount) followed.push(world.catalog.columns.artist[t]!);
    else if (type === EventType.ban_artist && t >= 0 && t < world.catalog.trackCount) banned.push(world.catalog.columns.artist[t]!);
  }
  const last = ss > s ? ev.timestampMs[ss - 1]! : ev.timestampMs[ss]!;
  return {
    userId: world.users.ids.idAt(u),
    recentTracks,
    recentTimestamps,
    sessionStartedAt: ev.timestampMs[ss]!,
    lastEventAt: last,
    sessionSkipStreak: 0,
    sessionSkipped: [],
    sessionPlayed: [],
    likedTracks: liked.slice(0, 100),
    dislikedTracks: disliked.slice(0, 100),
    bannedArtists: banned,
    followedArtists: followed,
  };
}

/** The ranker as stored in the bundle's ranker.json (read back by src/model/loadBundle.ts). */
export function rankerJson(r: RankerModel): Record<string, unknown> {
  return {
    kind: r.kind,
    featureNames: r.featureNames,
    weights: Array.from(r.weights),
    bias: r.bias,
    means: Array.from(r.means),
    stds: Array.from(r.stds),
    rerankDepth: r.rerankDepth ?? 0,
  };
}

/** Writes the evaluation figures next to the bundle (ranker-eval.json). */
export function writeRankerEval(bundleDir: string, result: RankerTrainingResult): void {
  fs.mkdirSync(bundleDir, { recursive: true });
  fs.writeFileSync(
    path.join(bundleDir, 'ranker-eval.json'),
    JSON.stringify({ accepted: result.model !== null, message: result.message, report: result.report }, null, 2) + '\n',
  );
}

/**
 * Entry point for `encore train` (called by trainBundle once the bundle directory holds a complete manifest):
 * loads that bundle, trains and evaluates, writes ranker-eval.json and returns the model, or null when it
 * does not beat the retrieval order.
 */
export async function trainRanker(input: RankerTrainingInput): Promise<RankerModel | null> {
  const opts: RankerTrainingOptions = { ...DEFAULT_RANKER_TRAINING, ...defaultsOverride, ...input.options };
  const world = input.world ?? openWorld(input.worldDir);
  const bundle = await loadBundle(input.bundleDir, { verify: 'sizes' });
  try {
    const result = await trainRankerOn(world, bundle, input.sources ?? defaultComponents().sources, opts);
    opts.log?.(result.message);
    writeRankerEval(input.bundleDir, result);
    return result.model;
  } finally {
    bundle.close();
  }
}
