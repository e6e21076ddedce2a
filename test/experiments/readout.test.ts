// The readout's statistics on synthetic listeners with a known answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readout, type ListenerTotals } from '../../src/experiments/readout.js';
import { assignVariant } from '../../src/experiments/bucket.js';
import { seededRandom } from '../../src/eval/rng.js';

/**
 * One synthetic listener: 1 + geometric(mean 7) plays; each completes with the listener's own probability
 * pBase ± 0.2 (uniform), so the completion rate's true value is pBase; a completion listens 3 min, a skip 30 s.
 */
function listener(rand: () => number, variant: string, pBase: number): ListenerTotals {
  let plays = 1;
  while (rand() < 6 / 7) plays++;
  const p = pBase + 0.4 * (rand() - 0.5);
  let completes = 0;
  for (let i = 0; i < plays; i++) if (rand() < p) completes++;
  const skips = plays - completes;
  return { variant, plays, completes, skips, listenMs: completes * 180_000 + skips * 30_000 };
}

const VARIANTS = [
  { name: 'control', weight: 1 },
  { name: 'treatment', weight: 1 },
];

function experiment(seed: number, n: number, pControl: number, pTreatment: number): ListenerTotals[] {
  const rand = seededRandom(seed);
  const e = { name: `exp-${seed}`, variants: VARIANTS.map((v) => ({ ...v, overrides: {} })) };
  return Array.from({ length: n }, (_, i) => {
    const v = assignVariant(e, `u${i}`).name;
    return listener(rand, v, v === 'control' ? pControl : pTreatment);
  });
}

test('95 % intervals cover the known completion rate and minutes per listener about 95 % of the time', () => {
  const reps = 300;
  let rateCovered = 0;
  let minutesCovered = 0;
  // E[plays] = 7, E[completes] = 7 p -> E[minutes] = 7 (3 p + 0.5 (1 - p)) at p = 0.6
  const trueMinutes = 7 * (3 * 0.6 + 0.5 * 0.4);
  for (let s = 0; s < reps; s++) {
    const r = readout('coverage', VARIANTS, experiment(s + 1, 600, 0.6, 0.6));
    const c = r.variants[0]!;
    if (c.completionRate.low <= 0.6 && 0.6 <= c.completionRate.high) rateCovered++;
    if (c.minutesPerListener.low <= trueMinutes && trueMinutes <= c.minutesPerListener.high) minutesCovered++;
  }
  // Binomial(300, 0.95): sd 1.26 % -> ± 4 %
  assert.ok(Math.abs(rateCovered / reps - 0.95) < 0.04, `completion-rate coverage ${rateCovered / reps}`);
  assert.ok(Math.abs(minutesCovered / reps - 0.95) < 0.04, `minutes coverage ${minutesCovered / reps}`);
});

test('A/A: significant at α = 0.05 about 5 % of the time over repeated seeds', () => {
  const reps = 400;
  let positives = 0;
  for (let s = 0; s < reps; s++) {
    const r = readout('aa', VARIANTS, experiment(10_000 + s, 400, 0.6, 0.6));
    if (r.variants[1]!.completionRate.vsControl!.p < 0.05) positives++;
  }
  // Binomial(400, 0.05): sd 1.1 % -> 5 % ± 3.3 %
  assert.ok(positives / reps > 0.017 && positives / reps < 0.083, `false-positive rate ${positives / reps}`);
});

test('A/B: a real completion difference (0.60 vs 0.65) is detected with the right sign and size', () => {
  const r = readout('ab', VARIANTS, experiment(77, 4000, 0.6, 0.65));
  const c = r.variants[1]!.completionRate.vsControl!;
  assert.ok(c.p < 0.001, `p ${c.p}`);
  assert.ok(c.low > 0 && c.low < 0.05 && c.high > 0.05, `interval [${c.low}, ${c.high}] should hold the true +0.05`);
  assert.ok(Math.abs(c.relativeLift - 0.05 / 0.6) < 0.04);
  assert.equal(r.srm.mismatch, false);
});

test('SRM is flagged when an arm silently loses listeners', () => {
  const rows = experiment(5, 4000, 0.6, 0.6).filter((l, i) => l.variant === 'control' || i % 5 !== 0);
  assert.equal(readout('srm', VARIANTS, rows).srm.mismatch, true);
});
