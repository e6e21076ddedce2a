import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutableCatalog, type TrackUpsert } from '../../src/catalog/MutableCatalog.js';
import { connect } from 'nats';
import { attachCatalogChanges, parseNatsUrl } from '../../src/storage/open.js';
import { tinyCatalog } from '../events/tinyCatalog.js';
import { natsSkipReason } from './servers.js';

const release = (id: string, title = `New ${id}`): TrackUpsert => ({
  id, title, artist: { id: 'a1' }, genres: ['Rock'], releaseDate: '2026-11-25', durationMs: 200_000, explicit: false, markets: ['US', 'SE'],
  features: { energy: 0.1, valence: 0.2, tempo: 0.3, acousticness: 0.4 },
});

/** Market codes where track index `t` may be played. */
const marketsOf = (c: MutableCatalog, t: number): string[] => c.marketSets.members(c.columns.marketSet[t]!, c.markets.length).map((m) => c.markets[m]!);
const NEW_ID = 'isrc:SE-XYZ-26-00200';

test('embedded journal: accepted changes are replayed at start, rejected ones are not recorded', async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'encore-catalog-journal-'));
  try {
    const url = `lmdb://${dir}/events`;
    const a = new MutableCatalog(tinyCatalog(200));
    const router = await attachCatalogChanges(url, a);
    const results = await a.submit([release(NEW_ID), { id: 'no-artist', title: 'x' }, { id: 't3', markets: ['US'] }]);
    assert.deepEqual(results.map((r) => r.kind), ['added', 'rejected', 'updated']);
    await router.close();
    const b = new MutableCatalog(tinyCatalog(200));
    await attachCatalogChanges(url, b);
    assert.equal(b.trackCount, 201);
    assert.equal(b.trackIds.indexOf(NEW_ID), 200);
    assert.equal(b.trackTitle(200 as never), `New ${NEW_ID}`);
    assert.equal(b.trackIds.has('no-artist'), false);
    assert.deepEqual(marketsOf(b, 3), ['US'], 'the licence end survives a restart');
    assert.deepEqual([...b.recentlyAdded()], [200]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('embedded journal shared by two processes on one data directory: file order decides, both converge; a torn line is skipped', async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'encore-catalog-journal2-'));
  try {
    const url = `lmdb://${dir}/events`;
    const a = new MutableCatalog(tinyCatalog(200));
    const b = new MutableCatalog(tinyCatalog(200));
    const ra = await attachCatalogChanges(url, a);
    const rb = await attachCatalogChanges(url, b);
    const [fromA, fromB] = await Promise.all([a.submit([release(NEW_ID, 'from A')]), b.submit([release(NEW_ID, 'from B')])]);
    assert.deepEqual([fromA[0]!.kind, fromB[0]!.kind].sort(), ['added', 'updated']);
    // A crash mid-append leaves a line without its end; the next batch must survive it.
    fs.appendFileSync(`${dir}/events-catalog-changes.jsonl`, '{"w":"crashed","n":0,"u":[{"id":"t1","mar');
    await a.submit([{ id: 't7', markets: ['US'] }]);
    for (let i = 0; i < 200 && marketsOf(b, 7).length !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(marketsOf(b, 7), ['US'], 'the other process picked up the licence end');
    assert.equal(b.trackIds.indexOf(NEW_ID), 200);
    assert.equal(b.trackTitle(200 as never), a.trackTitle(200 as never));
    await ra.close();
    await rb.close();
    const c = new MutableCatalog(tinyCatalog(200));
    await attachCatalogChanges(url, c);
    assert.equal(c.trackCount, 201);
    assert.equal(c.trackIds.indexOf(NEW_ID), 200);
    assert.equal(c.trackTitle(200 as never), a.trackTitle(200 as never));
    assert.deepEqual(marketsOf(c, 7), ['US']);
    assert.equal(c.columns.marketSet[1], 0, 'the torn change was never applied: t1 is still available everywhere');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const natsSkip = await natsSkipReason();
describe('NATS catalog feed', { skip: natsSkip }, () => {
  test('every replica applies changes in stream order: same indices for new ids everywhere, licence ends reach all', async () => {
    const { servers } = parseNatsUrl(process.env.ENCORE_NATS_URL!);
    const stream = `ENCORE_CATTEST_${process.pid}_${Date.now()}`;
    const url = `nats://${servers}/${stream}`;
    const a = new MutableCatalog(tinyCatalog(200));
    const b = new MutableCatalog(tinyCatalog(200));
    const ra = await attachCatalogChanges(url, a);
    const rb = await attachCatalogChanges(url, b);
    try {
      // Both replicas race to put the same new id: the stream orders them, exactly as one server would have done —
      // the first adds it, the second updates it — and both replicas end up with the same catalog.
      const [fromA, fromB] = await Promise.all([a.submit([release(NEW_ID, 'from A')]), b.submit([release(NEW_ID, 'from B')])]);
      assert.deepEqual([fromA[0]!.kind, fromB[0]!.kind].sort(), ['added', 'updated']);
      // Two new ids in one batch from B, then one from A: every replica gives each the same index.
      await b.submit([release('spotify:track:b1'), release('spotify:track:b2')]);
      await a.submit([release('uuid/7c0e2a4b-9d1f-4e6a-b3c5-8f2d1e0a9b7c')]);
      await a.submit([{ id: 't7', markets: ['US'] }]);
      for (let i = 0; i < 200 && (b.trackCount !== a.trackCount || marketsOf(b, 7).length !== 1); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(b.trackCount, a.trackCount);
      assert.equal(a.trackCount, 204);
      for (const id of [NEW_ID, 'spotify:track:b1', 'spotify:track:b2', 'uuid/7c0e2a4b-9d1f-4e6a-b3c5-8f2d1e0a9b7c']) {
        assert.ok(a.trackIds.indexOf(id) >= 200, id);
        assert.equal(b.trackIds.indexOf(id), a.trackIds.indexOf(id), `both replicas give ${id} one index`);
      }
      assert.equal(b.trackTitle(200 as never), a.trackTitle(200 as never), 'both replicas agree on the raced track');
      assert.deepEqual(marketsOf(b, 7), ['US'], 'licence end reached replica B');
      // A replica started later replays the whole history.
      const c = new MutableCatalog(tinyCatalog(200));
      const rc = await attachCatalogChanges(url, c);
      assert.equal(c.trackCount, 204);
      assert.equal(c.trackIds.indexOf('spotify:track:b2'), a.trackIds.indexOf('spotify:track:b2'));
      assert.equal(c.trackTitle(200 as never), a.trackTitle(200 as never));
      assert.deepEqual(marketsOf(c, 7), ['US']);
      await rc.close();
    } finally {
      await ra.close();
      await rb.close();
      const nc = await connect({ servers });
      await (await nc.jetstreamManager()).streams.delete(`${stream}_CATALOG`).catch(() => undefined);
      await nc.close();
    }
  });
});
