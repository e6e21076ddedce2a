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

test('model selection prefers a learned model over a noisy embedding score on training requests', () => {
  const r = fitRanker(dataset()).report;
  assert.notEqual(r.chosen, 'embeddingOnly');
  assert.ok(r.selectionNdcg['embeddingOnly']! < r.selectionNdcg[r.chosen]!);
});
