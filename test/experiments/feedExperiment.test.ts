// A surface running an experiment, through the real HTTP app: every feed response names the experiment and the
// listener's variant, the variant's overrides are what is served, and impressions carrying both are accepted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/server/app.js';
import { declareExperiment } from '../../src/surfaces/index.js';
import { assignVariant } from '../../src/experiments/bucket.js';
import type { ExperimentConfig } from '../../src/surfaces/SurfaceConfig.js';
import type { FeedResult } from '../../src/pipeline/types.js';
import { makeTestWorld, testDeps } from '../feed/fixtures.js';

const experiment: ExperimentConfig = {
  name: 'exploration-off',
  variants: [
    { name: 'control', weight: 1, overrides: {} },
    { name: 'no-explore', weight: 1, overrides: { rerank: { explorationSlot: -1 } } },
  ],
};
declareExperiment('home', experiment);
after(() => declareExperiment('home', null));

test('feed responses carry experiment and variant; the variant overrides are served; impressions keep both', async () => {
  const world = makeTestWorld();
  const deps = testDeps(world);
  const app = await buildApp(deps);
  try {
    const seen = new Set<string>();
    for (let u = 0; u < 12; u++) {
      const res = await app.inject({ method: 'GET', url: `/v1/users/u${u}/feed?surface=home&limit=20` });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<FeedResult & { experiment?: string; variant?: string }>();
      assert.equal(body.surface, 'home');
      assert.equal(body.experiment, 'exploration-off');
      assert.equal(body.variant, assignVariant(experiment, `u${u}`).name);
      seen.add(body.variant!);
      const explored = body.items.some((i) => i.exploration === true);
      if (body.variant === 'no-explore') assert.equal(explored, false, 'the variant turned the exploration slot off');
      else assert.equal(explored, true);
    }
    assert.equal(seen.size, 2);
    const impression = { eventId: 'imp-1', type: 'impression', userId: 'u1', trackId: 't1', timestamp: Date.now(), requestId: 'r1', position: 0, experiment: 'exploration-off', variant: 'control' };
    const bad = { ...impression, eventId: 'imp-2', variant: '' };
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [impression, bad] } });
    const body = res.json<{ accepted: string[]; rejected: { index: number }[] }>();
    assert.deepEqual(body.accepted, ['imp-1']);
    assert.deepEqual(body.rejected.map((r) => r.index), [1]);
    const page = await deps.eventLog.read(0, 10);
    assert.equal(page.events[0]!.experiment, 'exploration-off');
    assert.equal(page.events[0]!.variant, 'control');
  } finally {
    await app.close();
  }
});
