// BundleStore conformance suite (run against every backend; FsBundleStore is the one backend today).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleStore } from '../../src/storage/interfaces.js';
import { FsBundleStore, compareVersions } from '../../src/storage/FsBundleStore.js';

interface Backend {
  readonly name: string;
  /** A fresh store plus a way to publish a complete version or leave a half-written one. */
  make(): { store: BundleStore; publish(version: string): void; halfWrite(version: string): void; done(): void };
}

export function bundleStoreConformance(b: Backend): void {
  test(`${b.name}: an empty store has no versions and no current`, async () => {
    const s = b.make();
    assert.deepEqual(await s.store.versions(), []);
    assert.equal(await s.store.current(), null);
    s.done();
  });

  test(`${b.name}: lists complete versions oldest first; current is the newest`, async () => {
    const s = b.make();
    s.publish('v20261125100000-1');
    s.publish('v20261125090000-1');
    s.publish('v20261125110000-2');
    assert.deepEqual(await s.store.versions(), ['v20261125090000-1', 'v20261125100000-1', 'v20261125110000-2']);
    assert.equal(await s.store.current(), 'v20261125110000-2');
    assert.ok(fs.existsSync(path.join(s.store.path('v20261125110000-2'), 'manifest.json')));
    s.done();
  });

  test(`${b.name}: half-written versions are never visible`, async () => {
    const s = b.make();
    s.publish('v20261125100000-1');
    s.halfWrite('v20261125120000-1');
    assert.deepEqual(await s.store.versions(), ['v20261125100000-1']);
    assert.equal(await s.store.current(), 'v20261125100000-1');
    s.done();
  });

  test(`${b.name}: rejects version names that escape the store`, () => {
    const s = b.make();
    assert.throws(() => s.store.path('../etc'));
    assert.throws(() => s.store.path('.tmp-v1'));
    s.done();
  });
}

bundleStoreConformance({
  name: 'FsBundleStore',
  make() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-bundles-'));
    return {
      store: new FsBundleStore(root),
      publish(version) {
        const tmp = path.join(root, `.tmp-${version}`);
        fs.mkdirSync(tmp, { recursive: true });
        fs.writeFileSync(path.join(tmp, 'manifest.json'), '{}');
        fs.renameSync(tmp, path.join(root, version));
      },
      halfWrite(version) {
        // A crashed build: the temp dir with files, and even a final-named dir without a manifest.
        fs.mkdirSync(path.join(root, `.tmp-${version}`), { recursive: true });
        fs.writeFileSync(path.join(root, `.tmp-${version}`, 'item-factors.f32'), 'x');
        fs.mkdirSync(path.join(root, `${version}-partial`));
      },
      done() {
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  },
});

test('versions sort with numeric runs compared as numbers', () => {
  const names = ['v10', 'v9', 'v20261202170033-1', 'v20261202170033-12', 'v20261202170033-2', 'v100'];
  assert.deepEqual([...names].sort(compareVersions), ['v9', 'v10', 'v100', 'v20261202170033-1', 'v20261202170033-2', 'v20261202170033-12']);
});
