import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, cleanup } from '../training/fixture.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { retrievalSources, CoListenSource, PopularInMarketSource, NewReleasesSource, ColdStartSource, AnnSource } from '../../src/sources/index.js';
import type { CandidateBatch, CandidateSource, RequestContext } from '../../src/pipeline/contracts.js';
import { context, state } from './context.js';
import { eligible } from '../../src/sources/candidates.js';

after(async () => cleanup(await fixture()));

const signal = new AbortController().signal;

function checkBatch(ctx: RequestContext, src: CandidateSource, b: CandidateBatch, limit: number): void {
  assert.equal(b.source, src.name);
  assert.ok(b.count <= limit);
  assert.equal(b.tracks.length, b.count);
  assert.equal(b.scores.length, b.count);
  assert.equal(b.becauseOf.length, b.count);
  assert.equal(new Set(b.tracks).size, b.count, 'no duplicates');
  for (let i = 0; i < b.count; i++) {
    assert.ok(eligible(ctx, b.tracks[i]!), 'eligible in market / explicit setting');
    if (i > 0) assert.ok(b.scores[i - 1]! >= b.scores[i]!, 'best first');
  }
}

test('every source returns named, scored, deduplicated, eligible candidates for a known listener', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const names = new Set<string>();
  for (const src of retrievalSources()) {
    names.add(src.name);
    let total = 0;
    for (let u = 0; u < 10; u++) {
      const ctx = context(b, f.world.catalog, { userIndex: u, market: f.world.users.market[u]!, explicitOk: f.world.users.explicitOk[u] === 1 });
      const batch = await src.fetch(ctx, 100, signal);
      checkBatch(ctx, src, batch, 100);
      total += batch.count;
    }
    // ColdStartSource has nothing for known listeners when no track was added online.
    if (src.name !== 'ColdStartSource') assert.ok(total > 0, `${src.name} returns candidates`);
  }
  assert.deepEqual([...names].sort(), ['AnnSource', 'ColdStartSource', 'CoListenSource', 'NewReleasesSource', 'PopularInMarketSource'].sort());
  b.close();
});

test('CoListenSource explains candidates by the played track; session plays steer it', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  // A track with co-listening neighbours, played in the current session by a brand-new listener.
  let seed = -1;
  for (let t = 0; t < b.trackCount && seed < 0; t++) if (b.coListen.neighbours(t as never).tracks.length >= 5) seed = t;
  assert.ok(seed >= 0);
  const ctx = context(b, f.world.catalog, { userIndex: null, userVector: null, history: new Int32Array(0), state: state({ sessionPlayed: [seed], recentTracks: [seed] }), market: 0, explicitOk: true });
  const batch = await new CoListenSource().fetch(ctx, 50);
  assert.ok(batch.count > 0);
  for (let i = 0; i < batch.count; i++) assert.equal(batch.becauseOf[i], seed);
  b.close();
});

test('radio: AnnSource searches around the seed track and excludes it', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const seed = b.popularity.inMarket(0)[0]!;
  const ctx = context(b, f.world.catalog, { surface: 'radio', seedTrack: seed, market: 0 });
  const batch = await new AnnSource().fetch(ctx, 50, signal);
  assert.ok(batch.count > 0);
  assert.ok(!Array.from(batch.tracks).includes(seed));
  for (let i = 0; i < batch.count; i++) assert.equal(batch.becauseOf[i], seed);
  b.close();
});

test('a new listener gets cold-start candidates from onboarding genres and market popularity', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const genre = f.world.catalog.genres.find((g) => g.parent < 0)!.id;
  const ctx = context(b, f.world.catalog, { userIndex: null, userVector: null, history: new Int32Array(0), onboardingGenres: [genre], market: 0 });
  const batch = await new ColdStartSource().fetch(ctx, 60);
  checkBatch(ctx, new ColdStartSource(), batch, 60);
  assert.equal(batch.count, 60);
  // The onboarding genre's popular tracks come first.
  const top = b.popularity.inMarketGenre(0, genre)[0]!;
  assert.equal(batch.tracks[0], top);
  const pop = await new PopularInMarketSource().fetch(ctx, 60);
  assert.ok(pop.count > 0);
  b.close();
});

test('NewReleasesSource returns the newest tracks of followed artists, followed first', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const artist = f.world.catalog.columns.artist[b.popularity.inMarket(0)[0]!]!;
  const ctx = context(b, f.world.catalog, { userIndex: null, userVector: null, history: new Int32Array(0), state: state({ followedArtists: [artist] }), market: 0 });
  const batch = await new NewReleasesSource().fetch(ctx, 10);
  assert.ok(batch.count > 0);
  for (let i = 0; i < batch.count; i++) assert.equal(f.world.catalog.columns.artist[batch.tracks[i]!], artist);
  const newest = b.artistTracks.newest(artist).filter((t) => eligible(ctx, t))[0]!;
  const day = f.world.catalog.columns.releaseDay;
  assert.equal(day[batch.tracks[0]!], day[newest]);
  // asked the day before the newest came out, it lists none of that day's tracks (the newest was first above)
  const before = await new NewReleasesSource().fetch({ ...ctx, nowMs: (day[newest]! - 1) * 86_400_000 }, 10);
  for (let i = 0; i < before.count; i++) assert.ok(day[before.tracks[i]!]! < day[newest]!);
  b.close();
});
