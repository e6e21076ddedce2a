// The feed request through app.inject: the acceptance rules on a small in-memory world.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedResult } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { FailingSource, makeTestWorld, SE, SlowSource, testDeps, TRACKS_PER_ARTIST } from './fixtures.js';

const world = makeTestWorld();
const indexOf = (trackId: string): number => {
  const t = world.catalog.trackIds.indexOf(trackId);
  assert.ok(t >= 0, `unknown track id ${trackId}`);
  return t;
};
const artistOf = (trackId: string): number => world.catalog.columns.artist[indexOf(trackId)]!;

async function feed(url: string, deps = testDeps(world)): Promise<{ status: number; body: FeedResult & { message?: string } }> {
  const app = await buildApp(deps);
  try {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  } finally {
    await app.close();
  }
}

const PIPELINE_STAGES = ['Context', 'CandidateSources', 'MergeDedupe', 'RecentlyPlayedFilter', 'MarketAvailabilityFilter', 'FeatureHydration', 'ReRanker', 'Response'];

function assertRerankRules(items: FeedResult['items']): void {
  const perArtist = new Map<number, number>();
  for (let i = 0; i < items.length; i++) {
    const a = artistOf(items[i]!.trackId);
    perArtist.set(a, (perArtist.get(a) ?? 0) + 1);
    if (i > 0) assert.notEqual(a, artistOf(items[i - 1]!.trackId), `two tracks by artist ${a} in a row at ${i}`);
  }
  for (const [a, c] of perArtist) assert.ok(c <= 2, `artist ${a} has ${c} tracks`);
}

test('home feed: 30 distinct tracks, available in the market, re-ranking rules, reasons, full trace', async () => {
  const { status, body } = await feed('/v1/users/u2/feed?surface=home&limit=30'); // u2: market SE
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.items.length, 30);
  assert.equal(body.surface, 'home');
  assert.equal(body.modelVersion, 'test-v1');
  assert.equal(new Set(body.items.map((i) => i.trackId)).size, 30, 'distinct tracks');
  for (const item of body.items) {
    const t = indexOf(item.trackId);
    assert.ok(world.catalog.marketSets.has(world.catalog.columns.marketSet[t]!, SE), `${item.trackId} not available in SE`);
    assert.equal(item.artistId, world.catalog.artistIds.idAt(artistOf(item.trackId)));
    assert.equal(item.albumId, world.catalog.albumIds.idAt(world.catalog.columns.album[t]!));
    assert.ok(item.reason.length > 0, 'reason present');
    assert.ok(item.sources.length >= 1);
    assert.equal(item.artist, `Artist ${artistOf(item.trackId)}`);
    assert.match(item.album, /^Album /);
  }
  assertRerankRules(body.items);
  const stageNames = body.trace.stages.map((s) => s.name);
  for (const name of PIPELINE_STAGES) assert.ok(stageNames.includes(name), `trace lacks ${name}: ${stageNames.join(',')}`);
  for (const name of ['AnnSource', 'CoListenSource', 'PopularInMarketSource', 'NewReleasesSource']) assert.ok(stageNames.includes(name), `trace lacks source ${name}`);
  assert.ok(body.trace.totalMs > 0);
  // Album spread: no album twice while there are plenty of candidates.
  const albums = body.items.map((i) => world.catalog.columns.album[indexOf(i.trackId)]!);
  assert.equal(new Set(albums).size, albums.length);
});

test('home feed: discovery share of at least 20 % from artists the listener never played', async () => {
  const { body } = await feed('/v1/users/u3/feed');
  const history = world.bundle.userHistory.recentPositives(3 as never);
  const known = new Set([...history].map((t) => world.catalog.columns.artist[t]!));
  const discovery = body.items.filter((i) => !known.has(artistOf(i.trackId))).length;
  assert.ok(discovery >= 6, `only ${discovery} discovery tracks`);
});

test('home feed: one exploration slot carries its propensity', async () => {
  const { body } = await feed('/v1/users/u4/feed');
  const explored = body.items.filter((i) => i.exploration === true);
  assert.equal(explored.length, 1);
  const p = explored[0]!.propensity!;
  assert.ok(p > 0 && p <= 1, `propensity ${p}`);
  assert.equal(explored[0]!.reason, 'Picked for you to explore');
});

test('reasons name the played track, the market and new releases', async () => {
  const { body } = await feed('/v1/users/u2/feed');
  const reasons = body.items.map((i) => i.reason);
  assert.ok(reasons.some((r) => /^Because you played “Track \d+”$/.test(r) || r === 'Fans of your taste also play this'), reasons.join(' | '));
  for (const r of reasons) {
    assert.match(r, /^(Because you played “Track \d+”|Fans of your taste also play this|Popular in SE this week|New from Artist \d+|Picked for you to explore)$/);
  }
});

test('a listener the service has never seen gets a cold-start feed, whatever the shape of the id', async () => {
  for (const id of ['u987654321', 'bob', 'u01', '3f0c9a52-7a1e-4b8e-9a0d-2b6f1c4e8d71', 'spotify:user:ann/ä ö']) {
    const { status, body } = await feed(`/v1/users/${encodeURIComponent(id)}/feed`);
    assert.equal(status, 200, `${id}: ${JSON.stringify(body)}`);
    assert.equal(body.items.length, 30);
    assertRerankRules(body.items);
    assert.ok(body.items.every((i) => i.reason.length > 0));
  }
});

test('a listener the world does not know may name a market and the explicit setting with the request', async () => {
  const { status, body } = await feed('/v1/users/newcomer/feed?market=SE&explicit=false');
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.items.length, 30);
  for (const item of body.items) {
    const t = indexOf(item.trackId);
    assert.ok(world.catalog.marketSets.has(world.catalog.columns.marketSet[t]!, SE), `${item.trackId} not available in SE`);
    assert.equal(world.catalog.columns.explicit[t], 0, `${item.trackId} is explicit`);
  }
});

test('radio continues from the seed: seed excluded, reasons refer to the seed', async () => {
  const seed = 1234;
  const { status, body } = await feed(`/v1/users/u1/feed?surface=radio&seedTrackId=t${seed}&limit=20`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.surface, 'radio');
  assert.equal(body.items.length, 20);
  assert.ok(!body.items.some((i) => i.trackId === `t${seed}`));
  assert.ok(body.items.some((i) => i.reason === 'Similar to your radio seed'));
  const seedArtist = Math.floor(seed / TRACKS_PER_ARTIST);
  assert.ok(body.items.filter((i) => artistOf(i.trackId) === seedArtist).length <= 2);
  assertRerankRules(body.items);
});

test('a slow source is cut off and reported as degraded; the feed still has 30 tracks', async () => {
  const slow = new SlowSource('CoListenSource', 5_000);
  const { status, body } = await feed('/v1/users/u2/feed', testDeps(world, [slow]));
  assert.equal(status, 200);
  assert.equal(body.items.length, 30);
  const stage = body.trace.stages.find((s) => s.name === 'CoListenSource');
  assert.equal(stage?.status, 'timeout');
  assert.ok(body.degraded.some((d) => d.component === 'CoListenSource' && /timed out/.test(d.reason)), JSON.stringify(body.degraded));
  assert.ok(slow.aborted, 'the slow source was told to stop');
  assert.ok(body.trace.totalMs < 5_000);
});

test('every regular source failing still answers from the fallback, with the failures listed', async () => {
  const deps = testDeps(world, ['AnnSource', 'CoListenSource', 'PopularInMarketSource', 'NewReleasesSource', 'ColdStartSource'].map((n) => new FailingSource(n)));
  const { status, body } = await feed('/v1/users/u2/feed', deps);
  assert.equal(status, 200);
  assert.equal(body.items.length, 30);
  assert.ok(body.items.every((i) => i.sources[0] === 'LastResortPopular'));
  assert.ok(body.degraded.some((d) => d.component === 'AnnSource' && /down/.test(d.reason)));
  assert.ok(body.degraded.some((d) => d.component === 'CandidateSources'));
});

test('bad parameters get a 400 that says what is wrong', async () => {
  const cases: [string, RegExp][] = [
    ['/v1/users/u1/feed?limit=0', /limit/],
    ['/v1/users/u1/feed?limit=10000', /limit/],
    ['/v1/users/u1/feed?limit=abc', /limit/],
    ['/v1/users/u1/feed?surface=party', /surface must be one of "home", "radio"/],
    ['/v1/users/u1/feed?surface=radio', /needs seedTrackId/],
    ['/v1/users/u1/feed?surface=radio&seedTrackId=a%01b', /seedTrackId must not contain control characters/],
    [`/v1/users/u1/feed?surface=radio&seedTrackId=${'x'.repeat(257)}`, /seedTrackId/],
    ['/v1/users/a%0Ab/feed', /userId must not contain control characters/],
    [`/v1/users/${'u'.repeat(257)}/feed`, /userId/],
    [`/v1/users/${'é'.repeat(129)}/feed`, /userId must be at most 256 bytes/],
    ['/v1/users/u1/feed?genres=polka', /unknown genre "polka"/],
    ['/v1/users/u1/feed?market=XX', /market: "XX" is not a market of this catalog/],
    ['/v1/users/u1/feed?market=usa', /market/],
  ];
  const app = await buildApp(testDeps(world));
  try {
    for (const [url, message] of cases) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json() as { code: string; message: string };
      assert.equal(body.code === 'ENC_BAD_REQUEST' || body.code === 'ENC_UNKNOWN_SURFACE', true);
      assert.match(body.message, message, url);
    }
    for (const seed of ['t99999999', 'song7', 'spotify:track:none']) {
      const unknownSeed = await app.inject({ method: 'GET', url: `/v1/users/u1/feed?surface=radio&seedTrackId=${encodeURIComponent(seed)}` });
      assert.equal(unknownSeed.statusCode, 404, seed);
      assert.match(unknownSeed.json<{ message: string }>().message, /unknown track/);
    }
  } finally {
    await app.close();
  }
});

test('a component that breaks the pipeline itself still gets the listener a feed (safety net)', async () => {
  const broken = { name: 'AnnSource', fetch: () => ({ source: 'AnnSource', count: 5 }) as never };
  const { status, body } = await feed('/v1/users/u2/feed', testDeps(world, [broken]));
  assert.equal(status, 200);
  assert.equal(body.items.length, 30);
  assert.ok(body.degraded.some((d) => d.component === 'Pipeline'), JSON.stringify(body.degraded));
});

test('when the filters leave too few candidates the fallbacks fill the feed', async () => {
  // Every regular candidate is unlicensed in SE (t % 7 === 0); u2 listens from SE.
  const unlicensed = Array.from({ length: 200 }, (_, i) => i * 7);
  const only = (name: string) => ({
    name,
    fetch: () => ({ source: name, tracks: Int32Array.from(unlicensed), scores: new Float32Array(200).fill(1), becauseOf: new Int32Array(200).fill(-1), count: 200 }),
  });
  const deps = testDeps(world, ['AnnSource', 'CoListenSource', 'PopularInMarketSource', 'NewReleasesSource'].map(only));
  const { status, body } = await feed('/v1/users/u2/feed', deps);
  assert.equal(status, 200);
  assert.equal(body.items.length, 30);
  assert.ok(body.items.every((i) => i.sources[0] === 'LastResortPopular'));
  const market = body.trace.stages.find((s) => s.name === 'MarketAvailabilityFilter')!;
  assert.ok(market.in - market.out >= 200, JSON.stringify(market));
  assert.equal(body.trace.stages.filter((s) => s.name === 'MergeDedupe').length, 1, 'the trace keeps one pass');
});

test('online state unavailable: the feed is served without it and says so', async () => {
  const deps = {
    ...testDeps(world),
    listenerState: {
      get: () => Promise.reject(new Error('redis down')),
      apply: () => Promise.resolve(),
      setProfile: () => Promise.resolve(),
      delete: () => Promise.resolve(false),
      close: () => Promise.resolve(),
    },
  };
  const { status, body } = await feed('/v1/users/u2/feed', deps);
  assert.equal(status, 200);
  assert.equal(body.items.length, 30);
  assert.ok(body.degraded.some((d) => d.component === 'ListenerState' && /redis down/.test(d.reason)));
});
