// encore import --format jsonl|csv: what a catalog and its events become, and how bad rows are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVERYWHERE } from '../../src/catalog/MarketSets.js';
import { EventType } from '../../src/domain/events.js';
import { ImportAbortedError, importCatalog, type CatalogFormat } from '../../src/world/importers/catalogImport.js';
import { openWorld } from '../../src/world/World.js';
import { tempDir } from './helpers.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/encore.js');
const T0 = Date.UTC(2025, 5, 1, 12);

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

const TRACKS = [
  { id: 'spotify:track:1', title: 'One', artist: { id: 'art/1', name: 'Ärtist' }, album: { id: 'alb 1', name: 'First' }, genres: ['Rock/Indie Rock', 'jazz'], releaseDate: '2024-05-01', durationMs: 200000, explicit: true, markets: ['US', 'DE'], features: { tempo: 120, energy: 0.5 }, popularity: 0.9 },
  { id: 'spotify:track:2', title: 'Two', artist: { id: 'art/1' }, album: { id: 'alb 1' }, genres: ['rock'], markets: ['DE', 'JP'], features: { energy: 0.25, valence: 0.75 } },
  { id: '3f2b0000-0000-4000-8000-000000000003', title: 'Three', artist: { id: 'art/2', name: 'Second' } },
];
const EVENTS = [
  { eventId: 'e1', type: 'play_start', userId: 'user:b', trackId: 'spotify:track:2', timestamp: T0 + 1000 },
  { eventId: 'e2', type: 'skip', userId: 'user:b', trackId: 'spotify:track:2', timestamp: T0 + 5000, position: 4000 },
  { eventId: 'e3', type: 'complete', userId: 'user:a', trackId: 'spotify:track:1', timestamp: T0 },
  { eventId: 'e4', type: 'follow_artist', userId: 'user:a', artistId: 'art/2', timestamp: T0 + 10 },
  { eventId: 'e5', type: 'complete', userId: 'user:b', trackId: 'spotify:track:1', timestamp: T0 - 1 }, // out of order
  { eventId: 'e6', type: 'complete', userId: 'user:b', trackId: 'spotify:track:1', timestamp: T0 + 3 * 3_600_000 }, // new session
];

function files(dir: string, format: CatalogFormat, tracks: string, events: string): { catalog: string; events: string; out: string } {
  const catalog = path.join(dir, `tracks.${format}`);
  const ev = path.join(dir, `events.${format}`);
  fs.writeFileSync(catalog, tracks);
  fs.writeFileSync(ev, events);
  return { catalog, events: ev, out: path.join(dir, 'world') };
}

test('jsonl: tracks, genres, markets, features, albums, listeners and events become a world', async () => {
  const dir = tempDir('catimp');
  try {
    const f = files(dir, 'jsonl', jsonl(TRACKS), jsonl(EVENTS));
    const s = await importCatalog({ format: 'jsonl', catalog: f.catalog, events: f.events, out: f.out });
    assert.deepEqual(s.badRows, []);
    const w = openWorld(f.out);
    const c = w.catalog;
    assert.equal(w.manifest.source, 'jsonl');
    assert.deepEqual([c.trackIds.idAt(0), c.trackIds.idAt(1), c.trackIds.idAt(2)], TRACKS.map((t) => t.id));
    assert.deepEqual(c.genres, [
      { id: 0, name: 'rock', parent: -1 },
      { id: 1, name: 'indie rock', parent: 0 },
      { id: 2, name: 'jazz', parent: -1 },
      { id: 3, name: 'unknown', parent: -1 },
    ]);
    assert.deepEqual(Array.from(c.columns.genre), [1, 0, 3]);
    assert.deepEqual(c.markets, ['US', 'DE', 'JP']);
    assert.equal(c.columns.marketSet[2], EVERYWHERE);
    assert.deepEqual(c.marketSets.members(c.columns.marketSet[0]!, 3), [0, 1]);
    assert.deepEqual(c.marketSets.members(c.columns.marketSet[1]!, 3), [1, 2]);
    assert.deepEqual(c.featureNames, ['tempo', 'energy', 'valence']);
    assert.deepEqual(Array.from(c.columns.features), [120, 0.5, 0, 0, 0.25, 0.75, 0, 0, 0]);
    assert.deepEqual(Array.from(c.columns.durationMs), [200000, 210000, 210000]);
    assert.deepEqual(Array.from(c.columns.explicit), [1, 0, 0]);
    assert.equal(c.columns.releaseDay[0], Date.UTC(2024, 4, 1) / 86_400_000);
    assert.equal(c.columns.releaseDay[1], 0);
    // artists and albums by id; a track without an album is a single named after it
    assert.equal(c.artistCount, 2);
    assert.deepEqual([c.artistName(0 as never), c.artistName(1 as never)], ['Ärtist', 'Second']);
    assert.deepEqual(Array.from(c.columns.artist), [0, 0, 1]);
    assert.equal(c.albumCount, 2);
    assert.deepEqual(Array.from(c.columns.album), [0, 0, 1]);
    assert.equal(c.albumIds.idAt(1), TRACKS[2]!.id);
    assert.equal(c.albumTitle(1 as never), 'Three');
    assert.deepEqual(Array.from(c.columns.albumArtist), [0, 1]);
    // popularity: given (0.9), else events naming the track / the largest count (track 1: 3 events; track 2: 2; track 3: 1)
    assert.deepEqual(Array.from(c.columns.popularity), [Math.fround(0.9), Math.fround(2 / 3), Math.fround(1 / 3)]);
    // listeners in first-seen order, events grouped by listener and chronological, sessions by 30-minute gaps
    assert.deepEqual([w.users.ids.idAt(0), w.users.ids.idAt(1)], ['user:b', 'user:a']);
    assert.deepEqual(Array.from(w.users.market), [0, 0]);
    assert.deepEqual(Array.from(w.users.explicitOk), [1, 1]);
    assert.deepEqual(Array.from(w.users.signupDay), [Math.floor((T0 - 1) / 86_400_000), Math.floor(T0 / 86_400_000)]);
    const e = w.events;
    assert.deepEqual(Array.from(e.user), [0, 0, 0, 0, 1, 1]);
    assert.deepEqual(Array.from(e.timestampMs), [T0 - 1, T0 + 1000, T0 + 5000, T0 + 3 * 3_600_000, T0, T0 + 10]);
    assert.deepEqual(Array.from(e.type), [EventType.complete, EventType.play_start, EventType.skip, EventType.complete, EventType.complete, EventType.follow_artist]);
    assert.deepEqual(Array.from(e.track), [0, 1, 1, 0, 0, 2]); // follow_artist by artist only: the artist's first track
    assert.deepEqual(Array.from(e.positionMs), [0, 0, 4000, 0, 0, 0]);
    assert.deepEqual(Array.from(e.session), [0, 0, 0, 1, 2, 2]);
    assert.equal(w.manifest.nowMs, T0 + 3 * 3_600_000 + 1);
    assert.equal(w.manifest.counts.plays, 1);
    assert.equal(w.manifest.counts.sessions, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const BAD_TRACKS = jsonl([
  TRACKS[0]!,
  { ...TRACKS[1]!, durationMs: 'long' },
  '{"id": "broken", ',
  { id: 'no-title', artist: { id: 'x' } },
  { ...TRACKS[2]!, markets: ['usa'] },
  { ...TRACKS[0]!, title: 'Again' },
  { id: 'x1', title: 'X', artist: { id: '' } },
]);
const BAD_EVENTS = jsonl([
  EVENTS[2]!,
  { ...EVENTS[0]!, trackId: 'spotify:track:2' }, // track 2 was a bad row: unknown here
  { ...EVENTS[2]!, timestamp: Math.floor(T0 / 1000) },
  { ...EVENTS[2]!, type: 'skip' },
  { ...EVENTS[2]!, userId: 'a\u0007b' },
]);

test('jsonl: every bad row is reported as file:line: field: reason; without --max-errors the first aborts, nothing written', async () => {
  const dir = tempDir('catimp');
  try {
    const f = files(dir, 'jsonl', BAD_TRACKS, BAD_EVENTS);
    const c = f.catalog, e = f.events;
    const expectedTracks = [
      `${c}:2: durationMs: must be a positive integer (milliseconds)`,
      `${c}:3: line: is not valid JSON (`,
      `${c}:4: title: is required`,
      `${c}:5: markets: "usa" is not an ISO 3166-1 alpha-2 code (two capital letters)`,
      `${c}:6: id: duplicate track id "spotify:track:1" (an earlier line has it)`,
      `${c}:7: artist.id: must not be empty`,
    ];
    const expectedEvents = [
      `${e}:2: trackId: unknown track "spotify:track:2" (not in the catalog file)`,
      `${e}:3: timestamp: must be milliseconds since the epoch (looks like seconds or too old)`,
      `${e}:4: position: skip needs position (ms into the track)`,
      `${e}:5: userId: must not contain control characters or unpaired surrogates`,
    ];
    const all = [...expectedTracks, ...expectedEvents];
    // the JSON error text is the engine's: compare its start only
    const norm = (rows: readonly string[]): string[] => rows.map((r) => (r.includes(': line: is not valid JSON (') ? r.slice(0, r.indexOf('(') + 1) : r));
    await assert.rejects(importCatalog({ format: 'jsonl', catalog: c, events: e, out: f.out }), (err: unknown) => {
      assert.ok(err instanceof ImportAbortedError);
      assert.deepEqual(norm(err.badRows), all.slice(0, 1));
      assert.match(err.message, /1 bad rows, more than --max-errors 0; nothing written/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.startsWith('world')), []);
    // one fewer than the bad rows: aborts with all of them listed
    await assert.rejects(importCatalog({ format: 'jsonl', catalog: c, events: e, out: f.out, maxErrors: all.length - 1 }), (err: unknown) => {
      assert.ok(err instanceof ImportAbortedError);
      assert.deepEqual(norm(err.badRows), all);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.startsWith('world')), []);
    // enough: the bad rows are skipped and all reported, the good ones imported
    const s = await importCatalog({ format: 'jsonl', catalog: c, events: e, out: f.out, maxErrors: all.length });
    assert.deepEqual(norm(s.badRows), all);
    const w = openWorld(f.out);
    assert.equal(w.catalog.trackCount, 1);
    assert.equal(w.events.count, 1);
    assert.equal(s.trackRows, 7);
    assert.equal(s.eventRows, 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const CSV_TRACKS = [
  'id,title,artistId,artistName,albumId,albumName,genres,releaseDate,durationMs,explicit,markets,popularity,feature:tempo,feature:energy',
  'spotify:track:1,"One, the ""first""",art/1,Ärtist,alb 1,First,Rock/Indie Rock|jazz,2024-05-01,200000,true,US|DE,0.9,120,0.5',
  'spotify:track:2,"Two\nlines",art/1,,alb 1,,rock,,,false,DE|JP,,,0.25',
  'spotify:track:3,Three,art/2,Second,,,,,,,,,,',
  'spotify:track:4,Four,art/2,Second,,,,,soon,,,,,',
  'spotify:track:5,Five,art/2',
  'spotify:track:6,Six,art/2,Second,,,,,,maybe,,,,',
  'spotify:track:7,Seven,art/2,Second,,,,,,,,,fast,',
  'spotify:track:8,"Eight,art/2,Second,,,,,,,,,,',
].join('\r\n');
const CSV_EVENTS = [
  'eventId,type,userId,trackId,timestamp,position',
  `e1,complete,user:a,spotify:track:1,${T0},`,
  `e2,skip,user:a,spotify:track:3,${T0 + 1000},1500`,
  `e3,skip,user:a,spotify:track:4,${T0 + 2000},1500`,
  `e4,like,user:b,spotify:track:1,yesterday,`,
].join('\n');

test('csv: the same fields as columns (lists split on |, features as feature:<name>), RFC 4180 quoting, bad rows by line', async () => {
  const dir = tempDir('catimp');
  try {
    const f = files(dir, 'csv', CSV_TRACKS, CSV_EVENTS);
    const c = f.catalog, e = f.events;
    const expected = [
      `${c}:6: durationMs: must be a positive integer (milliseconds)`, // line 6: track 2's title spans lines 3-4
      `${c}:7: row: has 3 cells, the header has 14`,
      `${c}:8: explicit: must be true or false`,
      `${c}:9: features: "tempo" must be a finite number`,
      `${e}:4: trackId: unknown track "spotify:track:4" (not in the catalog file)`,
      `${e}:5: timestamp: must be an integer (milliseconds since the epoch)`,
    ];
    // the unclosed quote of line 10 swallows the rest of the file: csv-parse reports it at the end
    const quote = (rows: readonly string[]): string[] => rows.filter((r) => r.startsWith(`${c}:10: row: `));
    await assert.rejects(importCatalog({ format: 'csv', catalog: c, events: e, out: f.out }), (err: unknown) => {
      assert.ok(err instanceof ImportAbortedError);
      assert.deepEqual(err.badRows, expected.slice(0, 1));
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.startsWith('world')), []);
    const s = await importCatalog({ format: 'csv', catalog: c, events: e, out: f.out, maxErrors: 10 });
    assert.equal(quote(s.badRows).length, 1, s.badRows.join('\n'));
    assert.deepEqual(s.badRows.filter((r) => !r.startsWith(`${c}:10:`)), expected);
    const w = openWorld(f.out);
    const cat = w.catalog;
    assert.equal(cat.trackCount, 3);
    assert.equal(cat.trackTitle(0 as never), 'One, the "first"');
    assert.equal(cat.trackTitle(1 as never), 'Two\nlines');
    assert.deepEqual(cat.genres.map((g) => g.name), ['rock', 'indie rock', 'jazz', 'unknown']);
    assert.deepEqual(Array.from(cat.columns.genre), [1, 0, 3]);
    assert.deepEqual(cat.markets, ['US', 'DE', 'JP']);
    assert.deepEqual(cat.featureNames, ['tempo', 'energy']);
    assert.deepEqual(Array.from(cat.columns.features), [120, 0.5, 0, 0.25, 0, 0]);
    assert.deepEqual(Array.from(cat.columns.explicit), [1, 0, 0]);
    assert.equal(cat.artistName(0 as never), 'Ärtist');
    assert.equal(cat.albumCount, 2);
    assert.equal(w.events.count, 2);
    assert.deepEqual(Array.from(w.events.positionMs), [0, 1500]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('encore import --format jsonl: bad rows on stderr, non-zero exit and nothing written past --max-errors; a summary otherwise', () => {
  const dir = tempDir('catimp');
  try {
    const f = files(dir, 'jsonl', BAD_TRACKS, jsonl([EVENTS[2]!]));
    const run = (...extra: string[]) => spawnSync(process.execPath, [cli, 'import', '--format', 'jsonl', '--catalog', f.catalog, '--events', f.events, '--out', f.out, ...extra], { encoding: 'utf8' });
    const bad = run('--max-errors', '2');
    assert.equal(bad.status, 1, bad.stderr);
    assert.ok(bad.stderr.includes(`${f.catalog}:2: durationMs: must be a positive integer`), bad.stderr);
    assert.ok(bad.stderr.includes(`${f.catalog}:4: title: is required`), bad.stderr);
    assert.match(bad.stderr, /aborted, 3 bad rows \(more than --max-errors 2\); nothing written/);
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.startsWith('world')), []);
    const ok = run('--max-errors', '6');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /import: 1 tracks, 1 artists, .* 1 listeners, 1 events .* 6 bad rows skipped \(--max-errors 6\)/);
    assert.equal(openWorld(f.out).catalog.trackCount, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
