// describeFiles with known digests (the trainer lists a bundle twice): unchanged files keep their digest, a file
// written since is hashed again, a new file is added and a removed one dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFiles, type DescribedFiles } from '../../src/model/bundleFiles.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test('a second listing reuses the digests of unchanged files only', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-describe-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.bin'), 'first');
    fs.writeFileSync(path.join(dir, 'b.bin'), 'kept');
    fs.writeFileSync(path.join(dir, 'c.bin'), 'gone');
    const known: DescribedFiles = new Map();
    const one = describeFiles(dir, known);
    assert.equal(one['a.bin']!.sha256, sha('first'));
    await sleep(50); // a later modification time
    fs.writeFileSync(path.join(dir, 'a.bin'), 'again'); // same size, other bytes
    fs.rmSync(path.join(dir, 'c.bin'));
    fs.writeFileSync(path.join(dir, 'd.bin'), 'new file');
    const two = describeFiles(dir, known);
    assert.deepEqual(Object.keys(two), ['a.bin', 'b.bin', 'd.bin']);
    assert.equal(two['a.bin']!.sha256, sha('again'));
    assert.equal(two['b.bin'], one['b.bin'], 'the unchanged file keeps its entry');
    assert.deepEqual(two['d.bin'], { sha256: sha('new file'), bytes: 8 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
