import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutableCatalog, type TrackUpsert } from '../../src/catalog/MutableCatalog.js';
import { EVERYWHERE, MAX_MARKETS } from '../../src/catalog/MarketSets.js';
import { checkTrackInput } from '../../src/catalog/trackInput.js';
import { tinyCatalog } from './tinyCatalog.js';

const newTrack = (id: string, over: Partial<TrackUpsert> = {}): TrackUpsert => ({
  id,
  title: `New ${id}`,
  artist: { id: 'a3' },
  genres: ['Jazz'],
  releaseDate: '2026-11-20',
  durationMs: 180_000,
  explicit: false,
  markets: ['US', 'DE'],
  features: { energy: 0.9, valence: 0.1 },
  ...over,
});

/** True when track index `t` may be played in the market with this code. */
const playable = (c: MutableCatalog, t: number, code: string): boolean => c.marketSets.has(c.columns.marketSet[t]!, c.marketIndex(code));

test('a new track is appended at the next index and shows in recentlyAdded, newest first', () => {
  const c = new MutableCatalog(tinyCatalog(200));
  assert.deepEqual([...c.recentlyAdded()], []);
  assert.equal(c.upsert(newTrack('t200')).kind, 'added');
  assert.equal(c.upsert(newTrack('t201', { album: { id: 'al21', name: 'Fresh' } })).kind, 'added');
  assert.equal(c.trackCount, 202);
  assert.equal(c.trackIds.indexOf('t200'), 200);
  assert.equal(c.trackIds.indexOf('t201'), 201);
  assert.equal(c.albumCount, 22, 'a single for t200 (album id "t200") and the new album al21');
  assert.equal(c.albumIds.idAt(c.columns.album[200]!), 't200');
  assert.equal(c.albumIds.idAt(c.columns.album[201]!), 'al21');
  assert.deepEqual([...c.recentlyAdded()], [201, 200]);
  const cols = c.columns;
  assert.equal(cols.artist.length, 202);
  assert.equal(cols.artist[200], 3);
  assert.equal(cols.genre[201], 2);
  assert.equal(cols.releaseDay[200], Math.floor(Date.UTC(2026, 10, 20) / 86_400_000));
  assert.ok(playable(c, 200, 'DE'));
  assert.ok(!playable(c, 200, 'GB'));
  assert.equal(cols.features[200 * 4], Math.fround(0.9));
  assert.equal(cols.features[200 * 4 + 2], 0);
  assert.equal(cols.features.length, 202 * 4);
  assert.equal(c.trackTitle(201 as never), 'New t201');
  assert.equal(c.albumTitle(c.columns.album[201] as never), 'Fresh');
  assert.equal(c.albumTitle(c.columns.album[200] as never), 'New t200', 'a single is named after its track');
  assert.equal(c.columns.albumArtist[c.columns.album[200]!], 3);
  // existing tracks are untouched by the copy
  assert.equal(cols.artist[199], 199 % 20);
  assert.equal(c.trackTitle(5 as never), 'Track 5');
  c.markCovered(201);
  assert.deepEqual([...c.recentlyAdded()], [201]);
});

test('upsert by an arbitrary new string id creates a track; the same id again updates it', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const ids = ['spotify:track:4uLU6hMCjMI75M1A2tKUQC', '0b7f0a4e-1c52-4f6e-9a57-2a1f3c9d8e10', 'label/catalogue no. 7', 'Björk – Jóga'];
  for (const [k, id] of ids.entries()) {
    const r = c.upsert(newTrack(id, { artist: { id: `artist:${k}`, name: `Artist ${k}` }, album: { id: `album/${k}`, name: `Album ${k}` } }));
    assert.deepEqual(r, { kind: 'added', track: 100 + k }, id);
    assert.equal(c.trackIds.indexOf(id), 100 + k);
    assert.equal(c.trackIds.idAt(100 + k), id);
    assert.equal(c.artistIds.idAt(c.columns.artist[100 + k]!), `artist:${k}`);
    assert.equal(c.artistName(c.columns.artist[100 + k] as never), `Artist ${k}`);
    assert.equal(c.albumIds.idAt(c.columns.album[100 + k]!), `album/${k}`);
  }
  assert.equal(c.trackCount, 104);
  assert.equal(c.artistCount, 24);
  assert.equal(c.albumCount, 24);
  // "t100" is just another id: it is new, whatever number it seems to carry
  assert.deepEqual(c.upsert(newTrack('t100')), { kind: 'added', track: 104 });
  assert.deepEqual(c.upsert({ id: ids[0]!, title: 'Renamed' }), { kind: 'updated', track: 100 });
  assert.equal(c.trackTitle(100 as never), 'Renamed');
  assert.equal(c.trackCount, 105);
  // an existing artist, found by id, needs no name
  assert.equal(c.upsert(newTrack('x', { artist: { id: 'artist:2' } })).kind, 'added');
  assert.equal(c.columns.artist[105], c.artistIds.indexOf('artist:2'));
  assert.equal(c.artistCount, 24);
});

test('many appends grow the columns and keep every value', () => {
  const c = new MutableCatalog(tinyCatalog(50));
  for (let t = 50; t < 5000; t++) assert.equal(c.upsert(newTrack(`t${t}`, { durationMs: t + 1 })).kind, 'added');
  assert.equal(c.trackCount, 5000);
  for (let t = 50; t < 5000; t++) {
    assert.equal(c.columns.durationMs[t], t + 1);
    assert.equal(c.trackIds.indexOf(`t${t}`), t);
  }
  assert.equal(c.recentlyAdded()[0], 4999);
});

test('a licence ending in a market is written in place into the availability column', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const before = c.columns;
  assert.equal(before.marketSet[7], EVERYWHERE);
  assert.equal(c.upsert({ id: 't7', markets: ['US'] }).kind, 'updated');
  assert.ok(!c.marketSets.has(before.marketSet[7]!, c.marketIndex('GB')), 'readers holding the columns see it too');
  assert.ok(playable(c, 7, 'US'));
  assert.ok(playable(c, 8, 'GB'), 'other tracks keep their availability');
  assert.equal(c.upsert({ id: 't7', explicit: true, title: 'Renamed' }).kind, 'updated');
  assert.equal(c.columns.explicit[7], 1);
  assert.equal(c.trackTitle(7 as never), 'Renamed');
  assert.ok(playable(c, 7, 'US') && !playable(c, 7, 'GB'), 'an update without markets keeps them');
  assert.equal(c.trackCount, 100);
});

test('a market code seen for the first time becomes a market; "everywhere" tracks are playable there too', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  assert.equal(c.marketIndex('NO'), -1);
  const markets = c.markets.length;
  assert.equal(c.upsert(newTrack('fresh', { markets: ['NO', 'SE'] })).kind, 'added');
  assert.equal(c.markets.length, markets + 1);
  assert.equal(c.markets[markets], 'NO');
  assert.equal(c.marketIndex('NO'), markets);
  assert.ok(playable(c, 100, 'NO') && playable(c, 100, 'SE') && !playable(c, 100, 'US'));
  assert.ok(playable(c, 3, 'NO'), 'set 0 covers markets that appear later');
  // a track sent without markets is available everywhere
  assert.equal(c.upsert({ id: 'anywhere', title: 'Anywhere', artist: { id: 'a1' } }).kind, 'added');
  assert.equal(c.columns.marketSet[101], EVERYWHERE);
  // two tracks with the same markets share one availability set
  assert.equal(c.upsert({ id: 't1', markets: ['SE', 'NO'] }).kind, 'updated');
  assert.equal(c.columns.marketSet[1], c.columns.marketSet[100]);
});

test('a new genre name (or parent/child path) is created on first sight', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const genres = c.genres.length;
  assert.equal(c.upsert(newTrack('p1', { genres: ['Polka'] })).kind, 'added');
  assert.equal(c.genres.length, genres + 1);
  const polka = c.genreId('polka');
  assert.notEqual(polka, null);
  assert.equal(c.columns.genre[100], polka);
  assert.equal(c.upsert(newTrack('p2', { genres: ['Polka/Electro Polka', 'Jazz'] })).kind, 'added');
  const electro = c.genreId('polka/electro polka')!;
  assert.equal(c.columns.genre[101], electro, 'the first genre listed is the primary one');
  assert.equal(c.genres.find((g) => g.id === electro)!.parent, polka);
  assert.equal(c.upsert(newTrack('p3', { genres: ['Jazz'] })).kind, 'added');
  assert.equal(c.columns.genre[102], 2, 'a known genre is found, not created');
  assert.equal(c.genres.length, genres + 2);
  assert.equal(c.upsert({ id: 'p4', title: 'No genre', artist: { id: 'a1' } }).kind, 'added');
  assert.equal(c.genres.find((g) => g.id === c.columns.genre[103])!.name, 'unknown');
});

test('bad tracks are refused with a reason and change nothing', () => {
  const c = new MutableCatalog(tinyCatalog(100));
  const tooManyMarkets = Array.from({ length: MAX_MARKETS }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
  const cases: [TrackUpsert, RegExp][] = [
    [{ id: 'n1', title: 'x' }, /needs title and artist/],
    [{ id: 'n1', artist: { id: 'a3' } }, /needs title and artist/],
    [newTrack('n1', { artist: { id: 'a99' } }), /new artist \("a99"\) needs a name/],
    [newTrack('n1', { features: { loudness: 1 } }), /unknown feature/],
    [newTrack('n1', { markets: tooManyMarkets }), /more than 256 markets/],
    [{ id: 'n1', takedown: true }, /unknown track "n1"/],
    [{ id: '' }, /^id must not be empty/],
  ];
  for (const [u, reason] of cases) {
    const r = c.upsert(u);
    assert.equal(r.kind, 'rejected', JSON.stringify(u));
    if (r.kind === 'rejected') assert.match(r.reason, reason);
  }
  assert.equal(c.trackCount, 100);
  assert.equal(c.artistCount, 20);
  assert.equal(c.markets.length, 16);
  assert.equal(c.trackIds.has('n1'), false);
  assert.equal(c.upsert(newTrack('n1', { artist: { id: 'a99', name: 'Debut' } })).kind, 'added');
  assert.equal(c.artistCount, 21);
  assert.equal(c.artistIds.indexOf('a99'), 20);
  assert.equal(c.artistName(20 as never), 'Debut');
});

test('malformed track objects are refused by checkTrackInput, field by field', () => {
  const ok = { id: 't1', title: 'x', artist: { id: 'a1', name: 'A' } };
  assert.equal(checkTrackInput(ok).kind, 'ok');
  const cases: [object, string][] = [
    [{ ...ok, id: '' }, 'id'],
    [{ ...ok, id: 'x'.repeat(257) }, 'id'],
    [{ ...ok, id: 'a\nb' }, 'id'],
    [{ ...ok, id: 7 }, 'id'],
    [{ ...ok, artist: 'a1' }, 'artist'],
    [{ ...ok, album: { id: '' } }, 'album'],
    [{ ...ok, genres: ['rock/indie/more'] }, 'genres'],
    [{ ...ok, releaseDate: '20-11-2026' }, 'releaseDate'],
    [{ ...ok, markets: ['us'] }, 'markets'],
    [{ ...ok, markets: ['USA'] }, 'markets'],
    [{ ...ok, features: { energy: 'high' } }, 'features'],
    [{ ...ok, popularity: 2 }, 'popularity'],
    [{ ...ok, durationMs: -1 }, 'durationMs'],
  ];
  for (const [raw, field] of cases) {
    const r = checkTrackInput(raw);
    assert.equal(r.kind, 'rejected', JSON.stringify(raw));
    if (r.kind === 'rejected') assert.equal(r.field, field, JSON.stringify(raw));
  }
  const clean = checkTrackInput({ ...ok, unknownField: 1 });
  assert.ok(clean.kind === 'ok' && !('unknownField' in clean.track), 'unknown fields are dropped');
});

test('growth for new tracks runs in the background; updates made meanwhile land in the new columns', async () => {
  const saved = MutableCatalog.growthChunkRows;
  MutableCatalog.growthChunkRows = 1000;
  try {
    const c = new MutableCatalog(tinyCatalog(10_000));
    const adding = c.submit([newTrack('t10000')]);
    // While the copy is under way (it yields between chunks), licence changes keep arriving.
    await new Promise((r) => setImmediate(r));
    assert.equal(c.upsert({ id: 't5', markets: ['US'] }).kind, 'updated');
    assert.equal(c.upsert({ id: 't9999', markets: ['DE'] }).kind, 'updated');
    const [r] = await adding;
    assert.equal(r!.kind, 'added');
    const cols = c.columns;
    assert.equal(c.trackCount, 10_001);
    assert.deepEqual(c.marketSets.members(cols.marketSet[5]!, c.markets.length), [c.marketIndex('US')]);
    assert.deepEqual(c.marketSets.members(cols.marketSet[9999]!, c.markets.length), [c.marketIndex('DE')]);
    assert.equal(cols.marketSet[4], EVERYWHERE);
    assert.equal(cols.artist[9998], 9998 % 20);
    assert.equal(cols.artist[10_000], 3);
    assert.equal(cols.features[9999 * 4 + 1], 0.5);
    // Capacity is there now: the next new track needs no copy.
    const before = c.columns.artist.buffer;
    assert.equal((await c.submit([newTrack('t10001')]))[0]!.kind, 'added');
    assert.equal(c.columns.artist.buffer, before);
  } finally {
    MutableCatalog.growthChunkRows = saved;
  }
});
