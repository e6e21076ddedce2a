import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RANKER_FIT, fitRanker, splitRequests } from '../../src/ranking/fitRanker.js';
import { RankerDataset } from '../../src/ranking/RankerDataset.js';
import { seededRandom } from '../../src/eval/rng.js';

// A dataset built directly: 400 requests of 10 rows; feature 'embeddingScore' is noise, 'artistAffinity'
// predicts the label in training requests and predicts the OPPOSITE in evaluation requests. A ranker fitted
// only on training requests must therefore do worse than chance on the evaluation requests: this fails if
// evaluation requests leak into fitting.
function dataset(): RankerDataset {
  const names = ['embeddingScore', 'artistAffinity'];
  const groups = 400;
  const perGroup = 10;
  const d = new RankerDataset(names, false, groups * perGroup);
  const split = splitRequests(groups, DEFAULT_RANKER_FIT.evalShare, seededRandom(DEFAULT_RANKER_FIT.seed));
  const rand = seededRandom(1);
  for (let g = 0; g < groups; g++) {
    const flip = split.isEval[g] === 1;
    for (let i = 0; i < perGroup; i++) {
      const r = d.rows++;
      const label = i < 3 ? 1 : 0;
      d.x[r * 2] = rand();
      d.x[r * 2 + 1] = (label === 1) !== flip ? 0.6 + 0.4 * rand() : 0.4 * rand();
      d.labels[r] = label;
      d.group[r] = g;
      d.baseline[r] = d.x[r * 2]!;
    }
    d.groups++;
  }
  return d;
}

for (const only of ['pairwise', 'pointwise'] as const) {
  test(`the ${only} ranker is fitted on training requests only and judged on the others`, () => {
    const fit = fitRanker(dataset(), { ...DEFAULT_RANKER_FIT, candidates: [only] });
    const r = fit.report;
    assert.ok(r.evalRequests > 40 && r.trainRequests > 250);
    assert.equal(r.chosen, only);
    assert.ok(r.ranker.requestAuc < 0.2, `evaluation requests are inverted: per-request AUC ${r.ranker.requestAuc}`);
    assert.equal(fit.model, null, 'it loses to the retrieval order on the evaluation requests, so it is not kept');
    assert.equal(r.accepted, false);
  });
}

test('model selection prefers a learned model on training requests, and the gate falls back to the embedding score when it loses on evaluation requests', () => {
  const r = fitRanker(dataset()).report;
  const learned = Object.entries(r.selectionNdcg).filter(([k]) => k !== 'embeddingOnly');
  assert.ok(learned.length >= 2, 'the grid covers depths and penalties');
  assert.ok(Math.max(...learned.map(([, v]) => v)) > r.selectionNdcg['embeddingOnly']!);
  // artistAffinity is inverted on the evaluation requests: the learned model loses there to the (noise) embedding score
  assert.equal(r.gated, true);
  assert.equal(r.chosen, 'embeddingOnly');
});

test('a cascade depth restricts fitting to the first stage\'s top rows and keeps the rest below, in first-stage order', () => {
  // 300 requests of 6 rows; first-stage ranks 0..5 = row order; feature 0 predicts the label among the top 3 only.
  const d = new RankerDataset(['embeddingScore', 'artistAffinity'], false, 1800);
  const rand = seededRandom(4);
  for (let g = 0; g < 300; g++) {
    const pos = Math.floor(rand() * 3);
    for (let i = 0; i < 6; i++) {
      const r = d.rows++;
      d.labels[r] = i === pos ? 1 : 0;
      d.x[r * 2] = 6 - i;
      d.x[r * 2 + 1] = i === pos ? 1 : i >= 3 ? 5 : 0; // far rows have a misleading high value
      d.group[r] = g;
      d.baseline[r] = 6 - i;
      d.firstScore[r] = 6 - i;
      d.firstRank[r] = i;
    }
    d.groups++;
  }
  const r = fitRanker(d, { ...DEFAULT_RANKER_FIT, candidates: ['pairwise'], depths: [0, 3], l2s: [1e-4] }).report;
  assert.equal(r.depth, 3, `depth 3 wins: ${JSON.stringify(r.selectionNdcg)}`);
  assert.ok(r.ranker.ndcgAt20 > 0.99, 'the top three are reordered perfectly and the far rows stay below');
});
