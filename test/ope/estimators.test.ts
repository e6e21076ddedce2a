// IPS, SNIPS and DR on a synthetic contextual bandit whose target value is known exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doublyRobust, estimateAll, ips, snips, type LoggedRecord } from '../../src/ope/estimators.js';
import { bootstrapInterval } from '../../src/eval/stats/bootstrap.js';
import { seededRandom } from '../../src/eval/rng.js';

const X = 8;
const A = 5;
/** Completion probability of action a in context x. */
const theta = (x: number, a: number): number => 0.15 + 0.7 * (((x * 3 + a * 7) % 11) / 10);
function softmax(x: number, sharp: number, pref: number): number[] {
  const s = Array.from({ length: A }, (_, a) => Math.exp(sharp * (a === (x + pref) % A ? 1 : 0) + 0.3 * Math.sin(x + a * pref)));
  const t = s.reduce((p, q) => p + q, 0);
  return s.map((v) => v / t);
}
const logging = (x: number): number[] => softmax(x, 0.5, 1);
const target = (x: number): number[] => softmax(x, 2.5, 3);
const TRUE_VALUE = Array.from({ length: X }, (_, x) => target(x).reduce((s, p, a) => s + p * theta(x, a), 0)).reduce((a, b) => a + b, 0) / X;

function draw(probs: number[], u: number): number {
  let acc = 0;
  for (let a = 0; a < probs.length; a++) if (u < (acc += probs[a]!)) return a;
  return probs.length - 1;
}

/** n logged rounds; the reward model is deliberately wrong (a constant 0.5) so DR must lean on the weights. */
function logs(seed: number, n: number, model: (x: number, a: number) => number): LoggedRecord[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = Math.floor(rand() * X);
    const p0 = logging(x);
    const a = draw(p0, rand());
    const pe = target(x);
    return {
      propensity: p0[a]!,
      reward: rand() < theta(x, a) ? 1 : 0,
      targetProbability: pe[a]!,
      qLogged: model(x, a),
      qTarget: pe.reduce((s, p, b) => s + p * model(x, b), 0),
    };
  });
}

test('unbiased: over many seeds the mean IPS and DR estimates equal the known target value', () => {
  const reps = 400;
  let ipsSum = 0;
  let drSum = 0;
  let snipsSum = 0;
  let covered = 0;
  for (let s = 0; s < reps; s++) {
    const recs = logs(s + 1, 400, () => 0.5);
    const all = Int32Array.from(recs.keys());
    ipsSum += ips(recs, all);
    drSum += doublyRobust(recs, all);
    snipsSum += snips(recs, all);
    if (s < 100) {
      const ci = bootstrapInterval(recs.length, (idx) => ips(recs, idx), { resamples: 1000, seed: s, level: 0.95 });
      if (ci.low <= TRUE_VALUE && TRUE_VALUE <= ci.high) covered++;
    }
  }
  // One IPS estimate on 400 rounds has sd about 0.03, so the mean of 400 has sd about 0.0015.
  assert.ok(Math.abs(ipsSum / reps - TRUE_VALUE) < 0.006, `IPS mean ${ipsSum / reps} vs ${TRUE_VALUE}`);
  assert.ok(Math.abs(drSum / reps - TRUE_VALUE) < 0.006, `DR mean ${drSum / reps} vs ${TRUE_VALUE}`);
  assert.ok(Math.abs(snipsSum / reps - TRUE_VALUE) < 0.01, `SNIPS mean ${snipsSum / reps} vs ${TRUE_VALUE}`);
  // Binomial(100, 0.95): sd 2.2 %.
  assert.ok(covered / 100 >= 0.88, `IPS interval coverage ${covered / 100}`);
});

test('the logged policy value differs from the target value (the estimators are not just echoing it)', () => {
  const e = estimateAll(logs(3, 4000, () => 0.5));
  assert.ok(Math.abs(e.logged.estimate - TRUE_VALUE) > 0.03, `logged ${e.logged.estimate} vs target ${TRUE_VALUE}`);
  assert.ok(Math.abs(e.ips.estimate - TRUE_VALUE) < 0.03);
});

test('DR with the true reward model has a smaller interval than IPS', () => {
  const e = estimateAll(logs(9, 2000, theta));
  assert.ok(e.dr.high - e.dr.low < e.ips.high - e.ips.low);
  assert.ok(Math.abs(e.dr.estimate - TRUE_VALUE) < 0.02);
  assert.ok(e.effectiveSampleSize > 0 && e.effectiveSampleSize < 2000);
});

test('full support: the mean importance weight is 1; IPS is unbiased with weights far from 1 (a sharp target)', () => {
  const reps = 200;
  let w = 0;
  let sum = 0;
  for (let s = 0; s < reps; s++) {
    const e = estimateAll(logs(1000 + s, 500, () => 0.5), { resamples: 1000, seed: s, level: 0.95 });
    w += e.meanWeight;
    sum += e.ips.estimate;
  }
  assert.ok(Math.abs(w / reps - 1) < 0.01, `mean weight ${w / reps}`);
  assert.ok(Math.abs(sum / reps - TRUE_VALUE) < 0.006, `IPS ${sum / reps} vs ${TRUE_VALUE}`);
});

test('support violation: the target mass outside the logged support is what IPS misses, and meanWeight shows it', () => {
  // The logging policy never takes action 0; the target still puts its probability there.
  const rand = seededRandom(5);
  const recs: LoggedRecord[] = [];
  let missing = 0;
  for (let i = 0; i < 20_000; i++) {
    const x = Math.floor(rand() * X);
    const p0 = logging(x).map((p, a) => (a === 0 ? 0 : p));
    const z = p0.reduce((s, p) => s + p, 0);
    const a = draw(p0.map((p) => p / z), rand());
    const pe = target(x);
    missing += pe[0]! / 20_000;
    recs.push({ propensity: p0[a]! / z, reward: rand() < theta(x, a) ? 1 : 0, targetProbability: pe[a]!, qLogged: 0.5, qTarget: 0.5 });
  }
  const e = estimateAll(recs, { resamples: 1000, seed: 1, level: 0.95 });
  assert.ok(Math.abs(e.meanWeight - (1 - missing)) < 0.02, `mean weight ${e.meanWeight} vs supported mass ${1 - missing}`);
  const supported = Array.from({ length: X }, (_, x) => target(x).reduce((s, p, b) => s + (b === 0 ? 0 : p * theta(x, b)), 0)).reduce((s, v) => s + v, 0) / X;
  assert.ok(Math.abs(e.ips.estimate - supported) < 0.02, `IPS ${e.ips.estimate} estimates the supported part ${supported}, not ${TRUE_VALUE}`);
});
