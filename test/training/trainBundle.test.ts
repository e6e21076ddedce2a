import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, cleanup, SMALL_TRAIN } from './fixture.js';
import { trainBundle } from '../../src/training/trainBundle.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { BUNDLE_FILES, readManifest } from '../../src/model/bundleFiles.js';
import { FsBundleStore } from '../../src/storage/FsBundleStore.js';
import { EncoreError } from '../../src/domain/errors.js';
import { storedItemFactors } from '../model/storedFactors.js';

after(async () => cleanup(await fixture()));

test('encore train writes a complete bundle with a checksummed manifest and no temp dir', async () => {
  const f = await fixture();
  const m = readManifest(f.summary.dir);
  assert.equal(m.format, 'encore-bundle');
  assert.equal(m.trackCount, 20000);
  assert.equal(m.userCount, 2000);
  for (const name of [BUNDLE_FILES.itemFactors, 'tracks.b0.usearch', BUNDLE_FILES.coListenTracks, BUNDLE_FILES.popMarketTracks, BUNDLE_FILES.heldoutStart]) {
    assert.ok(m.files[name], `${name} in manifest`);
    assert.match(m.files[name]!.sha256, /^[0-9a-f]{64}$/);
  }
  assert.deepEqual(fs.readdirSync(f.bundlesDir).filter((n) => n.startsWith('.')), []);
  if (fs.existsSync('/proc/self/status')) {
    // Anonymous + shared memory is part of the resident set: its sampled peak cannot exceed the RSS high-water mark.
    const anon = f.summary.peakAnonMb;
    assert.ok(anon !== null && anon > 0 && anon <= f.summary.peakRssMb + 1, `anonymous ${anon} MB, RSS ${f.summary.peakRssMb} MB`);
    assert.ok((f.summary.stats.alsPeakAnonMb ?? 0) > 0, 'each phase records its anonymous peak');
  }
  const b = await loadBundle(f.summary.dir);
  assert.equal(b.index.size, 20000);
  assert.equal(b.itemVectors.count, 20000);
  assert.equal(b.itemVectors.kind, 'i8', 'the service maps the int8 vectors');
  const y = storedItemFactors(b);
  // Every unplayed track has a vector from the cold-start mapping; a played track's is ALS's (exactly zero
  // when all its evidence is negative: skipped, never completed).
  const played = new Uint8Array(b.trackCount);
  for (let i = 0; i < f.world.events.count; i++) played[f.world.events.track[i]!] = 1;
  let zeroUnplayed = 0;
  let zeroPlayed = 0;
  let playedCount = 0;
  for (let t = 0; t < b.trackCount; t++) {
    let nz = false;
    for (let k = 0; k < 32; k++) if (y[t * 32 + k] !== 0) nz = true;
    if (played[t]) playedCount++;
    if (!nz && played[t]) zeroPlayed++;
    else if (!nz) zeroUnplayed++;
  }
  assert.equal(zeroUnplayed, 0);
  assert.ok(zeroPlayed < playedCount / 2, `${zeroPlayed} of ${playedCount} played tracks without a vector`);
  assert.ok(b.popularity.inMarket(0).length > 0);
  b.close();
});

test('held-out last sessions are excluded from the user history', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const m = readManifest(f.summary.dir);
  const start = new Int32Array(fs.readFileSync(path.join(f.summary.dir, BUNDLE_FILES.heldoutStart)).buffer.slice(0));
  const end = new Int32Array(fs.readFileSync(path.join(f.summary.dir, BUNDLE_FILES.heldoutEnd)).buffer.slice(0));
  assert.equal(start.length, m.userCount);
  const ev = f.world.events;
  let usersWithHeldout = 0;
  for (let u = 0; u < m.userCount; u++) {
    if (end[u]! <= start[u]!) continue;
    usersWithHeldout++;
    // The held-out range is exactly one session, and it is the user's last.
    const s = ev.session[start[u]!]!;
    for (let i = start[u]!; i < end[u]!; i++) {
      assert.equal(ev.user[i], u);
      assert.equal(ev.session[i], s);
    }
    assert.ok(end[u] === ev.count || ev.user[end[u]!] !== u);
    assert.ok(start[u]! > 0 && ev.user[start[u]! - 1] === u, 'the user keeps earlier sessions for training');
  }
  assert.ok(usersWithHeldout > m.userCount / 2);
  b.close();
});

test('training is deterministic for a seed (factors, tables, index bands, ranker), and the seed matters', async () => {
  const f = await fixture();
  const again = await trainBundle({ ...SMALL_TRAIN, worldDir: f.world.dir, bundlesDir: f.bundlesDir, world: f.world });
  const a = readManifest(f.summary.dir).files;
  const b = readManifest(again.dir).files;
  // Every file but meta.json and ranker-eval.json (they record timings) is the same, the index bands (one thread per band graph) and
  // the learned ranker (trained on candidates from those bands) included.
  assert.ok(Object.keys(a).some((name) => name.startsWith(BUNDLE_FILES.indexBandPrefix)));
  assert.ok(BUNDLE_FILES.ranker in a, 'the fixture keeps a ranker');
  for (const name of Object.keys(a)) {
    if (name === BUNDLE_FILES.meta || name === 'ranker-eval.json') continue;
    assert.equal(b[name]?.sha256, a[name]!.sha256, name);
  }
  const other = await trainBundle({ ...SMALL_TRAIN, seed: 8, worldDir: f.world.dir, bundlesDir: f.bundlesDir, world: f.world });
  assert.notEqual(readManifest(other.dir).files[BUNDLE_FILES.itemFactors]!.sha256, a[BUNDLE_FILES.itemFactors]!.sha256);
  const store = new FsBundleStore(f.bundlesDir);
  assert.equal((await store.versions()).length, 3);
  fs.rmSync(again.dir, { recursive: true });
  fs.rmSync(other.dir, { recursive: true });
});

test('a build that fails midway leaves no bundle visible', async () => {
  const f = await fixture();
  const store = new FsBundleStore(f.bundlesDir);
  const before = await store.versions();
  await assert.rejects(
    trainBundle({ ...SMALL_TRAIN, worldDir: f.world.dir, bundlesDir: f.bundlesDir, world: f.world, index: { connectivity: -1, expansionAdd: 1, expansionSearch: 1, bands: 2, bandRatio: 2, minBandSize: 100 } }),
  );
  assert.deepEqual(await store.versions(), before);
  assert.deepEqual(fs.readdirSync(f.bundlesDir).filter((n) => n.startsWith('.')), []);
});

test('corrupt, truncated or incompatible bundles are rejected with a coded error', async () => {
  const f = await fixture();
  const copy = path.join(f.root, 'copy');
  const fresh = (): string => {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(f.summary.dir, copy, { recursive: true });
    return copy;
  };
  const rejected = (e: unknown): boolean => e instanceof EncoreError && e.code === 'ENC_BUNDLE_REJECTED';
  // Flipped byte in the item vectors the service maps.
  let dir = fresh();
  const file = path.join(dir, BUNDLE_FILES.itemCodes);
  const bytes = fs.readFileSync(file);
  bytes[1000] = bytes[1000]! ^ 0xff;
  fs.writeFileSync(file, bytes);
  await assert.rejects(loadBundle(dir), rejected);
  // Truncated index.
  dir = fresh();
  const idx = path.join(dir, 'tracks.b0.usearch');
  fs.truncateSync(idx, fs.statSync(idx).size - 100);
  await assert.rejects(loadBundle(dir, { verify: 'sizes' }), rejected);
  // Missing file.
  dir = fresh();
  fs.rmSync(path.join(dir, BUNDLE_FILES.coListenTracks));
  await assert.rejects(loadBundle(dir, { verify: 'sizes' }), rejected);
  // Incompatible format version.
  dir = fresh();
  const mf = path.join(dir, 'manifest.json');
  fs.writeFileSync(mf, JSON.stringify({ ...JSON.parse(fs.readFileSync(mf, 'utf8')), version: 99 }));
  await assert.rejects(loadBundle(dir), rejected);
  // The intact copy loads.
  dir = fresh();
  (await loadBundle(dir)).close();
});

test('--events-log merges the service event log into training', async () => {
  const f = await fixture();
  const { openEventLog } = await import('../../src/storage/open.js');
  const logDir = path.join(f.root, 'events.lmdb');
  const url = `lmdb://${logDir}`;
  const log = await openEventLog(url);
  const now = f.world.manifest.nowMs;
  await log.append([
    { eventId: 'e1', type: 'play_start', userId: 'u3', trackId: 't17', timestamp: now + 1000 },
    { eventId: 'e2', type: 'complete', userId: 'u3', trackId: 't17', timestamp: now + 200_000 },
    { eventId: 'e3', type: 'like', userId: 'u3', trackId: 't17', timestamp: now + 200_001 },
  ]);
  await log.close();
  const s = await trainBundle({ ...SMALL_TRAIN, iterations: 1, worldDir: f.world.dir, bundlesDir: path.join(f.root, 'bundles-log'), world: f.world, eventsLog: url, holdOut: false });
  assert.equal(s.stats.eventLogMerged, 3);
  // Without hold-out every session, the merged one included, is training data.
  const start = new Int32Array(fs.readFileSync(path.join(s.dir, BUNDLE_FILES.heldoutStart)).buffer.slice(0));
  const end = new Int32Array(fs.readFileSync(path.join(s.dir, BUNDLE_FILES.heldoutEnd)).buffer.slice(0));
  assert.deepEqual(start, end);
  const b = await loadBundle(s.dir, { verify: 'sizes' });
  assert.equal(b.userHistory.recentPositives(3 as never)[0], 17, 'the logged like is the newest history entry');
  b.close();
});

test('an erased listener is left out of the next bundle: no vector, no history, their logged events unmerged', async () => {
  const f = await fixture();
  const { openEventLog } = await import('../../src/storage/open.js');
  const url = `lmdb://${path.join(f.root, 'events-erased.lmdb')}`;
  const log = await openEventLog(url);
  const now = f.world.manifest.nowMs;
  const gone = f.world.users.ids.idAt(5);
  const kept = f.world.users.ids.idAt(6);
  await log.append([
    { eventId: 'x1', type: 'complete', userId: gone, trackId: 't17', timestamp: now + 1000 },
    { eventId: 'x2', type: 'complete', userId: kept, trackId: 't18', timestamp: now + 1000 },
  ]);
  const ev = f.world.events;
  assert.ok(ev.userStart[6]! > ev.userStart[5]!, 'the fixture gives the erased listener a history');
  await log.erase(gone);
  await log.close();
  const s = await trainBundle({ ...SMALL_TRAIN, iterations: 2, worldDir: f.world.dir, bundlesDir: path.join(f.root, 'bundles-erased'), world: f.world, eventsLog: url, holdOut: false });
  assert.equal(s.stats.eventLogMerged, 1, 'only the kept listener\'s logged event');
  assert.equal(s.stats.erasedListeners, 1);
  const b = await loadBundle(s.dir, { verify: 'sizes' });
  try {
    const row = b.userIds!.indexOf(gone);
    let norm = 0;
    for (let d = 0; d < b.dim; d++) norm += b.userFactors[row * b.dim + d]! ** 2;
    assert.ok(norm < 1e-12, `erased listener still has a vector (|x|² = ${norm})`);
    assert.equal(b.userHistory.recentPositives(row as never).length, 0, 'no history either');
    const other = b.userIds!.indexOf(kept);
    assert.equal(b.userHistory.recentPositives(other as never)[0], 18, 'others keep theirs');
  } finally {
    b.close();
  }
});
