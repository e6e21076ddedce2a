import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, cleanup } from '../training/fixture.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { coldStartVector } from '../../src/retrieval/coldStartVector.js';
import { foldInUser } from '../../src/retrieval/foldIn.js';
import { AnnSource } from '../../src/sources/AnnSource.js';
import { ColdStartSource } from '../../src/sources/ColdStartSource.js';
import { context, withRecentlyAdded } from '../sources/context.js';
import type { Catalog } from '../../src/catalog/Catalog.js';
import type { ModelBundle } from '../../src/model/ModelBundle.js';
import type { CandidateSource } from '../../src/pipeline/contracts.js';
import { storedItemFactors } from '../model/storedFactors.js';

after(async () => cleanup(await fixture()));

function exactTop(b: ModelBundle, q: Float32Array, k: number): Set<number> {
  const n = b.trackCount;
  const d = b.dim;
  const s = new Float64Array(n);
  const y = storedItemFactors(b);
  for (let t = 0; t < n; t++) {
    let x = 0;
    for (let i = 0; i < d; i++) x += y[t * d + i]! * q[i]!;
    s[t] = x;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, c) => s[c]! - s[a]!);
  return new Set(order.slice(0, k));
}

test('index recall@500 against brute force is above 0.99 on a small world', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  let recall = 0;
  const queries = 40;
  for (let u = 0; u < queries; u++) {
    const q = b.userFactors.subarray(u * 50 * b.dim, (u * 50 + 1) * b.dim);
    const truth = exactTop(b, q, 500);
    const hits = b.index.search(q, 500);
    assert.equal(hits.count, 500);
    let found = 0;
    for (let i = 0; i < hits.count; i++) if (truth.has(hits.tracks[i]!)) found++;
    recall += found / 500;
    for (let i = 1; i < hits.count; i++) assert.ok(hits.scores[i - 1]! >= hits.scores[i]!, 'best first');
  }
  recall /= queries;
  assert.ok(recall > 0.99, `recall@500 = ${recall}`);
  b.close();
});

test('a track nobody has played is retrievable: cold-start vector in the index and through ColdStartSource', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const meta = (b.coldStart)!;
  assert.ok(meta, 'bundle has a cold-start mapping');
  // Unplayed tracks got content vectors at training time: the online mapping reproduces them.
  const ev = f.world.events;
  const played = new Uint8Array(b.trackCount);
  for (let i = 0; i < ev.count; i++) played[ev.track[i]!] = 1;
  let unplayed = -1;
  for (let t = b.trackCount - 1; t >= 0 && unplayed < 0; t--) if (!played[t]) unplayed = t;
  assert.ok(unplayed >= 0);
  const v = coldStartVector(b, f.world.catalog, unplayed);
  const y = storedItemFactors(b);
  for (let k = 0; k < b.dim; k++) assert.ok(Math.abs(v[k]! - y[unplayed * b.dim + k]!) < 1e-4);
  // It is in the index: a query for which it is among the exact top k (inner product) gets it back.
  const own = v.map((x) => x);
  let rank = 0;
  let self = 0;
  for (let k = 0; k < b.dim; k++) self += own[k]! * v[k]!;
  for (let t = 0; t < b.trackCount; t++) {
    let s = 0;
    for (let k = 0; k < b.dim; k++) s += y[t * b.dim + k]! * own[k]!;
    if (s > self) rank++;
  }
  if (rank + 100 <= 10_000) {
    const hits = b.index.search(own, rank + 100);
    assert.ok(Array.from(hits.tracks.subarray(0, hits.count)).includes(unplayed), `exact rank ${rank}`);
  }
  // A track added while serving (recentlyAdded) comes back from ColdStartSource for a known listener.
  const catalog = withRecentlyAdded(f.world.catalog, [unplayed]);
  const ctx = context(b, catalog, { market: firstMarketOf(f.world.catalog, unplayed), explicitOk: true });
  const cold: CandidateSource = new ColdStartSource();
  const batch = await cold.fetch(ctx, 50, new AbortController().signal);
  assert.ok(Array.from(batch.tracks.subarray(0, batch.count)).includes(unplayed));
  assert.equal(batch.becauseOf.length, batch.count);
  b.close();
});

function firstMarketOf(catalog: Catalog, t: number): number {
  return catalog.marketSets.members(catalog.columns.marketSet[t]!, catalog.markets.length)[0] ?? 0;
}

test('ANN retrieval honours market and explicit filters without running short', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const cols = f.world.catalog.columns;
  const sets = f.world.catalog.marketSets;
  // The market with the fewest available tracks.
  let worst = 0;
  let worstCount = Infinity;
  for (let m = 0; m < f.world.catalog.markets.length; m++) {
    let c = 0;
    for (let t = 0; t < b.trackCount; t++) if (sets.has(cols.marketSet[t]!, m)) c++;
    if (c < worstCount) {
      worstCount = c;
      worst = m;
    }
  }
  const src = new AnnSource();
  let checked = 0;
  for (let u = 0; u < 40 && checked < 20; u++) {
    // Listeners without positive evidence have a ~zero vector: AnnSource leaves them to the other sources.
    let nrm = 0;
    for (let k = 0; k < b.dim; k++) nrm += b.userFactors[u * b.dim + k]! ** 2;
    if (nrm < 1e-12) continue;
    checked++;
    const ctx = context(b, f.world.catalog, { userIndex: u, market: worst, explicitOk: false });
    const batch = await src.fetch(ctx, 400, new AbortController().signal);
    assert.equal(batch.count, 400, 'feed does not run short');
    for (let i = 0; i < batch.count; i++) {
      const t = batch.tracks[i]!;
      assert.ok(sets.has(cols.marketSet[t]!, worst), 'available in market');
      assert.equal(cols.explicit[t], 0, 'no explicit track for an opted-out listener');
    }
  }
  assert.equal(checked, 20);
  b.close();
});

test('fold-in reproduces the ALS user step: a folded listener ranks like the trained one', async () => {
  const f = await fixture();
  const b = await loadBundle(f.summary.dir, { verify: 'sizes' });
  const u = 3;
  const hist = b.userHistory.recentPositives(u as never);
  const x = foldInUser(b, hist, new Float32Array(hist.length).fill(2));
  const trained = b.userFactors.subarray(u * b.dim, (u + 1) * b.dim);
  let dot = 0, nx = 0, nt = 0;
  for (let k = 0; k < b.dim; k++) {
    dot += x[k]! * trained[k]!;
    nx += x[k]! * x[k]!;
    nt += trained[k]! * trained[k]!;
  }
  assert.ok(dot / Math.sqrt(nx * nt) > 0.8, `cosine ${dot / Math.sqrt(nx * nt)}`);
  assert.equal(foldInUser(b, new Int32Array(0), new Float32Array(0)).every((v) => v === 0), true);
  b.close();
});
