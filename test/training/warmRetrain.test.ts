import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixture, cleanup, SMALL_TRAIN } from './fixture.js';
import { trainBundle } from '../../src/training/trainBundle.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { readJson, readManifest, BUNDLE_FILES } from '../../src/model/bundleFiles.js';
import { chooseWarmStart } from '../../src/training/chooseWarmStart.js';
import type { BundleMeta } from '../../src/training/trainBundle.js';
import type { ModelBundle } from '../../src/model/ModelBundle.js';
import { storedItemFactors } from '../model/storedFactors.js';

after(async () => cleanup(await fixture()));

/** Mean recall@k over listeners with a vector (|x| ~ 0: no positive evidence, the exact top k is noise). */
function recallAt(b: ModelBundle, k: number, queries: number): number {
  let total = 0;
  const y = storedItemFactors(b); // the exact reference: float32, as ALS wrote it
  for (let q = 0, u = 0; q < queries; u += 37) {
    const x = b.userFactors.subarray(u * b.dim, (u + 1) * b.dim);
    let norm2 = 0;
    for (const v of x) norm2 += v * v;
    if (norm2 < 1e-12) continue;
    q++;
    const s = new Float64Array(b.trackCount);
    for (let t = 0; t < b.trackCount; t++) {
      let v = 0;
      for (let d = 0; d < b.dim; d++) v += y[t * b.dim + d]! * x[d]!;
      s[t] = v;
    }
    const truth = new Set(Array.from(s.keys()).sort((a, c) => s[c]! - s[a]!).slice(0, k));
    const hits = b.index.search(x, k);
    let found = 0;
    for (let i = 0; i < hits.count; i++) if (truth.has(hits.tracks[i]!)) found++;
    total += found / k;
  }
  return total / queries;
}

test('a warm retrain starts from the current bundle, carries its cold bands over and keeps recall', async () => {
  const f = await fixture();
  const from = await chooseWarmStart('auto', f.bundlesDir, f.world.dir, SMALL_TRAIN.factors);
  assert.equal(from, f.summary.dir, 'auto picks the current bundle of the same world');
  assert.equal(await chooseWarmStart('auto', f.bundlesDir, f.world.dir, 16), null, 'not with other dimensions');
  assert.equal(await chooseWarmStart('off', f.bundlesDir, f.world.dir, SMALL_TRAIN.factors), null);
  const warm = await trainBundle({ ...SMALL_TRAIN, iterations: 2, worldDir: f.world.dir, bundlesDir: f.bundlesDir, warmStartFrom: from });
  const m = readManifest(warm.dir);
  const meta = readJson<BundleMeta>(warm.dir, m, BUNDLE_FILES.meta);
  assert.equal(meta.warmStartFrom, path.basename(f.summary.dir));
  assert.ok((warm.stats.indexVectorsCarried ?? 0) > 0, 'cold bands carried over');
  assert.ok((warm.stats.coldVectorsKept ?? 0) > 0);
  // Carried bands are hard links of the previous bundle's files, not copies.
  const carriedBand = meta.index.bands.find((b) => b.group === 1)!;
  assert.ok(fs.statSync(path.join(warm.dir, carriedBand.file)).nlink >= 2);
  const b = await loadBundle(warm.dir);
  const prev = await loadBundle(f.summary.dir, { verify: 'sizes' });
  // Still-cold tracks keep their vector; every track is served from exactly one band.
  const cold = fs.readFileSync(path.join(warm.dir, 'track-group.u8'));
  const y = storedItemFactors(b);
  const yPrev = storedItemFactors(prev);
  let same = 0;
  let coldCount = 0;
  for (let t = 0; t < b.trackCount; t++) {
    if (cold[t] !== 1) continue;
    coldCount++;
    if (y[t * b.dim] === yPrev[t * b.dim]) same++;
  }
  assert.equal(same, coldCount);
  const hits = b.index.search(b.userFactors.subarray(0, b.dim), 500);
  assert.equal(new Set(hits.tracks).size, hits.count, 'no track twice');
  const recall = recallAt(b, 200, 20);
  assert.ok(recall > 0.95, `recall@200 ${recall}`);
  b.close();
  prev.close();
});
