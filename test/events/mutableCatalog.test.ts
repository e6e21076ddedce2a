import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import { isAvailable, marketIndex } from '../../src/domain/markets.js';
import { tinyCatalog } from './tinyCatalog.js';

const newTrack = (id: number, over: object = {}) => ({
  trackId: `t${id}`,
  title: `New ${id}`,
  artistId: 'a3',
  genre: 'Jazz',
  releaseDate: '2026-11-20',
  durationMs: 180_000,
  explicit: false,
  markets: ['US', 'DE'],
  features: { energy: 0.9, valence: 0.1 },
  ...over,
});

test('a new track is appended with dense ids and shows in recentlyAdded, newest first', () => {
  const c = new MutableCatalog(tinyCatalog(200));
  assert.deepEqual([...c.recentlyAdded()], []);
  assert.equal(c.upsert(newTrack(200)).kind, 'added');
  assert.equal(c.upsert(newTrack(201, { albumId: 'al21', albumTitle: 'Fresh' })).kind, 'added');
  assert.equal(c.trackCount, 202);
  assert.equal(c.albumCount, 22, 'a single al20 for t200 and the new album al21');
  assert.deepEqual([...c.recentlyAdded()], [201, 200]);
  const cols = c.columns;
  assert.equal(cols.artist.length, 202);
  assert.equal(cols.artist[200], 3);
  assert.equal(cols.genre[201], 2);
  assert.equal(cols.releaseDay[200], Math.floor(Date.UTC(2026, 10, 20) / 86_400_000));
  assert.ok(isAvailable(cols.markets[200]!, marketIndex('DE')));
  assert.ok(!isAvailable(cols.markets[200]!, marketIndex('GB')));
  assert.equal(cols.features[200 * 4], Math.fround(0.9));
  assert.equal(cols.features[200 * 4 + 2], 0);
  assert.equal(cols.features.length, 202 * 4);
  assert.equal(c.trackTitle(201 as never), 'New 201');
  assert.equal(c.albumTitle(c.columns.album[201] as never), 'Fresh');
  assert.equal(c.columns.albumArtist[c.columns.album[200]!], 3);
  // existing tracks are untouched by the copy
  assert.equal(cols.artist[199], 199 % 20);
  assert.equal(c.trackTitle(5 as never), 'Track 5');
  c.markCovered(201);
  assert.deepEqual([...c.recentlyAdded()], [201]);
});

test('many appends grow the columns and keep every value', () => {
  const c = new MutableCatalog(tinyCatalog(50));
  for (let t = 50; t < 5000; t++) assert.equal(c.upsert(newTrack(t, { durationMs: t + 1 })).kind, 'added');
  assert.equal(c.trackCount, 5000);
  for (let t = 50; t < 5000; t++) assert.equal(c.columns.durationMs[t], t + 1);
  assert.equal(c.recentlyAdded()[0], 4999);
});

test('a licence ending in a market is written in place into the markets column', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const before = c.columns;
  assert.equal(c.upsert({ trackId: 't7', markets: ['US'] }).kind, 'updated');
  assert.ok(!isAvailable(before.markets[7]!, marketIndex('GB')), 'readers holding the columns see it too');
  assert.ok(isAvailable(c.columns.markets[7]!, marketIndex('US')));
  assert.equal(c.upsert({ trackId: 't7', explicit: true, title: 'Renamed' }).kind, 'updated');
  assert.equal(c.columns.explicit[7], 1);
  assert.equal(c.trackTitle(7 as never), 'Renamed');
  assert.equal(c.trackCount, 100);
});

test('bad tracks are refused with a reason and change nothing', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const cases: [object, RegExp][] = [
    [newTrack(105), /next free id t100/],
    [{ trackId: 't100', title: 'x' }, /needs artistId/],
    [newTrack(100, { artistId: 'a99' }), /unknown artist/],
    [newTrack(100, { artistId: 'a20' }), /artistName/],
    [newTrack(100, { genre: 'Polka' }), /unknown genre/],
    [newTrack(100, { markets: ['XX'] }), /unknown market/],
    [newTrack(100, { features: { loudness: 1 } }), /unknown feature/],
    [newTrack(100, { releaseDate: '20-11-2026' }), /YYYY-MM-DD/],
    [{ trackId: 'x1' }, /trackId/],
  ];
  for (const [u, reason] of cases) {
    const r = c.upsert(u as never);
    assert.equal(r.kind, 'rejected', JSON.stringify(u));
    if (r.kind === 'rejected') assert.match(r.reason, reason);
  }
  assert.equal(c.trackCount, 100);
  assert.equal(c.upsert(newTrack(100, { artistId: 'a20', artistName: 'Debut' })).kind, 'added');
  assert.equal(c.artistCount, 21);
  assert.equal(c.artistName(20 as never), 'Debut');
});

test('growth for new tracks runs in the background; updates made meanwhile land in the new columns', async () => {
  const saved = MutableCatalog.growthChunkRows;
  MutableCatalog.growthChunkRows = 1000;
  try {
    const c = new MutableCatalog(tinyCatalog(10_000));
    const adding = c.submit([newTrack(10_000)]);
    // While the copy is under way (it yields between chunks), licence changes keep arriving.
    await new Promise((r) => setImmediate(r));
    assert.equal(c.upsert({ trackId: 't5', markets: ['US'] }).kind, 'updated');
    assert.equal(c.upsert({ trackId: 't9999', markets: ['DE'] }).kind, 'updated');
    const [r] = await adding;
    assert.equal(r!.kind, 'added');
    const cols = c.columns;
    assert.equal(c.trackCount, 10_001);
    assert.equal(cols.markets[5], 1 << marketIndex('US'));
    assert.equal(cols.markets[9999], 1 << marketIndex('DE'));
    assert.equal(cols.markets[4], 0xffff);
    assert.equal(cols.artist[9998], 9998 % 20);
    assert.equal(cols.artist[10_000], 3);
    assert.equal(cols.features[9999 * 4 + 1], 0.5);
    // Capacity is there now: the next new track needs no copy.
    const before = c.columns.artist.buffer;
    assert.equal((await c.submit([newTrack(10_001)]))[0]!.kind, 'added');
    assert.equal(c.columns.artist.buffer, before);
  } finally {
    MutableCatalog.growthChunkRows = saved;
  }
});
