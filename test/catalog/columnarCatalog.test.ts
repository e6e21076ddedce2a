import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CATALOG_FILES, loadCatalog } from '../../src/catalog/ColumnarCatalog.js';
import type { TrackIndex, ArtistIndex, AlbumIndex } from '../../src/domain/ids.js';
import { generateWorld } from '../../src/world/World.js';
import { tempDir } from '../world/helpers.js';

let root = '';
let dir = '';
before(async () => {
  root = tempDir('catalog');
  dir = path.join(root, 'world');
  await generateWorld({ tracks: 5_000, users: 200, seed: 3, out: dir });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

function copyWorld(name: string): string {
  const copy = path.join(root, name);
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

test('catalog round trip: columns load with the lengths and values written', () => {
  const c = loadCatalog(dir);
  assert.equal(c.trackCount, 5_000);
  assert.equal(c.columns.artist.length, 5_000);
  assert.equal(c.columns.features.length, 5_000 * c.featureDim);
  assert.equal(c.columns.albumArtist.length, c.albumCount);
  // the files hold exactly the little-endian bytes of the columns
  const raw = fs.readFileSync(path.join(dir, CATALOG_FILES.durationMs));
  for (const t of [0, 1234, 4999]) assert.equal(raw.readInt32LE(t * 4), c.columns.durationMs[t]);
  const gRaw = fs.readFileSync(path.join(dir, CATALOG_FILES.genre));
  assert.equal(gRaw.readUInt16LE(2 * 777), c.columns.genre[777]);
  assert.ok(c.trackTitle(0 as TrackIndex).length > 0);
  assert.ok(c.trackTitle(4999 as TrackIndex).length > 0);
  assert.equal(c.trackTitle(5000 as TrackIndex), '');
  assert.ok(c.artistName(c.columns.artist[42]! as ArtistIndex).length > 0);
  assert.ok(c.albumTitle(c.columns.album[42]! as AlbumIndex).length > 0);
  assert.equal(c.recentlyAdded().length, 0);
  // ids: a generated world's t…/a…/al… strings, one per row, found by the dictionaries
  assert.equal(c.trackIds.size, 5_000);
  assert.equal(c.artistIds.size, c.artistCount);
  assert.equal(c.albumIds.size, c.albumCount);
  for (const t of [0, 1234, 4999]) {
    assert.equal(c.trackIds.idAt(t), `t${t}`);
    assert.equal(c.trackIds.indexOf(`t${t}`), t);
  }
  assert.equal(c.trackIds.indexOf('t5000'), -1);
  assert.equal(c.artistIds.idAt(c.columns.artist[42]!), `a${c.columns.artist[42]}`);
  assert.equal(c.albumIds.indexOf(`al${c.columns.album[42]}`), c.columns.album[42]);
  // availability: the generated world's 16 markets, a few shared sets, set 0 = everywhere
  assert.equal(c.markets.length, 16);
  assert.ok(c.markets.includes('US') && c.markets.includes('SE'));
  assert.ok(c.marketSets.count > 1 && c.marketSets.count < 5_000, `${c.marketSets.count} availability sets`);
  let everywhere = 0;
  for (let t = 0; t < c.trackCount; t++) {
    assert.ok(c.columns.marketSet[t]! < c.marketSets.count);
    if (c.columns.marketSet[t] === 0) everywhere++;
  }
  assert.ok(everywhere > 0 && everywhere < c.trackCount, `${everywhere} tracks available everywhere`);
  for (let m = 0; m < c.markets.length; m++) assert.ok(c.marketSets.has(0, m));
  for (let t = 0; t < c.trackCount; t++) {
    if (c.columns.durationMs[t]! < 45_000) assert.fail(`track ${t} shorter than 45 s`);
    if (!(c.columns.popularity[t]! > 0 && c.columns.popularity[t]! <= 1)) assert.fail(`track ${t} popularity out of (0, 1]`);
  }
});

test('a format version mismatch is a coded error', () => {
  const copy = copyWorld('version');
  const file = path.join(copy, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number };
  m.version = 99;
  fs.writeFileSync(file, JSON.stringify(m));
  assert.throws(() => loadCatalog(copy), (e: { code?: string; message?: string }) => e.code === 'ENC_FORMAT' && /version 99/.test(e.message!));
});

test('a truncated column file is a coded error naming the file', () => {
  const copy = copyWorld('truncated');
  const file = path.join(copy, CATALOG_FILES.marketSet);
  fs.truncateSync(file, 100);
  assert.throws(() => loadCatalog(copy), (e: { code?: string; message?: string }) => e.code === 'ENC_FORMAT' && e.message!.includes('marketSet.bin') && /size 100 bytes/.test(e.message!));
});

test('a truncated id dictionary is a coded error naming the file', () => {
  const copy = copyWorld('truncated-ids');
  fs.truncateSync(path.join(copy, `${CATALOG_FILES.trackIds}.utf8`), 10);
  assert.throws(() => loadCatalog(copy), (e: { code?: string; message?: string }) => e.code === 'ENC_FORMAT' && e.message!.includes('track.utf8'));
});

test('a missing directory is a coded error', () => {
  assert.throws(() => loadCatalog(path.join(root, 'nope')), (e: { code?: string }) => e.code === 'ENC_FORMAT');
});
