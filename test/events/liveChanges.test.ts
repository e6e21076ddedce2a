// Retraining while serving: a new bundle version appears in the bundle directory while feed requests run;
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
        const res = await service.app.inject(`/v1/users/u${(w * 97 + i) % 2000}/feed`);
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
