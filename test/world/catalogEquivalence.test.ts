// Generated vs imported: `encore world --export jsonl --ids uuid` then `encore import --format jsonl` gives back the
// generated world up to the id mapping (catalog columns, names, genres, availability, features, popularity, events).
// What the export does not carry (listeners' signup days, sub-ms timestamps) is listed in
// src/world/exportWorld.ts; sessions are re-derived from 30-minute gaps and compared as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportIdMaps, exportWorld } from '../../src/world/exportWorld.js';
import { importCatalog } from '../../src/world/importers/catalogImport.js';
import { SESSION_GAP_MS } from '../../src/world/importers/writeImportedWorld.js';
import { WORLD_NOW_MS } from '../../src/world/timeline.js';
import { generateWorld, openWorld, type World } from '../../src/world/World.js';
import { tempDir } from './helpers.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/encore.js');

const genrePathOf = (w: World, g: number): string => {
  const genre = w.catalog.genres[g]!;
  return genre.parent >= 0 ? `${w.catalog.genres[genre.parent]!.name}/${genre.name}` : genre.name;
};
const marketsOf = (w: World, t: number): string => {
  const c = w.catalog;
  const s = c.columns.marketSet[t]!;
  return c.marketSets.isEverywhere(s) ? '*' : c.marketSets.members(s, c.markets.length).map((m) => c.markets[m]).sort().join(',');
};

/** The JSONL export rewritten as the two CSV files (RFC 4180 quoting, lists joined with |, feature:<name> columns). */
function toCsv(tracksFile: string, eventsFile: string, dir: string): { tracks: string; events: string } {
  const q = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = (f: string): Record<string, any>[] => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  const tracks = lines(tracksFile);
  const feats = Object.keys(tracks[0]!.features as object);
  const t = [['id', 'title', 'artistId', 'artistName', 'albumId', 'albumName', 'genres', 'releaseDate', 'durationMs', 'explicit', 'markets', 'popularity', ...feats.map((f) => `feature:${f}`)].join(',')];
  for (const o of tracks) {
    t.push([o.id, o.title, o.artist.id, o.artist.name, o.album.id, o.album.name, o.genres.join('|'), o.releaseDate, o.durationMs, o.explicit, o.markets?.join('|'), o.popularity, ...feats.map((f) => o.features[f])].map(q).join(','));
  }
  const e = ['eventId,type,userId,trackId,timestamp,position'];
  for (const o of lines(eventsFile)) e.push([o.eventId, o.type, o.userId, o.trackId, o.timestamp, o.position].map(q).join(','));
  const out = { tracks: path.join(dir, 'tracks.csv'), events: path.join(dir, 'events.csv') };
  fs.writeFileSync(out.tracks, t.join('\r\n') + '\r\n');
  fs.writeFileSync(out.events, e.join('\n') + '\n');
  return out;
}

test('a generated world exported with UUIDs and imported through JSONL is the same world up to the id mapping', async () => {
  const dir = tempDir('equiv');
  try {
    const genDir = path.join(dir, 'gen');
    await generateWorld({ tracks: 3000, users: 300, seed: 21, out: genDir });
    const ex = exportWorld(genDir, { ids: 'uuid', seed: 21 });
    const impDir = path.join(dir, 'imp');
    const s = await importCatalog({ format: 'jsonl', catalog: ex.tracksFile, events: ex.eventsFile, out: impDir, nowMs: WORLD_NOW_MS });
    assert.deepEqual(s.badRows, []);
    const g = openWorld(genDir);
    const w = openWorld(impDir);
    const ids = exportIdMaps(g, 'uuid', 21);
    const gc = g.catalog, wc = w.catalog;

    // ids: UUIDs, unique, the tracks in file order (= the generated order)
    assert.equal(wc.trackCount, gc.trackCount);
    assert.equal(wc.artistCount, gc.artistCount);
    assert.equal(wc.albumCount, gc.albumCount);
    for (let t = 0; t < gc.trackCount; t++) assert.equal(wc.trackIds.idAt(t), ids.track(t));
    assert.match(wc.trackIds.idAt(0), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let a = 0; a < gc.artistCount; a++) assert.equal(wc.artistIds.idAt(a), ids.artist(a));
    for (let al = 0; al < gc.albumCount; al++) assert.equal(wc.albumIds.idAt(al), ids.album(al));

    // catalog columns
    const col = gc.columns, wcol = wc.columns;
    assert.deepEqual(wcol.artist, col.artist);
    assert.deepEqual(wcol.album, col.album);
    assert.deepEqual(wcol.albumArtist, col.albumArtist);
    assert.deepEqual(wcol.releaseDay, col.releaseDay);
    assert.deepEqual(wcol.durationMs, col.durationMs);
    assert.deepEqual(wcol.explicit, col.explicit);
    assert.deepEqual(wcol.popularity, col.popularity);
    assert.deepEqual(wc.featureNames, gc.featureNames);
    assert.deepEqual(wcol.features, col.features);
    assert.deepEqual(wcol.marketSet, col.marketSet); // sets are numbered by first use in both
    for (let t = 0; t < gc.trackCount; t++) {
      assert.equal(genrePathOf(w, wcol.genre[t]!), genrePathOf(g, col.genre[t]!));
      assert.equal(marketsOf(w, t), marketsOf(g, t));
      assert.equal(wc.trackTitle(t as never), gc.trackTitle(t as never));
    }
    for (let a = 0; a < gc.artistCount; a++) assert.equal(wc.artistName(a as never), gc.artistName(a as never));
    for (let al = 0; al < gc.albumCount; al++) assert.equal(wc.albumTitle(al as never), gc.albumTitle(al as never));
    assert.deepEqual([...wc.markets].sort(), [...new Set(Array.from({ length: gc.trackCount }, (_, t) => marketsOf(g, t).split(',')).flat().filter((m) => m !== '*'))].sort());

    // listeners: those with events, in generated order; events identical up to whole milliseconds
    const gUsers: number[] = [];
    for (let u = 0; u < g.users.count; u++) if (g.events.userStart[u + 1]! > g.events.userStart[u]!) gUsers.push(u);
    assert.equal(w.users.count, gUsers.length);
    gUsers.forEach((gu, j) => assert.equal(w.users.ids.idAt(j), ids.user(gu)));
    const ge = g.events, we = w.events;
    assert.equal(we.count, ge.count);
    assert.deepEqual(we.track, ge.track);
    assert.deepEqual(we.type, ge.type);
    assert.deepEqual(we.positionMs, ge.positionMs);
    assert.deepEqual(we.timestampMs, ge.timestampMs.map(Math.floor));
    for (let i = 0; i < ge.count; i++) assert.equal(gUsers[we.user[i]!], ge.user[i]);
    assert.equal(w.manifest.counts.plays, g.manifest.counts.plays);
    assert.equal(w.manifest.nowMs, g.manifest.nowMs);
    // sessions: the import starts one at every gap over 30 minutes; the generator's sessions are at least that apart
    // except where two of them happen to fall closer, which then merge
    let boundariesKept = 0, generated = 0, split = 0;
    for (let i = 1; i < ge.count; i++) {
      const gNew = ge.session[i] !== ge.session[i - 1];
      const wNew = we.session[i] !== we.session[i - 1];
      if (gNew) generated++;
      if (gNew && wNew) boundariesKept++;
      if (wNew && !gNew) {
        split++;
        assert.ok(we.timestampMs[i]! - we.timestampMs[i - 1]! > SESSION_GAP_MS); // only a track longer than 30 minutes
      }
    }
    assert.ok(boundariesKept >= 0.9 * generated, `${boundariesKept} of ${generated} session starts kept`);
    assert.ok(split <= 0.01 * generated, `${split} extra session starts`);

    // the same export as CSV gives the same world, file for file
    const csv = toCsv(ex.tracksFile, ex.eventsFile, dir);
    const csvDir = path.join(dir, 'csv');
    const sc = await importCatalog({ format: 'csv', catalog: csv.tracks, events: csv.events, out: csvDir, nowMs: WORLD_NOW_MS });
    assert.deepEqual(sc.badRows, []);
    const m = JSON.parse(fs.readFileSync(path.join(impDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual({ ...(JSON.parse(fs.readFileSync(path.join(csvDir, 'manifest.json'), 'utf8')) as Record<string, unknown>), source: 'jsonl' }, m);
    for (const f of Object.keys(w.manifest.files)) assert.ok(fs.readFileSync(path.join(csvDir, f)).equals(fs.readFileSync(path.join(impDir, f))), f);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('encore world --export jsonl: native ids by default, UUIDs with --ids uuid, the same bytes for the same seed', async () => {
  const dir = tempDir('export');
  try {
    const out = path.join(dir, 'w');
    const r = spawnSync(process.execPath, [cli, 'world', '--tracks', '3000', '--users', '100', '--seed', '4', '--out', out, '--export', 'jsonl'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /export: 3000 tracks, \d+ events \(native ids/);
    const first = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(out, 'export', f), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    assert.equal(first('tracks.jsonl').id, 't0');
    assert.equal(first('events.jsonl').userId, 'u0');
    const a = exportWorld(out, { ids: 'uuid', out: path.join(dir, 'a') });
    const b = exportWorld(out, { ids: 'uuid', out: path.join(dir, 'b') });
    const c = exportWorld(out, { ids: 'uuid', seed: 5, out: path.join(dir, 'c') });
    assert.ok(fs.readFileSync(a.tracksFile).equals(fs.readFileSync(b.tracksFile)));
    assert.ok(fs.readFileSync(a.eventsFile).equals(fs.readFileSync(b.eventsFile)));
    assert.notEqual(JSON.parse(fs.readFileSync(a.tracksFile, 'utf8').split('\n')[0]!).id, JSON.parse(fs.readFileSync(c.tracksFile, 'utf8').split('\n')[0]!).id);
    const bad = spawnSync(process.execPath, [cli, 'world', '--tracks', '10', '--users', '1', '--out', path.join(dir, 'x'), '--export', 'parquet'], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--export must be jsonl/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
