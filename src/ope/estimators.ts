// Off-policy estimators of a target policy's mean reward from logs of another (the logging) policy.
// Each logged record: the logging propensity p0 of the action taken, its reward r, the target policy's
// probability w_num of that same action, and a reward model's prediction for the logged action (qLogged) and its
// expectation under the target policy (qTarget). With w = w_num / p0:
//   IPS   = (1/n) Σ w r                                    (unbiased when p0 > 0 wherever the target acts)
//   SNIPS = Σ w r / Σ w                                    (self-normalised: biased O(1/n), lower variance)
//   DR    = (1/n) Σ [ qTarget + w (r − qLogged) ]          (unbiased if either the propensities or the model are right)
// Intervals: percentile bootstrap over records (the record is the unit). Hand-written: a few sums; the one
// maintained JS library for this (none on npm) would be Open Bandit Pipeline's Python.
import { bootstrapInterval, DEFAULT_BOOTSTRAP, type BootstrapOptions, type Interval } from '../eval/stats/bootstrap.js';

export interface LoggedRecord {
  readonly propensity: number;
  readonly reward: number;
  /** Target policy's probability of the logged action (an unbiased estimate of it is fine for IPS and DR). */
  readonly targetProbability: number;
  readonly qLogged: number;
  readonly qTarget: number;
}

export interface OpeEstimates {
  readonly n: number;
  readonly ips: Interval;
  readonly snips: Interval;
  readonly dr: Interval;
  /** Mean reward of the logging policy itself (the on-policy baseline). */
  readonly logged: Interval;
  /** Effective sample size of the importance weights, (Σ w)² / Σ w². */
  readonly effectiveSampleSize: number;
  /** Mean importance weight: the candidate's probability mass on actions the logging policy could take (1 = full support). */
  readonly meanWeight: number;
}

type Stat = (recs: readonly LoggedRecord[], idx: Int32Array) => number;

const weight = (r: LoggedRecord): number => r.targetProbability / r.propensity;

export const ips: Stat = (recs, idx) => {
  let s = 0;
  for (const i of idx) s += weight(recs[i]!) * recs[i]!.reward;
  return s / idx.length;
};

export const snips: Stat = (recs, idx) => {
  let num = 0;
  let den = 0;
  for (const i of idx) {
    const w = weight(recs[i]!);
    num += w * recs[i]!.reward;
    den += w;
  }
  return den > 0 ? num / den : NaN;
};

export const doublyRobust: Stat = (recs, idx) => {
  let s = 0;
  for (const i of idx) {
    const r = recs[i]!;
    s += r.qTarget + weight(r) * (r.reward - r.qLogged);
  }
  return s / idx.length;
};

const loggedMean: Stat = (recs, idx) => {
  let s = 0;
  for (const i of idx) s += recs[i]!.reward;
  return s / idx.length;
};

export function estimateAll(recs: readonly LoggedRecord[], opts: BootstrapOptions = DEFAULT_BOOTSTRAP): OpeEstimates {
  const run = (f: Stat): Interval => bootstrapInterval(recs.length, (idx) => f(recs, idx), opts);
  let sw = 0;
  let sw2 = 0;
  for (const r of recs) {
    const w = weight(r);
    sw += w;
    sw2 += w * w;
  }
  return { n: recs.length, ips: run(ips), snips: run(snips), dr: run(doublyRobust), logged: run(loggedMean), effectiveSampleSize: sw2 > 0 ? (sw * sw) / sw2 : 0, meanWeight: recs.length > 0 ? sw / recs.length : NaN };
}
