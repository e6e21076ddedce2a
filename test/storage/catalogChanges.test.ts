import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutableCatalog, type TrackUpsert } from '../../src/catalog/MutableCatalog.js';
import { isAvailable, marketIndex } from '../../src/domain/markets.js';
import { connect } from 'nats';
import { attachCatalogChanges, parseNatsUrl } from '../../src/storage/open.js';
import { tinyCatalog } from '../events/tinyCatalog.js';
import { natsSkipReason } from './servers.js';

const release = (id: number, title = `New ${id}`): TrackUpsert => ({
  trackId: `t${id}`, title, artistId: 'a1', genre: 1, releaseDate: '2026-11-25', durationMs: 200_000, explicit: false, markets: ['US', 'SE'], features: [0.1, 0.2, 0.3, 0.4],
});

test('embedded journal: accepted changes are replayed at start, rejected ones are not recorded', async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'encore-catalog-journal-'));
  try {
    const url = `lmdb://${dir}/events`;
    const a = new MutableCatalog(tinyCatalog(200));
    const router = await attachCatalogChanges(url, a);
    const results = await a.submit([release(200), release(205), { trackId: 't3', markets: ['US'] }]);
    assert.deepEqual(results.map((r) => r.kind), ['added', 'rejected', 'updated']);
    await router.close();
    const b = new MutableCatalog(tinyCatalog(200));
    await attachCatalogChanges(url, b);
    assert.equal(b.trackCount, 201);
    assert.equal(b.trackTitle(200 as never), 'New 200');
    assert.ok(!isAvailable(b.columns.markets[3]!, marketIndex('SE')), 'the licence end survives a restart');
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
    const [fromA, fromB] = await Promise.all([a.submit([release(200, 'from A')]), b.submit([release(200, 'from B')])]);
    assert.deepEqual([fromA[0]!.kind, fromB[0]!.kind].sort(), ['added', 'updated']);
    // A crash mid-append leaves a line without its end; the next batch must survive it.
    fs.appendFileSync(`${dir}/events-catalog-changes.jsonl`, '{"w":"crashed","n":0,"u":[{"trackId":"t1","mar');
    await a.submit([{ trackId: 't7', markets: ['US'] }]);
    for (let i = 0; i < 200 && b.columns.markets[7] !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(b.columns.markets[7], 1, 'the other process picked up the licence end');
    assert.equal(b.trackTitle(200 as never), a.trackTitle(200 as never));
    await ra.close();
    await rb.close();
    const c = new MutableCatalog(tinyCatalog(200));
    await attachCatalogChanges(url, c);
    assert.equal(c.trackCount, 201);
    assert.equal(c.trackTitle(200 as never), a.trackTitle(200 as never));
    assert.equal(c.columns.markets[7], 1);
    assert.equal(c.columns.markets[1], 0xffff, 'the torn change was never applied');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const natsSkip = await natsSkipReason();
describe('NATS catalog feed', { skip: natsSkip }, () => {
  test('every replica applies changes in stream order: same dense ids everywhere, licence ends reach all', async () => {
    const { servers } = parseNatsUrl(process.env.ENCORE_NATS_URL!);
    const stream = `ENCORE_CATTEST_${process.pid}_${Date.now()}`;
    const url = `nats://${servers}/${stream}`;
    const a = new MutableCatalog(tinyCatalog(200));
    const b = new MutableCatalog(tinyCatalog(200));
    const ra = await attachCatalogChanges(url, a);
    const rb = await attachCatalogChanges(url, b);
    try {
      // Both replicas race to put t200: the stream orders them, exactly as one server would have done —
      // the first adds it, the second updates it — and both replicas end up with the same catalog.
      const [fromA, fromB] = await Promise.all([a.submit([release(200, 'from A')]), b.submit([release(200, 'from B')])]);
      assert.deepEqual([fromA[0]!.kind, fromB[0]!.kind].sort(), ['added', 'updated']);
      await a.submit([{ trackId: 't7', markets: ['US'] }]);
      for (let i = 0; i < 200 && (b.trackCount !== a.trackCount || b.columns.markets[7] !== a.columns.markets[7]); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(b.trackCount, a.trackCount);
      assert.equal(b.trackTitle(200 as never), a.trackTitle(200 as never), 'both replicas agree on t200');
      assert.equal(b.columns.markets[7], 1, 'licence end reached replica B');
      // A replica started later replays the whole history.
      const c = new MutableCatalog(tinyCatalog(200));
      const rc = await attachCatalogChanges(url, c);
      assert.equal(c.trackCount, 201);
      assert.equal(c.trackTitle(200 as never), a.trackTitle(200 as never));
      assert.equal(c.columns.markets[7], 1);
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
