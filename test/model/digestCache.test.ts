// The machine-wide digest cache: a file is hashed once while it is unchanged, again after any change (even one
// that restores the modification time), once for concurrent callers, and a lock left by a dead process is taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DigestCache, hugeCachedBefore, markHugeCached } from '../../src/model/digestCache.js';
import { flipBits } from '../support/damage.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-digest-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function counted(): { calls: () => number; compute: (file: string) => Promise<string> } {
  let calls = 0;
  return {
    calls: () => calls,
    compute: async (file) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    },
  };
}

function fileWith(name: string, bytes: number): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, Buffer.alloc(bytes, 7));
  return file;
}

test('a file is hashed once while unchanged, by any cache over the same directory', async () => {
  const dir = path.join(root, 'cache-a');
  const file = fileWith('a.bin', 4096);
  const c = counted();
  const first = await new DigestCache({ dir, racyMs: -1000 }).sha256(file, c.compute);
  const second = await new DigestCache({ dir, racyMs: -1000 }).sha256(file, c.compute);
  assert.equal(first, second);
  assert.equal(first, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  assert.equal(c.calls(), 1);
});

test('a flipped bit is hashed again even when the modification time is put back', async () => {
  const dir = path.join(root, 'cache-b');
  const file = fileWith('b.bin', 4096);
  const c = counted();
  const cache = new DigestCache({ dir, racyMs: -1000 });
  const before = await cache.sha256(file, c.compute);
  const { atime, mtime } = fs.statSync(file);
  flipBits(file, 100);
  fs.utimesSync(file, atime, mtime);
  const after = await cache.sha256(file, c.compute);
  assert.notEqual(after, before);
  assert.equal(c.calls(), 2);
});

test('concurrent callers wait for one computation instead of each hashing', async () => {
  const dir = path.join(root, 'cache-c');
  const file = fileWith('c.bin', 1 << 16);
  const c = counted();
  const digests = await Promise.all([0, 1, 2].map(() => new DigestCache({ dir, racyMs: -1000 }).sha256(file, c.compute)));
  assert.equal(new Set(digests).size, 1);
  assert.equal(c.calls(), 1);
});

test('a lock left by a process that died is taken over', async () => {
  const dir = path.join(root, 'cache-d');
  const file = fileWith('d.bin', 1024);
  const cache = new DigestCache({ dir, racyMs: -1000 });
  const c = counted();
  await cache.sha256(fileWith('warm.bin', 1), c.compute); // creates the directory
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  fs.writeFileSync(cache.paths(file)!.lock, dead);
  const digest = await cache.sha256(file, c.compute);
  assert.equal(digest, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  assert.equal(c.calls(), 2);
});

test('a file changed just before the hash is hashed every time (its timestamps could still hide a write)', async () => {
  const dir = path.join(root, 'cache-f');
  const file = fileWith('f.bin', 64);
  const c = counted();
  const cache = new DigestCache({ dir });
  await cache.sha256(file, c.compute);
  await cache.sha256(file, c.compute);
  assert.equal(c.calls(), 2);
});

test('without a directory every call hashes', async () => {
  const file = fileWith('e.bin', 64);
  const c = counted();
  const cache = new DigestCache({ dir: null });
  await cache.sha256(file, c.compute);
  await cache.sha256(file, c.compute);
  assert.equal(c.calls(), 2);
});

test('the huge-page mark follows a file\'s bytes: a hard link shares it, a rewrite does not, no directory keeps none', () => {
  const dir = path.join(root, 'cache-huge');
  const file = fileWith('huge.bin', 8192);
  assert.equal(hugeCachedBefore(file, dir), false);
  markHugeCached(file, dir);
  assert.equal(hugeCachedBefore(file, dir), true);
  // A new version staged by hard link: other name, other change time, same inode and page cache.
  const link = path.join(root, 'huge-link.bin');
  fs.linkSync(file, link);
  assert.equal(hugeCachedBefore(link, dir), true);
  // New bytes under the same name (a new inode, a new modification time): not cached that way yet.
  const later = new Date(Date.now() + 5000);
  fs.rmSync(file);
  fs.writeFileSync(file, Buffer.alloc(8192, 9));
  fs.utimesSync(file, later, later);
  assert.equal(hugeCachedBefore(file, dir), false);
  assert.equal(hugeCachedBefore(path.join(root, 'missing.bin'), dir), false);
  markHugeCached(file, null);
  assert.equal(hugeCachedBefore(file, null), false);
});
