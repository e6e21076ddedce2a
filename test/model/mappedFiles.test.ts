// Files mapped together into one buffer (native/mmap mapFiles, src/model/mappedFile.ts mapTogether): each view
// holds exactly its file's bytes whatever the sizes (empty, under a page, not a page multiple), starting on a
// 2 MiB boundary, and a missing file is an error that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { cacheInHugePages, mapTogether, mmapAvailable } from '../../src/model/mappedFile.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-mapped-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const skip = mmapAvailable ? false : 'the mmap addon is not built here';

test('every view of a joint mapping holds exactly its own file', { skip }, () => {
  let run = 0;
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 * 4096 + 17 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 255 }), (sizes, seed) => {
      const dir = path.join(root, `case-${run++}`);
      fs.mkdirSync(dir);
      const names = sizes.map((_, i) => `f${i}.bin`);
      const contents = sizes.map((n, i) => Buffer.from(Array.from({ length: n }, (_, k) => (seed + 31 * i + k) & 255)));
      names.forEach((name, i) => fs.writeFileSync(path.join(dir, name), contents[i]!));
      const mapped = mapTogether(dir, names);
      assert.ok(mapped);
      names.forEach((name, i) => {
        const view = mapped.view(name);
        assert.ok(view, name);
        assert.equal(view.length, sizes[i]);
        assert.ok(Buffer.from(view.buffer, view.byteOffset, view.length).equals(contents[i]!), `${name} differs`);
        // 2 MiB-aligned starts (huge pages: native/common/huge_mapping.h), so any typed array over a view is aligned
        assert.equal(view.byteOffset % 2 ** 21, 0);
      });
      assert.equal(mapped.view('not-mapped.bin'), undefined);
    }),
    { numRuns: 40 },
  );
});

test('a missing file fails the whole mapping and names the file', { skip }, () => {
  const dir = path.join(root, 'missing');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'here.bin'), Buffer.alloc(10, 1));
  assert.throws(() => mapTogether(dir, ['here.bin', 'gone.bin']), /gone\.bin/);
});

test('a released range reads zeros and is given to the next mapping', { skip }, () => {
  const dir = path.join(root, 'release');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'a.bin'), Buffer.alloc(3 * 4096 + 5, 9));
  const first = mapTogether(dir, ['a.bin']);
  assert.ok(first);
  const view = first.view('a.bin')!;
  assert.equal(view[0], 9);
  first.release();
  first.release(); // twice is harmless
  assert.equal(first.view('a.bin'), undefined);
  assert.equal(view[0], 0);
  assert.equal(view[view.length - 1], 0);
  const second = mapTogether(dir, ['a.bin']);
  assert.ok(second);
  assert.equal(second.view('a.bin')!.byteOffset, view.byteOffset);
  assert.equal(second.view('a.bin')![100], 9);
  second.release();
});

test('a large range is released over several turns and only then handed out again', { skip }, async () => {
  const dir = path.join(root, 'release-large');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(65 * 2 ** 20 + 1, 3));
  const first = mapTogether(dir, ['big.bin']);
  assert.ok(first);
  const view = first.view('big.bin')!;
  first.release();
  assert.equal(view[0], 0, 'the first step is released at once');
  assert.equal(view[view.length - 1], 3, 'the rest waits for later turns');
  const meanwhile = mapTogether(dir, ['big.bin']);
  assert.ok(meanwhile);
  assert.notEqual(meanwhile.view('big.bin')!.byteOffset, view.byteOffset, 'not handed out while being released');
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(view[view.length - 1], 0);
  const after = mapTogether(dir, ['big.bin']);
  assert.ok(after);
  assert.equal(after.view('big.bin')!.byteOffset, view.byteOffset);
  meanwhile.release();
  after.release();
});

test('no files to map: no mapping (and no region reserved for it)', { skip }, () => {
  assert.equal(mapTogether(root, []), null);
});

test('caching a file in huge pages keeps its bytes, also while it is mapped, and names a missing file', { skip }, () => {
  const dir = path.join(root, 'huge');
  fs.mkdirSync(dir);
  const bytes = Buffer.from(Array.from({ length: 5 * 2 ** 20 + 123 }, (_, k) => (k * 7 + (k >> 12)) & 255));
  fs.writeFileSync(path.join(dir, 'h.bin'), bytes);
  const mapped = mapTogether(dir, ['h.bin']);
  assert.ok(mapped);
  const view = mapped.view('h.bin')!;
  assert.equal(view[4096 * 3 + 5], bytes[4096 * 3 + 5]); // a page mapped now: dropping cached pages must spare it
  cacheInHugePages(path.join(dir, 'h.bin'));
  assert.ok(Buffer.from(view.buffer, view.byteOffset, view.length).equals(bytes));
  assert.ok(fs.readFileSync(path.join(dir, 'h.bin')).equals(bytes));
  mapped.release();
  cacheInHugePages(path.join(dir, 'h.bin')); // unmapped now: read back from disk
  assert.ok(fs.readFileSync(path.join(dir, 'h.bin')).equals(bytes));
  assert.throws(() => cacheInHugePages(path.join(dir, 'gone.bin')), /gone\.bin/);
});
