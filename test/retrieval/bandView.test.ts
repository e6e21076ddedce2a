import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nativeBandViews, openBand, openBandAsync } from '../../src/retrieval/bandView.js';
import { DEFAULT_INDEX_PARAMS } from '../../src/retrieval/UsearchIndex.js';
import { newIndex } from '../../src/retrieval/newIndex.js';
import { mulberry32 } from '../../src/rerank/rng.js';

const DIM = 16;
const N = 3000;

function bandFile(): string {
  const rnd = mulberry32(3);
  const v = Float32Array.from({ length: N * DIM }, () => rnd() * 2 - 1);
  const index = newIndex(DIM, DEFAULT_INDEX_PARAMS);
  index.add(BigUint64Array.from({ length: N }, (_, i) => BigInt(i)), v, 1);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'encore-band-')), 'band.usearch');
  index.save(file);
  return file;
}

test('the native band view finds what usearch finds in the same file, at the same distances, and frees itself on close', { skip: nativeBandViews ? false : 'native/usearch-view not built' }, () => {
  const file = bandFile();
  try {
    const native = openBand(file, DIM, DEFAULT_INDEX_PARAMS.expansionSearch, () => newIndex(DIM, DEFAULT_INDEX_PARAMS));
    const reference = newIndex(DIM, DEFAULT_INDEX_PARAMS);
    reference.view(file);
    assert.equal(native.size(), N);
    assert.equal(native.dimensions(), DIM);
    const rnd = mulberry32(11);
    const keys = new Uint32Array(50);
    const distances = new Float32Array(50);
    let same = 0;
    for (let q = 0; q < 20; q++) {
      const query = Float32Array.from({ length: DIM }, () => rnd() * 2 - 1);
      const n = native.search(query, 50, keys, distances);
      assert.equal(n, 50);
      for (let i = 1; i < n; i++) assert.ok(distances[i]! >= distances[i - 1]! - 1e-6, 'best first');
      const ref = reference.search(query, 50, 1);
      const want = new Set(Array.from(ref.keys, Number));
      const refDistance = new Map(Array.from(ref.keys, (k, i) => [Number(k), ref.distances[i]!]));
      for (let i = 0; i < n; i++) {
        if (!want.has(keys[i]!)) continue;
        same++;
        // usearch's own metric and query cast: a hit both find is at the same distance
        assert.ok(Math.abs(refDistance.get(keys[i]!)! - distances[i]!) < 1e-6, `distance of ${keys[i]}`);
      }
      // The closest hit is as close (the graph walk may end at another equally good node).
      assert.ok(distances[0]! <= ref.distances[0]! + 0.02, `best ${distances[0]} vs ${ref.distances[0]}`);
    }
    assert.ok(same / (20 * 50) > 0.95, `overlap ${same / 1000}`);
    assert.equal(native.close(), true);
    assert.throws(() => native.search(new Float32Array(DIM), 5, keys, distances), /not open/);
    assert.throws(() => openBand(path.join(path.dirname(file), 'missing.usearch'), DIM, 64, () => newIndex(DIM, DEFAULT_INDEX_PARAMS)));
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('a stored vector finds itself through the band view', { skip: nativeBandViews ? false : 'native/usearch-view not built' }, () => {
  const file = bandFile();
  try {
    const native = openBand(file, DIM, 512, () => newIndex(DIM, DEFAULT_INDEX_PARAMS));
    // Query with a stored vector: it is its own nearest neighbour.
    const rnd = mulberry32(3);
    const v = Float32Array.from({ length: N * DIM }, () => rnd() * 2 - 1);
    const keys = new Uint32Array(1);
    const distances = new Float32Array(1);
    let found = 0;
    for (const t of [0, 17, 999, 2999]) {
      native.search(v.subarray(t * DIM, (t + 1) * DIM).slice(), 1, keys, distances);
      if (keys[0] === t) found++;
    }
    assert.ok(found >= 3, `${found} of 4 found themselves`);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('a band view built off the event loop answers like one built on it; a bad file rejects', { skip: nativeBandViews ? false : 'native/usearch-view not built' }, async () => {
  const file = bandFile();
  try {
    const sync = openBand(file, DIM, 256, () => newIndex(DIM, DEFAULT_INDEX_PARAMS));
    const built = await openBandAsync(file, DIM, 256, () => newIndex(DIM, DEFAULT_INDEX_PARAMS));
    assert.equal(built.size(), N);
    const q = Float32Array.from({ length: DIM }, (_, d) => Math.sin(d));
    const a = { keys: new Uint32Array(20), distances: new Float32Array(20) };
    const b = { keys: new Uint32Array(20), distances: new Float32Array(20) };
    assert.equal(sync.search(q, 20, a.keys, a.distances), built.search(q, 20, b.keys, b.distances));
    assert.deepEqual(Array.from(b.keys), Array.from(a.keys));
    built.close();
    sync.close();
    await assert.rejects(openBandAsync(path.join(path.dirname(file), 'missing.usearch'), DIM, 64, () => newIndex(DIM, DEFAULT_INDEX_PARAMS)));
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('a truncated file, a file that is no index and a band of other dimensions are refused with what is wrong', { skip: nativeBandViews ? false : 'native/usearch-view not built' }, () => {
  const file = bandFile();
  const dir = path.dirname(file);
  try {
    const bytes = fs.readFileSync(file);
    const truncated = path.join(dir, 'truncated.usearch');
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => openBand(truncated, DIM, 64, () => newIndex(DIM, DEFAULT_INDEX_PARAMS)), /corrupted/);
    const garbage = path.join(dir, 'garbage.usearch');
    const noise = Buffer.alloc(4096, 7);
    noise.writeUInt32LE(1, 0); // one row of one byte: the header that follows is not usearch's
    noise.writeUInt32LE(1, 4);
    fs.writeFileSync(garbage, noise);
    assert.throws(() => openBand(garbage, DIM, 64, () => newIndex(DIM, DEFAULT_INDEX_PARAMS)), /not a usearch index/);
    assert.throws(() => openBand(file, DIM * 2, 64, () => newIndex(DIM * 2, DEFAULT_INDEX_PARAMS)), /16 dimensions, not 32/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
