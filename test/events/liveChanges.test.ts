// Live changes on a real service (generated world, trained bundle): PUT /v1/tracks reaches the cold-start
// source and the market filter at once; retraining while serving: a new bundle version appears in the bundle directory while feed requests run;
// the service swaps to it with no failed request, releases the old one, and refuses a truncated bundle
// with a clear log line while it keeps serving the one it has.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openService } from '../../src/server/openService.js';
import type { BundleHolder } from '../../src/model/BundleHolder.js';
import { BUNDLE_FILES, MANIFEST_FILE } from '../../src/model/bundleFiles.js';
import type { FeedResult } from '../../src/pipeline/types.js';
import { fixture, cleanup } from '../training/fixture.js';
import { ColdStartSource } from '../../src/sources/ColdStartSource.js';
import { genreName } from '../../src/pipeline/genreNames.js';
import type { MutableCatalog } from '../../src/catalog/MutableCatalog.js';
import type { TracksResponse } from '../../src/server/plugins/tracks.js';
import { context } from '../sources/context.js';

after(async () => cleanup(await fixture()));

/** Publishes a copy of bundle `from` as version `to` the way `encore train` does: write aside, rename in. */
function publishCopy(bundlesDir: string, from: string, to: string, damage?: (dir: string) => void): void {
  const tmp = path.join(bundlesDir, `.tmp-${to}`);
  fs.cpSync(path.join(bundlesDir, from), tmp, { recursive: true });
  const manifestFile = path.join(tmp, MANIFEST_FILE);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, bundleVersion: to }));
  damage?.(tmp);
  fs.renameSync(tmp, path.join(bundlesDir, to));
}

test('a new bundle is swapped in under load with no failed request; a truncated one is refused and the old one kept', async (t) => {
  const f = await fixture();
  const v1 = f.summary.dir.split(path.sep).pop()!;
  const lines: string[] = [];
  const logger = {
    info: (o: object | string, m?: string) => lines.push(`info ${m ?? String(o)}`),
    warn: (o: object | string, m?: string) => lines.push(`warn ${m ?? String(o)}`),
    error: (o: object | string, m?: string) => lines.push(`error ${m ?? String(o)}`),
    debug: () => undefined,
  };
  const service = await openService({ worldDir: f.world.dir, bundlesDir: f.bundlesDir, stateUrl: 'memory://', eventsUrl: 'memory://', watchMs: 20, logger });
  const holder = service.deps.bundles as BundleHolder;
  try {
    assert.equal(holder.current().version, v1);
    const versionsServed = new Set<string>();
    const latencies: number[] = [];
    let failures = 0;
    let running = true;
    const load = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; running; i++) {
        const t0 = performance.now();
        const res = await service.app.inject(`/v1/users/${encodeURIComponent(f.world.users.ids.idAt((w * 97 + i) % 2000))}/feed`);
        latencies.push(performance.now() - t0);
        if (res.statusCode !== 200) failures++;
        else versionsServed.add(res.json<FeedResult>().modelVersion);
        // inject() can complete without leaving the microtask queue; let timers (the bundle watch) run.
        await new Promise((r) => setImmediate(r));
      }
    });
    const waitFor = async (pred: () => boolean): Promise<void> => {
      for (let i = 0; i < 1000 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(() => latencies.length >= 20);
    const v2 = `${v1}-z2`;
    publishCopy(f.bundlesDir, v1, v2);
    await waitFor(() => holder.current().version === v2 && versionsServed.has(v2));
    assert.equal(holder.current().version, v2);

    const v3 = `${v1}-z3`;
    publishCopy(f.bundlesDir, v2, v3, (dir) => {
      const file = path.join(dir, BUNDLE_FILES.itemFactors);
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    });
    await waitFor(() => holder.refusedVersions().has(v3));
    const served = latencies.length;
    await waitFor(() => latencies.length >= served + 20);
    running = false;
    await Promise.all(load);

    assert.equal(failures, 0, 'no failed request during the swaps');
    assert.ok(versionsServed.has(v1) && versionsServed.has(v2));
    assert.ok(!versionsServed.has(v3));
    assert.equal(holder.current().version, v2, 'the truncated bundle was refused; v2 still serves');
    assert.ok(lines.some((l) => l.includes(`model bundle swapped: ${v1} -> ${v2}`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('error') && l.includes(`model bundle ${v3} refused`) && l.includes(`still serving ${v2}`)), lines.join('\n'));
    await waitFor(() => holder.retiredOpen === 0);
    assert.equal(holder.retiredOpen, 0, 'the old bundle was released');
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    t.diagnostic(`feed requests during the swaps: ${latencies.length}, p99 ${p99.toFixed(1)} ms (in-process inject; informational)`);
  } finally {
    await service.close();
  }
});

test('a new release is retrievable through the cold-start path at once; a licence end removes a track from that market', async () => {
  const f = await fixture();
  const service = await openService({ worldDir: f.world.dir, bundlesDir: f.bundlesDir, stateUrl: 'memory://', eventsUrl: 'memory://', watchMs: 0, logger: silent });
  try {
    const catalog = service.deps.catalog as MutableCatalog;
    const bundle = service.deps.bundles.current();
    const user = 3;
    const userId = f.world.users.ids.idAt(user);
    const market = service.deps.profiles.profile(userId).market;
    const feed = async (): Promise<FeedResult> => (await service.app.inject(`/v1/users/${encodeURIComponent(userId)}/feed`)).json<FeedResult>();
    const before = await feed();
    const victim = before.items[0]!.trackId;
    const like = catalog.trackIds.indexOf(before.items[1]!.trackId);
    assert.ok(like >= 0);
    const features = Object.fromEntries(catalog.featureNames.map((name, k) => [name, catalog.columns.features[like * catalog.featureDim + k]!]));
    const byId = new Map(catalog.genres.map((g) => [g.id, g]));
    const genre = genreName(byId.get(catalog.columns.genre[like]!)!, byId);
    const newId = 'spotify:track:brand-new-single';
    const put = await service.app.inject({
      method: 'PUT',
      url: '/v1/tracks',
      payload: {
        tracks: [
          { id: victim, markets: catalog.markets.filter((_, m) => m !== market) },
          {
            id: newId, title: 'Brand New Single', artist: { id: catalog.artistIds.idAt(catalog.columns.artist[like]!) }, genres: [genre], releaseDate: '2026-11-25',
            durationMs: 181000, explicit: false, features,
          },
        ],
      },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json<TracksResponse>().added, [newId]);
    const added = catalog.trackIds.indexOf(newId);
    assert.equal(added, f.world.catalog.trackCount, 'the new track takes the next index');
    assert.equal(catalog.columns.genre[added], catalog.columns.genre[like], 'the genre name finds the existing genre');
    assert.deepEqual([...catalog.recentlyAdded()], [added]);
    const ctx = context(bundle, catalog, { userIndex: user, market, explicitOk: true });
    const cold = await new ColdStartSource().fetch(ctx, 50);
    assert.ok(Array.from(cold.tracks.subarray(0, cold.count)).includes(added), 'the cold-start source returns the new track');
    const after = await feed();
    assert.ok(!after.items.some((i) => i.trackId === victim), 'the track is no longer served in the market where its licence ended');
  } finally {
    await service.close();
  }
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
