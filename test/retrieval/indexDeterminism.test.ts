// The banded index is a function of its input (issue 11 point 4, "deterministic for a seed"): two builds of the
// same vectors with two threads write byte-identical band files. With usearch inserting a band's vectors on two
// threads the graphs depended on thread timing, and the learned ranker trained on their candidates differed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTrackIndex } from '../../src/retrieval/buildTrackIndex.js';
import { DEFAULT_INDEX_PARAMS } from '../../src/retrieval/UsearchIndex.js';
import { seededRandom } from '../../src/eval/rng.js';

function bandDigests(dir: string): string[] {
  return fs.readdirSync(dir).sort().map((f) => `${f} ${crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')}`);
}

test('two builds of the same vectors write the same band files', async () => {
  const n = 12_000;
  const dim = 16;
  const rand = seededRandom(4);
  const vectors = Float32Array.from({ length: n * dim }, () => (rand() - 0.5) * (1 + rand()));
  const params = { ...DEFAULT_INDEX_PARAMS, bands: 4, maxBandSize: 4000, minBandSize: 1000 };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-index-det-'));
  try {
    const digests: string[][] = [];
    for (const run of ['a', 'b']) {
      const dir = path.join(root, run);
      fs.mkdirSync(dir);
      let last = 0;
      const stats = await buildTrackIndex(vectors, n, dim, dir, params, 2, (done) => (last = done));
      assert.ok(stats.bands.length >= 3, `${stats.bands.length} bands`);
      assert.equal(stats.indexed, n);
      assert.equal(last, n, 'progress reaches every vector');
      digests.push(bandDigests(dir));
    }
    assert.deepEqual(digests[1], digests[0]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a band build that fails rejects with the band named', async () => {
  const vectors = new Float32Array(2000 * 8).fill(0.5);
  await assert.rejects(buildTrackIndex(vectors, 2000, 8, '/nonexistent-dir/encore', DEFAULT_INDEX_PARAMS, 2), /index: building \/nonexistent-dir\/encore\/tracks\.b0\.usearch failed: .*No such file/);
});
