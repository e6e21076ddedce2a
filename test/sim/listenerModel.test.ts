import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_MODEL, fatigued, playOutcome, returnProbability, startPatience } from '../../src/sim/listenerModel.js';
import { sampleListeners } from '../../src/sim/runSimulation.js';
import { seededRandom } from '../../src/eval/rng.js';
import { EARLY_SKIP_MS } from '../../src/domain/events.js';

test('fatigue: each earlier play of the artist lowers the logit by fatiguePerRepeat', () => {
  assert.equal(fatigued(0.5, 0), 0.5);
  const p1 = fatigued(0.5, 1);
  assert.ok(Math.abs(Math.log(p1 / (1 - p1)) + SIM_MODEL.fatiguePerRepeat) < 1e-9);
  assert.ok(fatigued(0.9, 3) < fatigued(0.9, 2));
});

test('outcomes: completion share is p, skips are positioned, early skips under 30 s', () => {
  const rand = seededRandom(3);
  let completes = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const o = playOutcome(rand, 0.7, 200_000, false);
    if (o.kind === 'complete') {
      completes++;
      assert.equal(o.listenedMs, 200_000);
    } else {
      assert.ok(o.listenedMs >= 0 && o.listenedMs <= 200_000);
      if (o.early) assert.ok(o.listenedMs < EARLY_SKIP_MS);
      assert.equal(o.ban, false, 'no ban without an earlier skip of the artist');
    }
  }
  assert.ok(Math.abs(completes / n - 0.7) < 0.015);
});

test('patience and return probability stay in their documented ranges', () => {
  assert.ok(startPatience(-10) > SIM_MODEL.patienceBase && startPatience(10) < SIM_MODEL.patienceBase + SIM_MODEL.patienceSpread);
  assert.equal(returnProbability(null), SIM_MODEL.absentReturn);
  assert.equal(returnProbability(1), SIM_MODEL.returnMax);
  assert.ok(returnProbability(0.2) < returnProbability(0.6));
});

test('listener sample: distinct, in range, deterministic for a seed', () => {
  const a = sampleListeners(1000, 100, 5);
  assert.equal(new Set(a).size, 100);
  assert.ok(a.every((u) => u >= 0 && u < 1000));
  assert.deepEqual(a, sampleListeners(1000, 100, 5));
  assert.equal(sampleListeners(10, 50, 1).length, 10);
});
