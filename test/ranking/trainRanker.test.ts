import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld } from '../../src/world/World.js';
import { DEFAULT_TRAIN, trainBundle } from '../../src/training/trainBundle.js';
import { loadBundle } from '../../src/model/loadBundle.js';
import { RANKER_KINDS } from '../../src/ranking/RankerScorer.js';
import type { RankerReport } from '../../src/ranking/fitRanker.js';

// `encore train` on a small generated world: the ranker is trained on each listener's held-out last session
// (played to the end vs skipped) and compared with the retrieval order on listeners it never saw.
test('encore train evaluates the learned ranker on held-out sessions and keeps it only if it wins', { timeout: 300_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-ranker-'));
  try {
    const worldDir = path.join(root, 'world');
    await generateWorld({ tracks: 8000, users: 1500, seed: 21, out: worldDir });
    const s = await trainBundle({ ...DEFAULT_TRAIN, factors: 16, iterations: 4, seed: 3, quiet: true, worldDir, bundlesDir: path.join(root, 'bundles') });
    const evalFile = path.join(s.dir, 'ranker-eval.json');
    assert.ok(fs.existsSync(evalFile), 'ranker-eval.json is written into the bundle');
    const ev = JSON.parse(fs.readFileSync(evalFile, 'utf8')) as { accepted: boolean; message: string; report: RankerReport };
    const r = ev.report;
    assert.ok(r.evalRequests >= 50, `held-out requests: ${r.evalRequests}`);
    assert.ok(r.positiveShare > 0.3 && r.positiveShare < 0.95, 'labels mix completes and skips');
    for (const q of [r.ranker, r.retrievalOrder, r.embeddingOnly]) {
      assert.ok(q.auc >= 0 && q.auc <= 1 && q.ndcg > 0 && q.ndcg <= 1);
    }
    assert.equal(ev.accepted, r.ranker.ndcgAt20 > r.retrievalOrder.ndcgAt20, 'kept exactly when it beats the retrieval order on NDCG@20');
    // The hidden taste of the world is learnable: the ranker orders one listener's plays better than chance.
    assert.ok(r.ranker.requestAuc > 0.55, `per-request AUC ${r.ranker.requestAuc}`);
    const bundle = await loadBundle(s.dir, { verify: 'sizes' });
    try {
      assert.equal(bundle.ranker !== null, ev.accepted, 'ranker.json present exactly when accepted');
      if (bundle.ranker) {
        assert.ok(RANKER_KINDS.includes(bundle.ranker.kind));
        assert.equal(bundle.ranker.weights.length, bundle.ranker.featureNames.length);
        assert.ok(bundle.ranker.featureNames.includes('embeddingScore'));
      }
    } finally {
      bundle.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
