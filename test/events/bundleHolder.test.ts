import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BundleHolder } from '../../src/model/BundleHolder.js';
import type { ModelBundle } from '../../src/model/ModelBundle.js';
import { Errors } from '../../src/domain/errors.js';
import type { BundleStore } from '../../src/storage/interfaces.js';
import { tinyCatalog } from './tinyCatalog.js';
import { Float32ItemVectors } from '../../src/model/ItemVectors.js';

interface FakeBundle extends ModelBundle {
  closed: boolean;
}

function fakeBundle(version: string, over: { dim?: number; trackCount?: number; nan?: boolean } = {}): FakeBundle {
  const dim = over.dim ?? 4;
  const trackCount = over.trackCount ?? 100;
  const itemFactors = new Float32Array(trackCount * dim).fill(0.1);
  if (over.nan === true) itemFactors[3] = NaN;
  const b: FakeBundle = {
    version,
    dir: `/bundles/${version}`,
    dim,
    trackCount,
    userCount: 10,
    itemVectors: new Float32ItemVectors(itemFactors, dim),
    userFactors: new Float32Array(10 * dim),
    gram: new Float32Array(dim * dim),
    lambda: 1,
    index: { size: trackCount, dim, search: () => ({ tracks: new Int32Array(0), scores: new Float32Array(0), count: 0 }), close: () => undefined },
    coListen: { neighbours: () => ({ tracks: new Int32Array(0), weights: new Float32Array(0) }), indptr: new Int32Array(trackCount + 1), tracks: new Int32Array(0), weights: new Float32Array(0) },
    popularity: { inMarket: () => new Int32Array(0), inMarketGenre: () => new Int32Array(0) },
    artistTracks: { newest: () => new Int32Array(0) },
    userHistory: { recentPositives: () => new Int32Array(0) },
    ranker: null,
    closed: false,
    close() {
      b.closed = true;
    },
  };
  return b;
}

class FakeStore implements BundleStore {
  constructor(public latest: string) {}
  async versions(): Promise<string[]> {
    return [this.latest];
  }
  async current(): Promise<string | null> {
    return this.latest;
  }
  path(version: string): string {
    return `/bundles/${version}`;
  }
}

function harness(bundles: Record<string, () => FakeBundle>) {
  const lines: string[] = [];
  const loads: string[] = [];
  const made = new Map<string, FakeBundle>();
  const logger = {
    info: (_o: object | string, m?: string) => lines.push(`info ${m}`),
    warn: (_o: object | string, m?: string) => lines.push(`warn ${m}`),
    error: (_o: object | string, m?: string) => lines.push(`error ${m}`),
    debug: () => undefined,
  };
  const load = async (dir: string): Promise<ModelBundle> => {
    const version = dir.split('/').pop()!;
    loads.push(version);
    const make = bundles[version];
    if (make === undefined) throw Errors.bundleRejected(`${dir}: truncated file item-factors.f32 (expected 1600 bytes, found 77)`);
    const b = make();
    made.set(version, b);
    return b;
  };
  return { lines, loads, made, logger, load };
}

test('a newer version is loaded in the background and swapped in; the old one is closed after its leases', async () => {
  const h = harness({ v2: () => fakeBundle('v2') });
  const v1 = fakeBundle('v1');
  const holder = new BundleHolder(v1, { load: h.load, logger: h.logger, graceMs: 0, catalog: tinyCatalog(200) });
  const store = new FakeStore('v1');
  assert.deepEqual(await holder.reload(store), { kind: 'unchanged', version: 'v1' });
  const lease = holder.acquire();
  store.latest = 'v2';
  const r = await holder.reload(store);
  assert.equal(r.kind, 'swapped');
  assert.equal(holder.current().version, 'v2');
  assert.equal(lease.bundle.version, 'v1', 'a running request keeps its bundle');
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(v1.closed, false, 'not closed under a running request');
  lease.release();
  assert.equal(v1.closed, true, 'released once the last lease is gone');
  assert.equal(holder.retiredOpen, 0);
  assert.ok(h.lines.some((l) => l.includes('swapped: v1 -> v2')));
  await holder.close();
  assert.equal(h.made.get('v2')!.closed, true);
});

test('a corrupt or truncated bundle is refused with a clear log line, once, and the old one keeps serving', async () => {
  const h = harness({});
  const holder = new BundleHolder(fakeBundle('v1'), { load: h.load, logger: h.logger, graceMs: 0 });
  const store = new FakeStore('v2-corrupt');
  const r = await holder.reload(store);
  assert.equal(r.kind, 'refused');
  assert.equal(holder.current().version, 'v1');
  const line = h.lines.find((l) => l.startsWith('error'))!;
  assert.match(line, /model bundle v2-corrupt refused: .*truncated.*; still serving v1/);
  await holder.reload(store);
  assert.deepEqual(h.loads, ['v2-corrupt'], 'a refused version is not loaded again');
  await holder.close();
});

test('an incompatible bundle (more tracks than the catalog, other dim, NaN factors) is refused and closed', async () => {
  const h = harness({
    big: () => fakeBundle('big', { trackCount: 500 }),
    nan: () => fakeBundle('nan', { nan: true }),
    wrongdim: () => {
      const b = fakeBundle('wrongdim', { dim: 8 });
      return { ...b, index: { ...b.index, dim: 4 }, close: () => (b.closed = true) } as FakeBundle;
    },
  });
  const holder = new BundleHolder(fakeBundle('v1'), { load: h.load, logger: h.logger, graceMs: 0, catalog: tinyCatalog(200) });
  const store = new FakeStore('big');
  for (const [v, why] of [['big', /catalog only 200/], ['nan', /not finite/], ['wrongdim', /vector index has dim 4/]] as const) {
    store.latest = v;
    const r = await holder.reload(store);
    assert.equal(r.kind, 'refused', v);
    if (r.kind === 'refused') assert.match(r.reason, why);
    assert.equal(holder.current().version, 'v1');
  }
  assert.equal(h.made.get('big')!.closed, true);
  await holder.close();
});

test('requests during a watched swap always get an open bundle', async () => {
  const h = harness({ v2: () => fakeBundle('v2'), v3: () => fakeBundle('v3') });
  const holder = new BundleHolder(fakeBundle('v1'), { load: h.load, logger: h.logger, graceMs: 5 });
  const store = new FakeStore('v1');
  const stop = holder.watch(store, 5);
  const seen = new Set<string>();
  let failures = 0;
  // Requests keep running while the store moves to v2 and then v3; each phase ends once the swap is seen.
  for (const next of ['v2', 'v3']) {
    store.latest = next;
    for (let i = 0; holder.current().version !== next && i < 5000; i++) {
      const lease = holder.acquire();
      if ((lease.bundle as FakeBundle).closed) failures++;
      seen.add(lease.bundle.version);
      await new Promise((res) => setTimeout(res, 1));
      if ((lease.bundle as FakeBundle).closed) failures++;
      lease.release();
    }
    seen.add(holder.current().version);
  }
  stop();
  assert.equal(failures, 0);
  assert.deepEqual([...seen].sort(), ['v1', 'v2', 'v3']);
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(h.made.get('v2')!.closed, true);
  assert.equal(holder.current().version, 'v3');
  await holder.close();
});

test('at start, a corrupt newest bundle is refused and the newest good one is served', async () => {
  const h = harness({ v1: () => fakeBundle('v1') });
  const store = new (class extends FakeStore {
    override async versions(): Promise<string[]> {
      return ['v1', 'v2-corrupt'];
    }
  })('v2-corrupt');
  const holder = await BundleHolder.open(store, { load: h.load, logger: h.logger, graceMs: 0 });
  assert.equal(holder.current().version, 'v1');
  assert.ok(holder.refusedVersions().has('v2-corrupt'));
  assert.ok(h.lines.some((l) => l.startsWith('error') && l.includes('v2-corrupt refused')));
  assert.equal((await holder.reload(store)).kind, 'refused');
  assert.deepEqual(h.loads, ['v2-corrupt', 'v1'], 'not loaded again by the watch');
  await holder.close();
  const none = harness({});
  await assert.rejects(BundleHolder.open(store, { load: none.load }), /every bundle was refused/);
});
