import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestWorld, TRACKS_PER_ARTIST } from '../feed/fixtures.js';
import type { RankerModel } from '../../src/model/ModelBundle.js';
import type { CandidateSet, RequestContext } from '../../src/pipeline/contracts.js';
import { EmbeddingBlendScorer } from '../../src/pipeline/EmbeddingBlendScorer.js';
import { ABSENT_RANK, BASE_FEATURE_NAMES, featureNamesFor, hydrateFeatures } from '../../src/ranking/features.js';
import { RankerScorer, RANKER_KIND } from '../../src/ranking/RankerScorer.js';
import type { ListenerState } from '../../src/storage/interfaces.js';
import { emptyListenerState } from '../../src/storage/applyEvent.js';

const w = makeTestWorld({ tracks: 400, users: 10, dim: 4, seed: 3 });
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 5, 6, 0, 0); // 06:00 UTC

function state(over: Partial<ListenerState> = {}): ListenerState {
  return { ...emptyListenerState('u1'), sessionStartedAt: NOW - HOUR, lastEventAt: NOW - 60_000, ...over };
}

function ctxFor(history: number[], st: ListenerState | null, bundle = w.bundle): RequestContext {
  return {
    requestId: 'r',
    surface: 'home',
    userId: 'u1',
    userIndex: 1,
    market: 0,
    explicitOk: true,
    nowMs: NOW,
    limit: 30,
    seedTrack: null,
    userVector: bundle.userFactors.subarray(4, 8),
    state: st,
    history: Int32Array.from(history),
    onboardingGenres: [],
    catalog: w.catalog,
    bundle,
  };
}

// Three candidates: track 3 (artist 0, ranked by both sources), 15 (artist 1, AnnSource only), 250 (artist 25, none).
function candidates(): CandidateSet {
  return {
    sourceNames: ['AnnSource', 'CoListenSource'],
    count: 3,
    tracks: Int32Array.from([3, 15, 250]),
    sourceScores: Float32Array.from([0.9, 0.5, 0.8, NaN, NaN, NaN]),
    sourceRanks: Int32Array.from([0, 4, 2, -1, -1, -1]),
    becauseOf: Int32Array.from([-1, -1, -1]),
    score: new Float32Array(3),
  };
}

test('hydration writes named features per candidate row', () => {
  const names = featureNamesFor(['AnnSource', 'CoListenSource']);
  const set = candidates();
  const x = new Float32Array(set.count * names.length);
  // history: two tracks of artist 0; the artist was last played 3 hours ago; two skips in this session.
  const ctx = ctxFor([0, 1], state({ recentTracks: [2], recentTimestamps: [NOW - 3 * HOUR], sessionSkipStreak: 2, sessionSkipped: [16] }));
  hydrateFeatures(ctx, set, names, x);
  const f = (row: number, name: string): number => x[row * names.length + names.indexOf(name)]!;
  // embedding score = user vector . item vector
  let dot = 0;
  dot += w.bundle.itemVectors.dot(3, w.bundle.userFactors.subarray(4, 8));
  assert.ok(Math.abs(f(0, 'embeddingScore') - dot) < 1e-5);
  assert.ok(Math.abs(f(0, 'artistAffinity') - 1) < 1e-6, 'the whole history (0, 1, 2) is by artist 0');
  assert.equal(f(1, 'artistAffinity'), 0);
  assert.ok(Math.abs(f(0, 'logHoursSinceArtistPlayed') - Math.log1p(3)) < 1e-5);
  assert.ok(f(1, 'logHoursSinceArtistPlayed') > f(0, 'logHoursSinceArtistPlayed'), 'never played = long ago');
  assert.ok(f(0, 'coListenScore') > 0, 'the fixture co-listens tracks of the same artist');
  assert.equal(f(2, 'coListenScore'), 0);
  assert.ok(Math.abs(f(0, 'logRank:AnnSource') - Math.log1p(0)) < 1e-6);
  assert.ok(Math.abs(f(0, 'logRank:CoListenSource') - Math.log1p(4)) < 1e-6);
  assert.ok(Math.abs(f(1, 'logRank:CoListenSource') - Math.log1p(ABSENT_RANK)) < 1e-5);
  assert.equal(f(0, 'sourceCount'), 2);
  assert.equal(f(2, 'sourceCount'), 0);
  assert.ok(Math.abs(f(0, 'logSessionSkipStreak') - Math.log1p(2)) < 1e-6);
  assert.equal(f(1, 'artistSkippedThisSession'), 1, 'track 16 (artist 1) was skipped this session');
  assert.equal(f(0, 'artistSkippedThisSession'), 0);
  assert.ok(Math.abs(f(0, 'hourSin') - 1) < 1e-6, '06:00 is a quarter of the day');
});

test('the model\'s feature order decides the columns; unknown sources read as absent', () => {
  const set = candidates();
  const names = ['logRank:CoListenSource', 'embeddingScore', 'logRank:NotOnThisSurface'];
  const x = new Float32Array(set.count * names.length);
  hydrateFeatures(ctxFor([0], null), set, names, x);
  assert.ok(Math.abs(x[0]! - Math.log1p(4)) < 1e-6);
  assert.ok(Math.abs(x[2]! - Math.log1p(ABSENT_RANK)) < 1e-5);
  const full = new Float32Array(set.count * BASE_FEATURE_NAMES.length);
  hydrateFeatures(ctxFor([0], null), set, BASE_FEATURE_NAMES, full);
  assert.equal(x[1], full[0], 'embeddingScore is the same wherever it sits');
});

test('RankerScorer without a ranker keeps the retrieval order (embedding blend)', () => {
  const set = candidates();
  const ours = new Float32Array(3);
  const blend = new Float32Array(3);
  new RankerScorer().score(ctxFor([0], null), set, ours);
  new EmbeddingBlendScorer().score(ctxFor([0], null), set, blend);
  assert.deepEqual(ours, blend);
});

test('RankerScorer scores with the bundle ranker, in input order, as probabilities', () => {
  const names = ['artistAffinity', 'embeddingScore'];
  const model: RankerModel = { kind: RANKER_KIND, featureNames: names, weights: Float32Array.from([3, 0]), bias: -1, means: new Float32Array(2), stds: Float32Array.from([1, 1]) };
  const bundle = { ...w.bundle, ranker: model };
  const set = candidates();
  const out = new Float32Array(3);
  new RankerScorer().score(ctxFor([0, 1, TRACKS_PER_ARTIST], null, bundle), set, out);
  // history: 2 of 3 tracks by artist 0, 1 of 3 by artist 1
  assert.ok(Math.abs(out[0]! - 1 / (1 + Math.exp(-(3 * (2 / 3) - 1)))) < 1e-6);
  assert.ok(Math.abs(out[1]! - 1 / (1 + Math.exp(-(3 * (1 / 3) - 1)))) < 1e-6);
  assert.ok(Math.abs(out[2]! - 1 / (1 + Math.exp(1))) < 1e-6);
  assert.deepEqual(Array.from(set.tracks), [3, 15, 250], 'never reorders');
});

test('hydrate() then score() gives the same scores as score() alone', () => {
  const names = featureNamesFor(['AnnSource', 'CoListenSource']);
  const model: RankerModel = {
    kind: RANKER_KIND,
    featureNames: names,
    weights: Float32Array.from(names, (_, i) => ((i % 3) - 1) * 0.5),
    bias: 0.1,
    means: new Float32Array(names.length),
    stds: new Float32Array(names.length).fill(2),
  };
  const bundle = { ...w.bundle, ranker: model };
  const ctx = ctxFor([0, 1, 20], state({ recentTracks: [2], recentTimestamps: [NOW - HOUR] }), bundle);
  const a = new Float32Array(3);
  const b = new Float32Array(3);
  const scorer = new RankerScorer();
  scorer.score(ctx, candidates(), a);
  const set = candidates();
  scorer.hydrate(ctx, set);
  scorer.score(ctx, set, b);
  assert.deepEqual(a, b);
  assert.ok(a[0] !== a[1] || a[1] !== a[2], 'scores differ between candidates');
});

test('root-genre affinity and popularity match come from the listener history', () => {
  // Genres 4..7 are children of 0..3; artist a plays genre a % 8 in the fixture.
  const genres = Array.from({ length: 8 }, (_, id) => ({ id, name: `g${id}`, parent: id >= 4 ? id - 4 : -1 }));
  const catalog = { ...w.catalog, genres };
  const ctx = { ...ctxFor([5 * TRACKS_PER_ARTIST, 5 * TRACKS_PER_ARTIST + 1], null), catalog };
  const names = ['genreAffinity', 'rootGenreAffinity', 'popularityGap', 'logPopularity'];
  const set = candidates(); // track 15 is by artist 1 (genre 1, the parent of genre 5)
  const x = new Float32Array(set.count * names.length);
  hydrateFeatures(ctx, set, names, x);
  const row1 = x.subarray(names.length, 2 * names.length);
  assert.equal(row1[0], 0, 'different leaf genre');
  assert.equal(row1[1], 1, 'same top-level genre as the whole history');
  const pop = w.catalog.columns.popularity;
  const meanLog = (Math.log(pop[50]! + 1e-4) + Math.log(pop[51]! + 1e-4)) / 2;
  assert.ok(Math.abs(row1[2]! - Math.abs(row1[3]! - meanLog)) < 1e-4);
});

test('generator scores as request z-scores, genre-relative popularity, genre skip share, history x popularity', () => {
  const names = ['embeddingScore', 'coListenScore', 'embeddingZ', 'coListenZ', 'logPopularityInGenre', 'genreSkippedThisSession', 'logHistoryXLogPopularity', 'logPopularity'];
  const set = candidates();
  const x = new Float32Array(set.count * names.length);
  // history 0, 1 (+ recent 2): three tracks; skipped this session: 16 and 250.
  const ctx = ctxFor([0, 1], state({ recentTracks: [2], recentTimestamps: [NOW - HOUR], sessionSkipped: [16, 250] }));
  hydrateFeatures(ctx, set, names, x);
  const f = (row: number, name: string): number => x[row * names.length + names.indexOf(name)]!;
  const z = (name: string, row: number): number => {
    const v = [0, 1, 2].map((r) => f(r, name));
    const mean = (v[0]! + v[1]! + v[2]!) / 3;
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / 3);
    return sd > 0 ? (v[row]! - mean) / sd : 0;
  };
  for (let r = 0; r < 3; r++) {
    assert.ok(Math.abs(f(r, 'embeddingZ') - z('embeddingScore', r)) < 1e-4, `embeddingZ row ${r}`);
    assert.ok(Math.abs(f(r, 'coListenZ') - z('coListenScore', r)) < 1e-4, `coListenZ row ${r}`);
  }
  // genre-relative popularity: the track's log popularity minus the mean over its genre (400 tracks: every track sampled)
  const { genre, popularity } = w.catalog.columns;
  const g = genre[15]!;
  let sum = 0;
  let n = 0;
  for (let t = 0; t < w.catalog.trackCount; t++) {
    if (genre[t] === g) {
      sum += Math.log(popularity[t]! + 1e-4);
      n++;
    }
  }
  assert.ok(Math.abs(f(1, 'logPopularityInGenre') - (Math.log(popularity[15]! + 1e-4) - sum / n)) < 1e-4);
  // genre skip share: of the 2 session skips, how many are in the candidate's leaf genre
  const skips = [16, 250];
  for (let r = 0; r < 3; r++) {
    const gr = genre[set.tracks[r]!]!;
    const share = skips.filter((t) => genre[t] === gr).length / 2;
    assert.ok(Math.abs(f(r, 'genreSkippedThisSession') - share) < 1e-6, `genre skip share row ${r}`);
  }
  assert.equal(f(1, 'genreSkippedThisSession'), genre[16] === genre[15] ? (genre[250] === genre[15] ? 1 : 0.5) : 0);
  assert.ok(Math.abs(f(2, 'logHistoryXLogPopularity') - Math.log1p(3) * f(2, 'logPopularity')) < 1e-5, 'history of 3 distinct tracks');
});

test('RankerScorer applies the model\'s cascade depth: only the top candidates by embedding are reordered', () => {
  // weight on artistAffinity only; depth 1: only the best-embedding candidate is "ranked", the others stay below it
  const model: RankerModel = { kind: RANKER_KIND, featureNames: ['artistAffinity'], weights: Float32Array.from([3]), bias: 0, means: new Float32Array(1), stds: Float32Array.from([1]), rerankDepth: 1 };
  const bundle = { ...w.bundle, ranker: model };
  const set = candidates();
  const out = new Float32Array(3);
  const ctx = ctxFor([0], null, bundle);
  new RankerScorer().score(ctx, set, out);
  const emb = new Float32Array(3);
  for (let i = 0; i < 3; i++) emb[i] = w.bundle.itemVectors.dot(set.tracks[i]!, w.bundle.userFactors.subarray(4, 8));
  const top = emb.indexOf(Math.max(...emb));
  for (let i = 0; i < 3; i++) {
    if (i === top) assert.ok(out[i]! > 2, 'the top candidate gets 2 + its ranker probability');
    else assert.ok(Math.abs(out[i]! - 1 / (1 + Math.exp(-emb[i]!))) < 1e-6, 'the others: sigmoid of the embedding score');
  }
});
