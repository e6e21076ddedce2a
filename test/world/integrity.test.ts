// World files carry their size and sha256 in the manifest: a truncated or bit-flipped catalog column is refused
// at load (sync and async) with a coded error naming the file, and `encore serve` does not start on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../src/catalog/ColumnarCatalog.js';
import type { ColumnSpec, WorldManifest } from '../../src/world/format.js';
import { importCatalog } from '../../src/world/importers/catalogImport.js';
import { readInteractionsFile } from '../../src/world/importers/delimited.js';
import { writeImportedWorld } from '../../src/world/importers/writeImportedWorld.js';
import { openService } from '../../src/server/openService.js';
import { generateWorld, openWorld, openWorldAsync } from '../../src/world/World.js';
import { sealWorld } from '../../src/world/worldIntegrity.js';
import { tempDir } from './helpers.js';
import { flipBits } from '../support/damage.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/encore.js');
const root = tempDir('integrity');
const worldDir = path.join(root, 'world');
const ready = generateWorld({ tracks: 2000, users: 80, seed: 5, out: worldDir });
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const COLUMN = 'catalog/popularity.bin';
const isFormat = (file: string, why: RegExp) => (e: { code?: string; message?: string }): boolean => {
  assert.equal(e.code, 'ENC_FORMAT');
  assert.ok(e.message!.includes(file), e.message);
  assert.match(e.message!, why);
  return true;
};

async function damagedCopy(name: string, damage: (dir: string) => void): Promise<string> {
  await ready;
  const copy = path.join(root, name);
  fs.cpSync(worldDir, copy, { recursive: true });
  damage(copy);
  return copy;
}


const manifestOf = (dir: string): WorldManifest => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as WorldManifest;
const rewriteManifest = (dir: string, edit: (files: Record<string, ColumnSpec>) => Record<string, ColumnSpec>): void => {
  const m = manifestOf(dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, files: edit({ ...m.files }) }));
};
const assertSealed = (files: Readonly<Record<string, ColumnSpec>>, dir: string): void => {
  for (const [rel, spec] of Object.entries(files)) {
    assert.match(spec.sha256 ?? '', /^[0-9a-f]{64}$/, `${rel} has a sha256`);
    assert.equal(spec.bytes, fs.statSync(path.join(dir, rel)).size, `${rel} has its size`);
  }
};

test('an untouched world lists every file with its size and sha256, and loads (sync and async)', async () => {
  await ready;
  const m = manifestOf(worldDir);
  assertSealed(m.files, worldDir);
  const truth = JSON.parse(fs.readFileSync(path.join(worldDir, 'truth', 'manifest.json'), 'utf8')) as { files: Record<string, ColumnSpec> };
  assertSealed(truth.files, worldDir);
  const warnings: string[] = [];
  const a = openWorld(worldDir, { warn: (w) => warnings.push(w) });
  const b = await openWorldAsync(worldDir, { warn: (w) => warnings.push(w) });
  assert.deepEqual(warnings, []);
  assert.equal(a.catalog.trackCount, 2000);
  assert.deepEqual(Array.from(b.catalog.columns.popularity), Array.from(a.catalog.columns.popularity));
  assert.deepEqual(Array.from(b.events.timestampMs), Array.from(a.events.timestampMs));
  assert.equal(b.users.ids.idAt(3), a.users.ids.idAt(3));
});

test('one flipped bit in a catalog column is refused at load, naming the file and the checksum', async () => {
  const copy = await damagedCopy('flipped', (dir) => flipBits(path.join(dir, COLUMN), 1234));
  const why = /checksum mismatch: sha256 [0-9a-f]{64}, manifest says [0-9a-f]{64}: the file is damaged/;
  assert.throws(() => openWorld(copy), isFormat(COLUMN, why));
  await assert.rejects(openWorldAsync(copy), isFormat(COLUMN, why));
  assert.throws(() => loadCatalog(copy), isFormat(COLUMN, why));
  // sizes only (tests, quick tools): the flip goes unnoticed, as documented
  assert.equal(openWorld(copy, { verify: 'sizes' }).catalog.trackCount, 2000);
});

test('a truncated catalog column is refused at load with the sizes', async () => {
  const copy = await damagedCopy('truncated', (dir) => fs.truncateSync(path.join(dir, 'catalog', 'artist.bin'), 1000));
  const why = /size 1000 bytes, manifest says 2000 x int32 = 8000 \(truncated or overwritten\)/;
  assert.throws(() => openWorld(copy), isFormat('catalog/artist.bin', why));
  await assert.rejects(openWorldAsync(copy, { verify: 'sizes' }), isFormat('catalog/artist.bin', why));
});

test('encore serve (and openService) refuse to start on a damaged world, with the message', async () => {
  const copy = await damagedCopy('serve', (dir) => flipBits(path.join(dir, COLUMN), 77));
  const bundles = path.join(root, 'no-bundles');
  fs.mkdirSync(bundles, { recursive: true });
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  await assert.rejects(
    openService({ worldDir: copy, bundlesDir: bundles, stateUrl: 'memory://', eventsUrl: 'memory://', logger }),
    isFormat(COLUMN, /checksum mismatch/),
  );
  const r = spawnSync(process.execPath, [cli, 'serve', '--world', copy, '--bundles', bundles, '--state', 'memory://', '--events', 'memory://', '--port', '0'], {
    encoding: 'utf8',
    env: { ...process.env, ENCORE_API_KEYS: 'integrity-test-secret-0123:admin' },
    timeout: 60_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\[ENC_FORMAT\] .*catalog\/popularity\.bin: checksum mismatch/);
});

test('a world written before checksums opens with a warning; seal-world records them; a partial list is refused', async () => {
  const old = await damagedCopy('unsealed', (dir) => rewriteManifest(dir, (files) => Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { dtype: v.dtype, length: v.length }]))));
  const warnings: string[] = [];
  assert.equal(openWorld(old, { warn: (w) => warnings.push(w) }).catalog.trackCount, 2000);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /written before checksums .*encore seal-world/);
  const s = sealWorld(old);
  assert.equal(s.sealed, true);
  assert.deepEqual(manifestOf(old).files, manifestOf(worldDir).files, 'sealing gives the checksums the generator wrote');
  assert.equal(sealWorld(old).sealed, false, 'idempotent');
  flipBits(path.join(old, COLUMN), 5);
  assert.throws(() => openWorld(old), isFormat(COLUMN, /checksum mismatch/));

  const partial = await damagedCopy('partial', (dir) => rewriteManifest(dir, (files) => ({ ...files, [COLUMN]: { dtype: 'float32', length: 2000 } })));
  assert.throws(() => openWorld(partial), isFormat('manifest.json', /lists a sha256 for \d+ of \d+ files: the manifest is damaged/));
});

test('importers record every file\'s size and sha256 too', async () => {
  const dir = tempDir('integrity-import');
  try {
    const tsv = path.join(dir, 'plays.tsv');
    fs.writeFileSync(tsv, 'user\titem\tweight\nx\ty\t1\nx\tz\t2\nw\ty\t3\n');
    const delimited = path.join(dir, 'delimited');
    writeImportedWorld({ source: 'delimited', interactions: readInteractionsFile(tsv), items: null }, delimited);
    assertSealed(manifestOf(delimited).files, delimited);
    const tracks = path.join(dir, 'tracks.jsonl');
    const events = path.join(dir, 'events.jsonl');
    fs.writeFileSync(tracks, `${JSON.stringify({ id: 't1', title: 'T', artist: { id: 'a1', name: 'A' }, album: { id: 'al1', name: 'B' }, genres: ['pop'], durationMs: 1000 })}\n`);
    fs.writeFileSync(events, `${JSON.stringify({ eventId: 'e1', type: 'complete', userId: 'u1', trackId: 't1', timestamp: 1_700_000_000_000 })}\n`);
    const jsonl = path.join(dir, 'jsonl');
    await importCatalog({ format: 'jsonl', catalog: tracks, events, out: jsonl });
    assertSealed(manifestOf(jsonl).files, jsonl);
    assert.equal(openWorld(jsonl).catalog.trackCount, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
