// Damaged files are refused at load with a clear message, and a serving process keeps the bundle it has:
// a truncated or bit-flipped bundle (sha256 of every file, checked by default), a truncated or bit-flipped
// catalog column (the world manifest lists every file's size and sha256: the service does not start on it).
// The fast versions of the world checks are in test/world/integrity.test.ts; a damaged LMDB event log in
// test/security/storageFaults.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { MANIFEST_FILE } from '../../src/model/bundleFiles.js';
import type { BundleHolder } from '../../src/model/BundleHolder.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { openService } from '../../src/server/openService.js';
import { openWorld } from '../../src/world/World.js';
import { cleanup, fixture } from '../training/fixture.js';
import { record } from './report.js';
import { faultsSkipReason, waitFor } from './servers.js';
import { flipBits } from '../support/damage.js';

const skip = faultsSkipReason();
after(async () => {
  if (skip === false) cleanup(await fixture());
});


/** Publishes a damaged copy of bundle `from` as version `to` (written aside, renamed in, as `encore train` does). */
function publishDamaged(bundlesDir: string, from: string, to: string, damage: (dir: string) => void): void {
  const tmp = path.join(bundlesDir, `.tmp-${to}`);
  fs.cpSync(path.join(bundlesDir, from), tmp, { recursive: true });
  const manifestFile = path.join(tmp, MANIFEST_FILE);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, bundleVersion: to }));
  damage(tmp);
  fs.renameSync(tmp, path.join(bundlesDir, to));
}

test('truncated and bit-flipped bundles are refused; the serving process keeps its bundle', { skip }, async () => {
  const f = await fixture();
  const v1 = f.summary.dir.split(path.sep).pop()!;
  const lines: string[] = [];
  const log = (o: object | string, m?: string) => lines.push(m ?? String(o));
  const logger = { info: () => undefined, warn: log, error: log, debug: () => undefined };
  const service = await openService({ worldDir: f.world.dir, bundlesDir: f.bundlesDir, stateUrl: 'memory://', eventsUrl: 'memory://', watchMs: 20, logger });
  const holder = service.deps.bundles as BundleHolder;
  try {
    const flipped = 'v99990101000000-1';
    const truncated = 'v99990101000000-2';
    publishDamaged(f.bundlesDir, v1, flipped, (dir) => flipBits(path.join(dir, 'item-factors.f32'), 4096, 0x10));
    await waitFor('the bit-flipped bundle refused', () => lines.some((l) => l.includes(flipped)));
    publishDamaged(f.bundlesDir, v1, truncated, (dir) => fs.truncateSync(path.join(dir, 'user-factors.f32'), 1000));
    await waitFor('the truncated bundle refused', () => lines.some((l) => l.includes(truncated)));
    const flipLine = lines.find((l) => l.includes(flipped))!;
    const truncLine = lines.find((l) => l.includes(truncated))!;
    assert.match(flipLine, /refused: .*(checksum|sha256)/i);
    assert.match(truncLine, /refused: .*(size|bytes)/i);
    assert.equal(holder.current().version, v1, 'still serving the bundle it had');
    assert.equal((await service.app.inject('/v1/users/u1/feed')).statusCode, 200);
    await assert.rejects(loadBundle(path.join(f.bundlesDir, flipped)), /checksum|sha256/i);
    record({ fault: 'bit-flipped and truncated bundle published while serving', refused: 2, kept: v1, flippedMessage: flipLine.slice(0, 160), truncatedMessage: truncLine.slice(0, 160) });
    for (const v of [flipped, truncated]) fs.rmSync(path.join(f.bundlesDir, v), { recursive: true, force: true });
  } finally {
    await service.close();
  }
});

test('a truncated catalog column is refused at load with the file and the sizes', { skip }, async () => {
  const f = await fixture();
  const copy = `${f.world.dir}-damaged`;
  fs.cpSync(f.world.dir, copy, { recursive: true });
  try {
    const file = path.join(copy, 'catalog', 'artist.bin');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    assert.throws(() => openWorld(copy), (err: Error) => {
      assert.match(err.message, /artist\.bin: size \d+ bytes, manifest says .*truncated/);
      record({ fault: 'truncated catalog column', refused: 1, message: err.message.slice(0, 160) });
      return true;
    });
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('a bit-flipped catalog column is refused at load with the file and the checksum; the service does not start', { skip }, async () => {
  const f = await fixture();
  const copy = `${f.world.dir}-flipped`;
  fs.cpSync(f.world.dir, copy, { recursive: true });
  try {
    flipBits(path.join(copy, 'catalog', 'features.bin'), 40_000, 0x10);
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    await assert.rejects(openService({ worldDir: copy, bundlesDir: f.bundlesDir, stateUrl: 'memory://', eventsUrl: 'memory://', logger }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ENC_FORMAT');
      assert.match(err.message, /catalog\/features\.bin: checksum mismatch: sha256 [0-9a-f]+, manifest says [0-9a-f]+: the file is damaged/);
      record({ fault: 'bit-flipped catalog column', refused: 1, message: err.message.slice(0, 160) });
      return true;
    });
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
