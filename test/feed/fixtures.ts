// A small in-memory world for feed tests: a columnar catalog, a model bundle whose vectors cluster by
// artist, listener profiles, and test stand-ins for the candidate sources (named like the real ones).
import { Registry } from 'prom-client';
import type { Catalog, CatalogColumns } from '../../src/catalog/Catalog.js';
import type { AlbumIndex, ArtistIndex, TrackIndex } from '../../src/domain/ids.js';
import { MARKETS } from '../../src/domain/markets.js';
import type { ModelBundle, VectorHits } from '../../src/model/ModelBundle.js';
import { components, type PipelineComponents } from '../../src/pipeline/components.js';
import type { CandidateBatch, CandidateSource, RequestContext } from '../../src/pipeline/contracts.js';
import { EmbeddingBlendScorer } from '../../src/pipeline/EmbeddingBlendScorer.js';
import { profilesFromUsers, type UserColumns } from '../../src/pipeline/UserProfiles.js';
import { mulberry32 } from '../../src/rerank/rng.js';
import { silentLogger, type AppDeps } from '../../src/server/deps.js';
import { marketSetsFromMasks, sequentialIds } from '../support/catalogIds.js';
import { MemoryEventLog } from '../../src/storage/MemoryEventLog.js';
import { MemoryListenerState } from '../../src/storage/MemoryListenerState.js';
import { Float32ItemVectors } from '../../src/model/ItemVectors.js';

export const TRACKS_PER_ARTIST = 10;
export const TRACKS_PER_ALBUM = 5;
export const SE = MARKETS.indexOf('SE');
export const US = MARKETS.indexOf('US');

export interface TestWorld {
  readonly catalog: Catalog;
  readonly bundle: ModelBundle;
  readonly users: UserColumns;
}

export function makeTestWorld(opts: { tracks?: number; users?: number; dim?: number; seed?: number } = {}): TestWorld {
  const n = opts.tracks ?? 3000;
  const userCount = opts.users ?? 100;
  const dim = opts.dim ?? 8;
  const rnd = mulberry32(opts.seed ?? 7);
  const artistCount = Math.ceil(n / TRACKS_PER_ARTIST);
  const albumCount = Math.ceil(n / TRACKS_PER_ALBUM);
  const columns: CatalogColumns = {
    artist: new Int32Array(n),
    album: new Int32Array(n),
    genre: new Uint16Array(n),
    releaseDay: new Int32Array(n),
    durationMs: new Int32Array(n).fill(200_000),
    explicit: new Uint8Array(n),
    marketSet: new Uint32Array(n),
    popularity: new Float32Array(n),
    features: new Float32Array(0),
    albumArtist: new Int32Array(albumCount),
  };
  const masks = new Uint16Array(n);
  for (let t = 0; t < n; t++) {
    const a = Math.floor(t / TRACKS_PER_ARTIST);
    columns.artist[t] = a;
    columns.album[t] = Math.floor(t / TRACKS_PER_ALBUM);
    columns.albumArtist[Math.floor(t / TRACKS_PER_ALBUM)] = a;
    columns.genre[t] = a % 8;
    columns.releaseDay[t] = 19000 + (t % TRACKS_PER_ARTIST) * 30;
    columns.explicit[t] = t % 9 === 0 ? 1 : 0;
    let mask = 0xffff;
    if (t % 7 === 0) mask &= ~(1 << SE); // not licensed in Sweden
    if (t % 11 === 0) mask &= ~(1 << US);
    masks[t] = mask;
    columns.popularity[t] = Math.pow(rnd(), 3);
  }
  const { marketSets, marketSet } = marketSetsFromMasks(masks, MARKETS.length);
  columns.marketSet.set(marketSet);
  const catalog: Catalog = {
    trackCount: n,
    artistCount,
    albumCount,
    featureDim: 0,
    featureNames: [],
    genres: [{ id: 0, name: 'Pop', parent: -1 }],
    markets: [...MARKETS],
    marketSets,
    trackIds: sequentialIds('t', n),
    artistIds: sequentialIds('a', artistCount),
    albumIds: sequentialIds('al', albumCount),
    columns,
    trackTitle: (t: TrackIndex) => `Track ${t}`,
    artistName: (a: ArtistIndex) => `Artist ${a}`,
    albumTitle: (al: AlbumIndex) => `Album ${al}`,
    recentlyAdded: () => new Int32Array(0),
  };

  // Vectors: each artist has a centroid; tracks scatter around it; listeners sit near a few artists.
  const centroids = new Float32Array(artistCount * dim);
  for (let i = 0; i < centroids.length; i++) centroids[i] = rnd() * 2 - 1;
  const itemFactors = new Float32Array(n * dim);
  for (let t = 0; t < n; t++) {
    const a = columns.artist[t]!;
    for (let d = 0; d < dim; d++) itemFactors[t * dim + d] = centroids[a * dim + d]! + 0.3 * (rnd() * 2 - 1);
  }
  const userFactors = new Float32Array(userCount * dim);
  const favourite = new Int32Array(userCount);
  for (let u = 0; u < userCount; u++) {
    const a = Math.floor(rnd() * artistCount);
    favourite[u] = a;
    for (let d = 0; d < dim; d++) userFactors[u * dim + d] = centroids[a * dim + d]! + 0.2 * (rnd() * 2 - 1);
  }
  const users: UserColumns = {
    count: userCount,
    ids: sequentialIds('u', userCount),
    market: Uint8Array.from({ length: userCount }, (_, u) => (u % 2 === 0 ? SE : US)),
    explicitOk: Uint8Array.from({ length: userCount }, (_, u) => (u % 5 === 0 ? 0 : 1)),
  };

  const byPopularity = Int32Array.from({ length: n }, (_, t) => t).sort((a, b) => columns.popularity[b]! - columns.popularity[a]!);
  const inMarket = (m: number): Int32Array => byPopularity.filter((t) => marketSets.has(columns.marketSet[t]!, m)).subarray(0, 500);

  // (YtY + lambda I), as training stores it, so that online fold-in works on this bundle.
  const lambda = 1;
  const gram = new Float32Array(dim * dim);
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) gram[a * dim + b]! += itemFactors[t * dim + a]! * itemFactors[t * dim + b]!;
  }
  for (let a = 0; a < dim; a++) gram[a * dim + a]! += lambda;

  const bundle: ModelBundle = {
    version: 'test-v1',
    dir: '/nonexistent',
    dim,
    trackCount: n,
    userCount,
    itemVectors: new Float32ItemVectors(itemFactors, dim),
    userFactors,
    gram,
    lambda,
    index: {
      size: n,
      dim,
      search(query: Float32Array, k: number): VectorHits {
        // Brute force is fine for a 3000-track test world.
        const scores = new Float32Array(n);
        for (let t = 0; t < n; t++) {
          let s = 0;
          for (let d = 0; d < dim; d++) s += query[d]! * itemFactors[t * dim + d]!;
          scores[t] = s;
        }
        const order = Int32Array.from({ length: n }, (_, t) => t).sort((a, b) => scores[b]! - scores[a]!);
        const count = Math.min(k, n);
        const tracks = order.slice(0, count);
        return { tracks, scores: Float32Array.from(tracks, (t) => scores[t]!), count };
      },
      close: () => undefined,
    },
    coListen: coListenTable(columns.artist, n),
    popularity: { inMarket, inMarketGenre: (m: number) => inMarket(m) },
    artistTracks: {
      newest(a: number) {
        const first = a * TRACKS_PER_ARTIST;
        return Int32Array.from({ length: Math.max(0, Math.min(TRACKS_PER_ARTIST, n - first)) }, (_, i) => first + TRACKS_PER_ARTIST - 1 - i);
      },
    },
    userHistory: {
      recentPositives(u) {
        const a = favourite[u] ?? 0;
        return Int32Array.from({ length: 6 }, (_, i) => (a * TRACKS_PER_ARTIST + i) % n);
      },
    },
    ranker: null,
    close: () => undefined,
  };
  return { catalog, bundle, users };
}

function batch(source: string, tracks: number[], scores: number[], becauseOf: number[]): CandidateBatch {
  return { source, tracks: Int32Array.from(tracks), scores: Float32Array.from(scores), becauseOf: Int32Array.from(becauseOf), count: tracks.length };
}

/** Nearest neighbours of the listener vector. */
export class TestAnnSource implements CandidateSource {
  readonly name = 'AnnSource';
  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    if (ctx.userVector === null) return batch(this.name, [], [], []);
    const hits = ctx.bundle.index.search(ctx.userVector, limit);
    return batch(this.name, [...hits.tracks.subarray(0, hits.count)], [...hits.scores.subarray(0, hits.count)], new Array<number>(hits.count).fill(-1));
  }
}

/** Co-listening neighbours of the seed (radio) or of the history. */
export class TestCoListenSource implements CandidateSource {
  readonly name = 'CoListenSource';
  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const seeds = ctx.seedTrack !== null ? [ctx.seedTrack] : [...ctx.history];
    const tracks: number[] = [];
    const because: number[] = [];
    for (const s of seeds) {
      for (const t of ctx.bundle.coListen.neighbours(s as TrackIndex).tracks) {
        if (tracks.length >= limit) break;
        tracks.push(t);
        because.push(s);
      }
    }
    return batch(this.name, tracks, tracks.map((_, i) => 1 / (1 + i)), because);
  }
}

export class TestPopularSource implements CandidateSource {
  readonly name = 'PopularInMarketSource';
  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const list = [...ctx.bundle.popularity.inMarket(ctx.market).subarray(0, limit)];
    return batch(this.name, list, list.map((_, i) => 1 / (1 + i)), list.map(() => -1));
  }
}

export class TestNewReleasesSource implements CandidateSource {
  readonly name = 'NewReleasesSource';
  fetch(ctx: RequestContext, limit: number): CandidateBatch {
    const tracks: number[] = [];
    for (const h of ctx.history) {
      for (const t of ctx.bundle.artistTracks.newest(ctx.catalog.columns.artist[h]!).subarray(0, 2)) if (tracks.length < limit) tracks.push(t);
    }
    return batch(this.name, tracks, tracks.map((_, i) => 1 / (1 + i)), tracks.map(() => -1));
  }
}

/** Never answers in time: resolves after `ms` unless aborted. */
export class SlowSource implements CandidateSource {
  aborted = false;
  constructor(
    readonly name: string,
    private readonly ms: number,
  ) {}
  fetch(_ctx: RequestContext, _limit: number, signal: AbortSignal): Promise<CandidateBatch> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(batch(this.name, [1, 2, 3], [1, 1, 1], [-1, -1, -1])), this.ms);
      signal.addEventListener('abort', () => {
        this.aborted = true;
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
  }
}

export class FailingSource implements CandidateSource {
  constructor(readonly name: string) {}
  fetch(): CandidateBatch {
    throw new Error(`${this.name} is down`);
  }
}

export function testComponents(overrides: readonly CandidateSource[] = []): PipelineComponents {
  const byName = new Map<string, CandidateSource>();
  for (const s of [new TestAnnSource(), new TestCoListenSource(), new TestPopularSource(), new TestNewReleasesSource()]) byName.set(s.name, s);
  for (const s of overrides) byName.set(s.name, s);
  return components([...byName.values()], [new EmbeddingBlendScorer()]);
}

export function testDeps(world: TestWorld = makeTestWorld(), overrides: readonly CandidateSource[] = []): AppDeps {
  const bundle = world.bundle;
  return {
    catalog: world.catalog,
    bundles: { current: () => bundle },
    listenerState: new MemoryListenerState(),
    eventLog: new MemoryEventLog(),
    profiles: profilesFromUsers(world.users, US),
    metrics: new Registry(),
    logger: silentLogger,
    components: testComponents(overrides),
  };
}

/** Co-listening in the test world: a track's neighbours are the tracks of its artist and the next two artists. */
function coListenTable(artist: Int32Array, n: number): ModelBundle['coListen'] {
  const lists: Int32Array[] = [];
  const indptr = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) {
    const a = artist[t]!;
    const out: number[] = [];
    for (let i = 0; i < TRACKS_PER_ARTIST * 3; i++) {
      const u = (a * TRACKS_PER_ARTIST + i) % n;
      if (u !== t) out.push(u);
    }
    lists.push(Int32Array.from(out));
    indptr[t + 1] = indptr[t]! + out.length;
  }
  const tracks = new Int32Array(indptr[n]!);
  const weights = new Float32Array(indptr[n]!);
  lists.forEach((l, t) => {
    tracks.set(l, indptr[t]!);
    weights.set(Float32Array.from(l, (_, i) => 1 / (1 + i)), indptr[t]!);
  });
  return {
    indptr,
    tracks,
    weights,
    neighbours: (t: TrackIndex) => (t >= 0 && t < n ? { tracks: tracks.subarray(indptr[t]!, indptr[t + 1]!), weights: weights.subarray(indptr[t]!, indptr[t + 1]!) } : { tracks: new Int32Array(0), weights: new Float32Array(0) }),
  };
}
