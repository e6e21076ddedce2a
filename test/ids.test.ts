// Ids are the app's opaque strings (src/domain/ids.ts idProblem) mapped to dense indices by IdDictionary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { IdDictionary, idDictionaryFiles } from '../src/catalog/IdDictionary.js';
import { MAX_ID_BYTES, idProblem, isValidId, trackId } from '../src/domain/ids.js';
import { mulberry32 } from '../src/rerank/rng.js';
import type { ColumnSpec } from '../src/world/format.js';
import { columnsOf } from '../src/world/columnReader.js';
import { tempDir } from './world/helpers.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

test('idProblem accepts the ids apps use: UUIDs, URIs, paths, spaces, non-ASCII, up to exactly 256 bytes', () => {
  const good = [
    '0b7f0a4e-1c52-4f6e-9a57-2a1f3c9d8e10',
    'spotify:track:4uLU6hMCjMI75M1A2tKUQC',
    'label/catalogue/2026/007',
    'Björk – Jóga (live)',
    '周杰伦/青花瓷',
    '🎵 track 🎶',
    'USRC17607839',
    '1',
    ' leading and trailing spaces ',
    't123',
    'x'.repeat(MAX_ID_BYTES),
    'é'.repeat(128), // 256 bytes in 128 characters
    '€'.repeat(85) + 'a', // 3-byte characters: 256 bytes
    '🎵'.repeat(64), // surrogate pairs: 4 bytes each
  ];
  for (const id of good) {
    assert.equal(idProblem(id), null, JSON.stringify(id));
    assert.ok(isValidId(id));
  }
  assert.equal(bytes('é'.repeat(128)), 256);
  assert.equal(bytes('€'.repeat(85) + 'a'), 256);
  assert.equal(bytes('🎵'.repeat(64)), 256);
  assert.equal(trackId(42), 't42', 'a generated world names track 42 "t42"');
});

test('idProblem refuses empty ids, ids over 256 bytes, control characters and lone surrogates', () => {
  const bad: [unknown, RegExp][] = [
    ['', /empty/],
    ['x'.repeat(MAX_ID_BYTES + 1), /at most 256 bytes/],
    ['é'.repeat(128) + 'a', /at most 256 bytes/], // 129 characters, 257 bytes
    ['🎵'.repeat(64) + 'a', /at most 256 bytes/],
    ['€'.repeat(86), /at most 256 bytes/], // 86 characters, 258 bytes
    ['a\u0000b', /control/],
    ['tab\there', /control/],
    ['line\nbreak', /control/],
    ['\r', /control/],
    ['del\u007f', /control/],
    ['c1\u0085', /control/],
    ['\u009f', /control/],
    ['lone \ud800 high', /surrogate/],
    ['lone \udc00 low', /surrogate/],
    ['\ud83c', /surrogate/],
    ['ends high \ud83c', /surrogate/],
    ['\udfb5 reversed \ud83c', /surrogate/],
    [42, /string/],
    [null, /string/],
    [undefined, /string/],
    [{ id: 'x' }, /string/],
  ];
  for (const [value, why] of bad) {
    const p = idProblem(value);
    assert.notEqual(p, null, JSON.stringify(value));
    assert.match(p!, why, JSON.stringify(value));
    assert.equal(isValidId(value), false);
  }
});

/** 100k distinct ids of many shapes, seeded. */
function randomIds(count: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const pick = (alphabet: string, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const hex = '0123456789abcdef';
  const b62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const wide = ['é', 'ø', 'ß', '中', '文', '音', '楽', 'ö', 'ñ', '🎵', '🎸', 'Ж', 'ש', 'ع', ' '];
  const shapes: (() => string)[] = [
    () => `${pick(hex, 8)}-${pick(hex, 4)}-4${pick(hex, 3)}-${pick('89ab', 1)}${pick(hex, 3)}-${pick(hex, 12)}`,
    () => `spotify:track:${pick(b62, 22)}`,
    () => `label/${pick(b62, 3)}/${Math.floor(rnd() * 1e6)}`,
    () => `${pick(b62, 2)} ${Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => wide[Math.floor(rnd() * wide.length)]).join('')}`,
    () => String(Math.floor(rnd() * 1e7)),
    () => `t${Math.floor(rnd() * 1e7)}`,
    // exactly 256 bytes, long shared prefixes: only the last bytes differ
    () => 'p'.repeat(MAX_ID_BYTES - 8) + pick(b62, 8),
    // 256 bytes of two-byte characters
    () => 'é'.repeat(124) + pick(b62, 8),
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const id = shapes[out.length % shapes.length]!();
    if (seen.has(id)) continue;
    assert.equal(idProblem(id), null, id);
    seen.add(id);
    out.push(id);
  }
  return out;
}

function assertHolds(d: IdDictionary, ids: readonly string[], what: string): void {
  assert.equal(d.size, ids.length, what);
  for (let i = 0; i < ids.length; i++) {
    if (d.indexOf(ids[i]!) !== i) assert.fail(`${what}: indexOf(${JSON.stringify(ids[i])}) = ${d.indexOf(ids[i]!)}, expected ${i}`);
    if (d.idAt(i) !== ids[i]) assert.fail(`${what}: idAt(${i}) = ${JSON.stringify(d.idAt(i))}, expected ${JSON.stringify(ids[i])}`);
  }
}

function assertAbsent(d: IdDictionary, ids: readonly string[]): void {
  const known = new Set(ids);
  for (const id of ids.slice(0, 5000)) {
    for (const other of [`${id}x`, id.slice(0, -1), ` ${id}`, id.toUpperCase() === id ? id.toLowerCase() : id.toUpperCase()]) {
      if (other.length === 0 || known.has(other)) continue;
      if (d.indexOf(other) !== -1) assert.fail(`indexOf(${JSON.stringify(other)}) found an id never added`);
    }
  }
}

const IDS = randomIds(100_000, 20261201);

test('IdDictionary: 100k ids of every shape round-trip (indexOf <-> idAt), absent ids are -1', () => {
  assert.ok(IDS.some((id) => bytes(id) === MAX_ID_BYTES));
  assert.ok(IDS.some((id) => id.includes(':') && id.includes('spotify')));
  assert.ok(IDS.some((id) => bytes(id) > id.length), 'non-ASCII ids');
  const d = IdDictionary.create();
  for (let i = 0; i < IDS.length; i++) {
    const r = d.add(IDS[i]!);
    if (!r.isNew || r.index !== i) assert.fail(`add(${JSON.stringify(IDS[i])}) = ${JSON.stringify(r)}, expected a new index ${i}`);
  }
  assertHolds(d, IDS, 'built');
  assertAbsent(d, IDS);
  for (const none of ['', 'x'.repeat(MAX_ID_BYTES + 1), 'é'.repeat(129), 'never added']) assert.equal(d.indexOf(none), -1, none);
  assert.equal(d.idAt(-1), '');
  assert.equal(d.idAt(IDS.length), '');
  assert.equal(d.has(IDS[77]!), true);
  // flat arrays only: the UTF-8 bytes, a 4-byte offset and a few 4-byte hash slots per id
  const utf8 = IDS.reduce((a, id) => a + bytes(id), 0);
  assert.ok(d.memoryBytes < 2 * utf8 + 40 * IDS.length, `${d.memoryBytes} bytes for ${utf8} bytes of ids`);
  const small = IdDictionary.of(['b', 'a', 'spotify:track:x']);
  assert.deepEqual([small.indexOf('b'), small.indexOf('a'), small.indexOf('spotify:track:x')], [0, 1, 2], 'of() keeps the order given');
});

test('IdDictionary: duplicates are detected by add().isNew, and of() refuses them', () => {
  const d = IdDictionary.create();
  assert.deepEqual(d.add('spotify:track:a'), { index: 0, isNew: true });
  assert.deepEqual(d.add('Björk'), { index: 1, isNew: true });
  assert.deepEqual(d.add('spotify:track:a'), { index: 0, isNew: false });
  assert.deepEqual(d.add('Björk'), { index: 1, isNew: false });
  assert.deepEqual(d.add('bjork'), { index: 2, isNew: true }, 'ids are compared byte for byte');
  assert.equal(d.size, 3);
  for (let i = 0; i < 1000; i++) d.add(IDS[i]!);
  for (let i = 0; i < 1000; i++) assert.deepEqual(d.add(IDS[i]!), { index: 3 + i, isNew: false });
  assert.equal(d.size, 1003);
  assert.throws(() => IdDictionary.of(['a', 'b', 'a']), /duplicate id "a"/);
  assert.throws(() => d.add(''), /0 bytes/);
  assert.throws(() => d.add('x'.repeat(MAX_ID_BYTES + 1)), /257 bytes/);
  assert.equal(d.size, 1003, 'a refused add changes nothing');
});

test('IdDictionary: save and read round-trip through a directory and its files map', () => {
  const dir = tempDir('ids');
  try {
    const files: Record<string, ColumnSpec> = {};
    IdDictionary.of(IDS).save(dir, 'ids/track', files);
    const f = idDictionaryFiles('ids/track');
    assert.deepEqual(Object.keys(files).sort(), [f.hash, f.offsets, f.utf8].sort());
    assert.equal(files[f.offsets]!.length, IDS.length + 1);
    assert.equal(files[f.utf8]!.length, IDS.reduce((a, id) => a + bytes(id), 0));
    assert.equal(fs.statSync(path.join(dir, f.utf8)).size, files[f.utf8]!.length);
    assert.ok(IdDictionary.isListed('ids/track', files));
    assert.ok(!IdDictionary.isListed('ids/user', files));
    const read = IdDictionary.read(columnsOf(dir, files), 'ids/track');
    assertHolds(read, IDS, 'read back');
    assertAbsent(read, IDS);
    // an empty dictionary round-trips too
    IdDictionary.create().save(dir, 'ids/none', files);
    const none = IdDictionary.read(columnsOf(dir, files), 'ids/none');
    assert.equal(none.size, 0);
    assert.equal(none.indexOf('x'), -1);
    // a file the manifest does not list, or a truncated one, is a coded error
    assert.throws(() => IdDictionary.read(columnsOf(dir, files), 'ids/user'), (e: { code?: string }) => e.code === 'ENC_FORMAT');
    fs.truncateSync(path.join(dir, f.hash), 8);
    assert.throws(() => IdDictionary.read(columnsOf(dir, files), 'ids/track'), (e: { code?: string; message?: string }) => e.code === 'ENC_FORMAT' && e.message!.includes('track.hash'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('IdDictionary: ids added after a read go to an overlay; earlier indices never move; a new save holds both', () => {
  const dir = tempDir('ids-overlay');
  try {
    const files: Record<string, ColumnSpec> = {};
    const base = IDS.slice(0, 60_000);
    const later = IDS.slice(60_000);
    IdDictionary.of(base).save(dir, 'ids/track', files);
    const d = IdDictionary.read(columnsOf(dir, files), 'ids/track');
    for (let k = 0; k < later.length; k++) {
      const r = d.add(later[k]!);
      if (!r.isNew || r.index !== base.length + k) assert.fail(`overlay add ${k}: ${JSON.stringify(r)}`);
    }
    for (const k of [0, 1, 59_999]) assert.deepEqual(d.add(base[k]!), { index: k, isNew: false }, 'an id of the loaded table is found, not added');
    for (const k of [0, 39_999]) assert.deepEqual(d.add(later[k]!), { index: base.length + k, isNew: false }, 'an overlay id is found, not added');
    assertHolds(d, IDS, 'base + overlay');
    assertAbsent(d, IDS);
    // saved again, the overlay is merged into one table with the same indices
    const files2: Record<string, ColumnSpec> = {};
    d.save(dir, 'ids/track2', files2);
    const again = IdDictionary.read(columnsOf(dir, files2), 'ids/track2');
    assertHolds(again, IDS, 'merged and read back');
    assert.deepEqual(again.add('one more'), { index: IDS.length, isNew: true });
    // the first files are untouched by the overlay
    assertHolds(IdDictionary.read(columnsOf(dir, files), 'ids/track'), base, 'original files');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
