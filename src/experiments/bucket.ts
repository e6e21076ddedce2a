// Deterministic bucketing: u = the first 52 bits of SHA-256(experiment name, NUL, listener id) as a number in
// [0, 1); variant i owns the contiguous range [W_(i-1), W_i) / W of the cumulative weights, in declared order.
//
// Stability: u depends on nothing but the experiment name and the listener id, so a listener's arm changes only
// when a range boundary moves across its u. Changing weights moves each boundary by the change in the weights
// before it, so only the listeners between an old and a new boundary switch (the least any assignment can move:
// the change in share), always into the arm that grew: ramping a treatment from 10 % to 50 % keeps every
// treated listener treated. Renaming the experiment reshuffles everyone (a fresh, independent assignment).
import { createHash } from 'node:crypto';
import type { ExperimentConfig, ExperimentVariant } from '../surfaces/SurfaceConfig.js';

/** The listener's uniform draw in [0, 1) for this experiment. */
export function bucketUniform(experiment: string, listenerId: string): number {
  const h = createHash('sha256').update(experiment).update('\0').update(listenerId).digest();
  // 52 bits: 4 bytes + 20 bits, exactly representable in a double.
  return (h.readUInt32BE(0) * 2 ** 20 + (h.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** The variant whose cumulative-weight range holds u (the last positive-weight variant for u at the top edge). */
export function variantAt(variants: readonly ExperimentVariant[], u: number): ExperimentVariant {
  const total = variants.reduce((s, v) => s + Math.max(0, v.weight), 0);
  let acc = 0;
  let last = variants[0]!;
  for (const v of variants) {
    if (v.weight <= 0) continue;
    last = v;
    acc += v.weight;
    if (u * total < acc) return v;
  }
  return last;
}

export function assignVariant(experiment: ExperimentConfig, listenerId: string): ExperimentVariant {
  return variantAt(experiment.variants, bucketUniform(experiment.name, listenerId));
}

/** Throws a readable error when an experiment declaration cannot be served. */
export function checkExperiment(e: ExperimentConfig): void {
  if (!(e.name.length >= 1 && e.name.length <= 256)) throw new Error('experiment name must be 1-256 characters');
  if (e.variants.length < 1) throw new Error(`experiment ${e.name}: needs at least one variant`);
  const names = new Set<string>();
  for (const v of e.variants) {
    if (!(v.name.length >= 1 && v.name.length <= 256) || v.name.includes('@')) throw new Error(`experiment ${e.name}: variant names must be 1-256 characters without "@"`);
    if (names.has(v.name)) throw new Error(`experiment ${e.name}: duplicate variant ${v.name}`);
    names.add(v.name);
    if (!(Number.isFinite(v.weight) && v.weight >= 0)) throw new Error(`experiment ${e.name}: variant ${v.name} weight must be >= 0`);
  }
  if (!e.variants.some((v) => v.weight > 0)) throw new Error(`experiment ${e.name}: every weight is 0`);
}
