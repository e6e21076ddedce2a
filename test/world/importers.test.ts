import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EventType } from '../../src/domain/events.js';
import { openWorld } from '../../src/world/World.js';
import { readInteractionsFile } from '../../src/world/importers/delimited.js';
import { readMovieLens } from '../../src/world/importers/movielens.js';
import { writeImportedWorld } from '../../src/world/importers/writeImportedWorld.js';
import { EVERYWHERE } from '../../src/catalog/MarketSets.js';
import { datasetsDir, tempDir } from './helpers.js';
import { idsOf } from '../support/catalogIds.js';

function withFile(content: string, fn: (file: string, dir: string) => void): void {
  const dir = tempDir('import');
  try {
    const file = path.join(dir, 'plays.csv');
    fs.writeFileSync(file, content);
    fn(file, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function assertImportError(fn: () => unknown, file: string, line: number, why: RegExp): void {
  assert.throws(fn, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, 'ENC_IMPORT_ROW');
    assert.ok(e.message!.startsWith(`${file}:${line}: `), `message "${e.message}" should name ${file}:${line}`);
    assert.match(e.message!, why);
    return true;
  });
}

test('delimited: reads any column order, detects the delimiter, maps ids densely in first-seen order', () => {
  withFile('timestamp;item;user;weight\n2025-06-01T10:00:00Z;song-b;alice;2\n1717236000;song-a;bob;1.5\r\n1717236000000;song-b;bob;3\n\n', (file) => {
    const x = readInteractionsFile(file);
    assert.deepEqual(x.userIds, ['alice', 'bob']);
    assert.deepEqual(x.itemIds, ['song-b', 'song-a']);
    assert.deepEqual(Array.from(x.user), [0, 1, 1]);
    assert.deepEqual(Array.from(x.item), [0, 1, 0]);
    assert.deepEqual(Array.from(x.weight), [2, 1.5, 3]);
    assert.deepEqual(Array.from(x.timestampMs!), [Date.UTC(2025, 5, 1, 10), 1717236000000, 1717236000000]);
  });
  withFile('user,item,weight\nu1,i1,1\n', (file) => assert.equal(readInteractionsFile(file).timestampMs, null));
});

test('delimited: a malformed row is an error naming the file, line and problem', () => {
  withFile('user,item,weight\na,x,1\nb,y\n', (file) => assertImportError(() => readInteractionsFile(file), file, 3, /expected 3 columns, found 2/));
  withFile('user,item,score\na,x,1\n', (file) => assertImportError(() => readInteractionsFile(file), file, 1, /no "weight" column/));
  withFile('user,item,weight\na,x,1\nb,y,lots\n', (file) => assertImportError(() => readInteractionsFile(file), file, 3, /weight "lots" is not a number/));
  withFile('user,item,weight,timestamp\na,x,1,yesterday-ish\n', (file) => assertImportError(() => readInteractionsFile(file), file, 2, /timestamp/));
  withFile('user,item,weight\n,x,1\n', (file) => assertImportError(() => readInteractionsFile(file), file, 2, /empty user id/));
  withFile('', (file) => assertImportError(() => readInteractionsFile(file), file, 1, /empty file/));
});

test('imported world round-trips: tracks and listeners keep their original ids, one complete event per row with its weight', () => {
  withFile('user,item,weight,timestamp\nbob,x,2,100\nalice,y,1,50\nbob,y,4,10\nbob,x,1,10000\n', (file, dir) => {
    const out = path.join(dir, 'world');
    const x = readInteractionsFile(file);
    writeImportedWorld({ source: 'delimited', interactions: x, items: null }, out);
    const w = openWorld(out);
    assert.deepEqual(idsOf(w.users.ids), ['bob', 'alice']);
    assert.deepEqual(idsOf(w.catalog.trackIds), ['x', 'y']);
    assert.equal(w.catalog.trackIds.indexOf('y'), 1);
    assert.equal(w.users.ids.indexOf('alice'), 1);
    // one artist and one album per item, named by the item's id
    assert.deepEqual(idsOf(w.catalog.artistIds), ['x', 'y']);
    assert.deepEqual(idsOf(w.catalog.albumIds), ['x', 'y']);
    assert.equal(w.catalog.trackCount, 2);
    assert.equal(w.users.count, 2);
    assert.equal(w.events.count, 4);
    // grouped by listener, chronological within a listener
    assert.deepEqual(Array.from(w.events.user), [0, 0, 0, 1]);
    assert.deepEqual(Array.from(w.events.track), [1, 0, 0, 1]);
    assert.deepEqual(Array.from(w.events.timestampMs), [10_000, 100_000, 10_000_000, 50_000]);
    assert.deepEqual(Array.from(w.events.weight!), [4, 2, 1, 1]);
    assert.ok(w.events.type.every((t) => t === EventType.complete));
    assert.deepEqual(w.catalog.markets, ['ZZ'], 'the data names no markets: one unknown market');
    assert.ok(w.catalog.columns.marketSet.every((s) => s === EVERYWHERE));
    assert.equal(w.catalog.genres[w.catalog.columns.genre[0]!]!.name, 'unknown');
    assert.equal(w.catalog.columns.popularity[0], 1);
    assert.equal(w.manifest.source, 'delimited');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['plays.csv', 'world'], 'no temp directory left behind');
  });
});

test('a failed import leaves nothing behind', () => {
  withFile('user,item,weight\na,x,1\nb,y,oops\n', (file, dir) => {
    const out = path.join(dir, 'world');
    assert.throws(() => writeImportedWorld({ source: 'delimited', interactions: readInteractionsFile(file), items: null }, out), /ENC_IMPORT_ROW|not a number/);
    assert.deepEqual(fs.readdirSync(dir), ['plays.csv']);
    // a failure while writing removes the temp directory too
    const bad = { source: 'delimited' as const, interactions: { userIds: ['a'], itemIds: ['x'], user: Int32Array.of(0), item: Int32Array.of(5), weight: Float32Array.of(1), timestampMs: null }, items: null };
    assert.throws(() => writeImportedWorld(bad, out));
    assert.deepEqual(fs.readdirSync(dir), ['plays.csv']);
  });
});

test('MovieLens 100K imports as a world (skips when the dataset is absent)', (t) => {
  const root = datasetsDir();
  const ml = root ? path.join(root, 'ml-100k') : null;
  if (!ml || !fs.existsSync(path.join(ml, 'u.data'))) {
    t.skip('MovieLens 100K not found (set ENCORE_DATASETS)');
    return;
  }
  const dir = tempDir('ml');
  try {
    const out = path.join(dir, 'world');
    writeImportedWorld(readMovieLens(ml), out);
    const w = openWorld(out);
    assert.equal(w.catalog.trackCount, 1682);
    assert.equal(w.users.count, 943);
    assert.equal(w.events.count, 100_000);
    assert.equal(w.catalog.trackTitle(0 as never), 'Toy Story (1995)');
    assert.equal(w.catalog.trackIds.idAt(0), '1');
    assert.equal(w.users.ids.idAt(0), '1');
    assert.ok(w.catalog.trackIds.indexOf('1682') >= 0);
    assert.equal(w.catalog.featureDim, 19);
    assert.equal(w.catalog.genres.length, 19);
    const ratings = new Set(Array.from(w.events.weight!));
    assert.deepEqual([...ratings].sort(), [1, 2, 3, 4, 5]);
    assert.equal(w.manifest.source, 'movielens');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('MovieLens: a malformed u.data row names file and line', () => {
  const dir = tempDir('ml-bad');
  try {
    fs.writeFileSync(path.join(dir, 'u.item'), '1|A (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n', 'latin1');
    fs.writeFileSync(path.join(dir, 'u.data'), '1\t1\t5\t881250949\n2\t7\t3\t881250949\n');
    assertImportError(() => readMovieLens(dir), path.join(dir, 'u.data'), 2, /item 7 is not in u.item/);
    fs.writeFileSync(path.join(dir, 'u.data'), '1\t1\tfive\t881250949\n');
    assertImportError(() => readMovieLens(dir), path.join(dir, 'u.data'), 1, /rating "five"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
