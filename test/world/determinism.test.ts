import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { generateWorld } from '../../src/world/World.js';
import { listFiles, tempDir } from './helpers.js';

test('same seed gives the same bytes; another seed gives another world', async () => {
  const root = tempDir('determinism');
  try {
    const a = path.join(root, 'a'), b = path.join(root, 'b'), c = path.join(root, 'c');
    await generateWorld({ tracks: 6000, users: 400, seed: 7, out: a });
    await generateWorld({ tracks: 6000, users: 400, seed: 7, out: b });
    await generateWorld({ tracks: 6000, users: 400, seed: 8, out: c });
    const files = listFiles(a);
    assert.deepEqual(listFiles(b), files);
    assert.ok(files.includes('manifest.json') && files.includes('truth/manifest.json'));
    for (const f of files) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${f} differs between two runs with one seed`);
    assert.ok(!fs.readFileSync(path.join(a, 'events/track.bin')).equals(fs.readFileSync(path.join(c, 'events/track.bin'))), 'seed 8 reproduced seed 7');
    // the manifest records no wall-clock time: the world's "now" is fixed
    const m = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8')) as { nowMs: number; seed: number };
    assert.equal(m.nowMs, Date.UTC(2026, 0, 1));
    assert.equal(m.seed, 7);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('generation refuses to overwrite a directory that is not a world', async () => {
  const root = tempDir('overwrite');
  try {
    fs.writeFileSync(path.join(root, 'precious.txt'), 'keep me');
    await assert.rejects(generateWorld({ tracks: 100, users: 10, seed: 1, out: root }), /not a world directory/);
    assert.equal(fs.readFileSync(path.join(root, 'precious.txt'), 'utf8'), 'keep me');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
