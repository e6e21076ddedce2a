// recommend() in process (the offline mode's entry point): no HTTP, no online state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EncoreError } from '../../src/domain/errors.js';
import { home } from '../../src/surfaces/home.js';
import { recommend, type RecommendDeps } from '../../src/pipeline/recommend.js';
import { profilesFromUsers } from '../../src/pipeline/UserProfiles.js';
import { makeTestWorld, testComponents, US } from '../feed/fixtures.js';

const world = makeTestWorld();
const deps: RecommendDeps = {
  catalog: world.catalog,
  bundles: { current: () => world.bundle },
  profiles: profilesFromUsers(world.users, US),
  listenerState: null,
  components: testComponents(),
};

test('same request id and time give the same feed (reproducible exploration)', async () => {
  const a = await recommend(deps, { userId: 'u9', surface: 'home', limit: 30, requestId: 'r1', nowMs: 1 });
  const b = await recommend(deps, { userId: 'u9', surface: 'home', limit: 30, requestId: 'r1', nowMs: 1 });
  assert.deepEqual(a.items, b.items);
});

test('diversity:false keeps the plain score order; excludeTracks removes tracks', async () => {
  const plain = await recommend(deps, { userId: 'u9', surface: 'home', limit: 20, diversity: false, requestId: 'r2' });
  assert.equal(plain.items.length, 20);
  assert.ok(plain.items.every((i) => i.exploration !== true));
  for (let i = 1; i < plain.items.length; i++) assert.ok(plain.items[i - 1]!.score >= plain.items[i]!.score);
  const exclude = plain.items.slice(0, 10).map((i) => world.catalog.trackIds.indexOf(i.trackId));
  const next = await recommend(deps, { userId: 'u9', surface: 'home', limit: 20, diversity: false, excludeTracks: exclude });
  const ids = new Set(next.items.map((i) => world.catalog.trackIds.indexOf(i.trackId)));
  for (const t of exclude) assert.ok(!ids.has(t));
  const stage = next.trace.stages.find((s) => s.name === 'ExcludedTrackFilter');
  assert.ok(stage && stage.in - stage.out >= 10);
});

test('coded errors for bad requests', async () => {
  await assert.rejects(recommend(deps, { userId: 'u1', surface: 'nope', limit: 30 }), (e: unknown) => e instanceof EncoreError && e.httpStatus === 400);
  await assert.rejects(recommend(deps, { userId: 'u1', surface: 'home', limit: 0 }), (e: unknown) => e instanceof EncoreError && e.httpStatus === 400);
  for (const userId of ['', 'a\u0000b', 'x'.repeat(257), '\ud800']) {
    await assert.rejects(recommend(deps, { userId, surface: 'home', limit: 5 }), (e: unknown) => e instanceof EncoreError && e.httpStatus === 400, JSON.stringify(userId));
  }
  await assert.rejects(recommend(deps, { userId: 'u1', surface: 'radio', limit: 5, seedTrackId: 'no such track' }), (e: unknown) => e instanceof EncoreError && e.httpStatus === 404);
  // any well-formed id is a listener: one the world does not know gets a cold-start feed
  assert.equal((await recommend(deps, { userId: 'x', surface: 'home', limit: 5 })).items.length, 5);
});

test('a request that queued past its budget skips the sources and is served from the fallbacks', async () => {
  const r = await recommend(deps, { userId: 'u9', surface: 'home', limit: 30, receivedAt: performance.now() - 1000 });
  assert.equal(r.items.length, 30);
  assert.ok(r.items.every((i) => i.sources[0] === 'LastResortPopular'));
  assert.equal(r.trace.stages.find((s) => s.name === 'AnnSource')?.status, 'skipped');
  assert.ok(r.degraded.some((d) => d.component === 'CoListenSource' && /no time left/.test(d.reason)), JSON.stringify(r.degraded));
  assert.ok(r.trace.totalMs >= 1000, 'the trace counts from arrival');
});

test('load shedding: a request that queued past AnnSource.shedAfterMs skips it, the cheaper sources still answer', async () => {
  const shedAfter = home.sources.find((s) => s.name === 'AnnSource')!.shedAfterMs!;
  const r = await recommend(deps, { userId: 'u9', surface: 'home', limit: 30, receivedAt: performance.now() - (shedAfter + 15) });
  assert.equal(r.items.length, 30);
  const ann = r.trace.stages.find((s) => s.name === 'AnnSource')!;
  assert.equal(ann.status, 'skipped');
  assert.match(ann.detail ?? '', /shed/);
  assert.equal(r.trace.stages.find((s) => s.name === 'CoListenSource')?.status, 'ok');
  assert.ok(r.degraded.some((d) => d.component === 'AnnSource' && /shed under load/.test(d.reason)));
  assert.ok(!r.items.some((i) => i.sources.includes('AnnSource')));
  const fresh = await recommend(deps, { userId: 'u9', surface: 'home', limit: 30 });
  assert.equal(fresh.trace.stages.find((s) => s.name === 'AnnSource')?.status, 'ok');
});

test('load shedding: while the process is saturated AnnSource is shed, other sources answer', async () => {
  const r = await recommend({ ...deps, load: { overloaded: () => true } }, { userId: 'u9', surface: 'home', limit: 30 });
  assert.equal(r.items.length, 30);
  assert.equal(r.trace.stages.find((s) => s.name === 'AnnSource')?.status, 'skipped');
  assert.ok(r.degraded.some((d) => d.component === 'AnnSource' && /saturated/.test(d.reason)));
  assert.equal(r.trace.stages.find((s) => s.name === 'CoListenSource')?.status, 'ok');
  const calm = await recommend({ ...deps, load: { overloaded: () => false } }, { userId: 'u9', surface: 'home', limit: 30 });
  assert.ok(!calm.degraded.some((d) => d.component === 'AnnSource'));
});
