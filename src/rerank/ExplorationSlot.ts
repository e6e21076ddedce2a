// Exploration slot: one position of the feed is drawn by a softmax policy over the eligible candidates
// instead of the greedy argmax. The probability of the drawn item is returned so the client logs it with
// the impression (inverse propensity scoring for off-policy evaluation later).

export interface ExplorationChoice {
  /** Index into the pool that was drawn. */
  readonly index: number;
  /** Probability the policy gave that item. */
  readonly propensity: number;
  /** The policy's probability of every pool item (weights[i] / total); off-policy evaluation reads it. */
  readonly probabilities: Float64Array;
}

const NONE = new Float64Array(0);

/** A uniform share of the probability over all n items; the softmax covers the first `softmaxCount` only. */
export interface UniformMix {
  readonly share: number;
  readonly softmaxCount: number;
}

/**
 * Draws one item from `scores[0..n)` (best first) with probability softmax((s - max) / (temperature x spread)),
 * or, with a mix, (1 − share) × that softmax over the first softmaxCount items + share / n.
 * `random` is a seeded PRNG in [0, 1).
 */
export function drawExploration(scores: Float64Array, n: number, temperature: number, random: () => number, mix: UniformMix | null = null): ExplorationChoice {
  if (n <= 0) return { index: -1, propensity: 0, probabilities: NONE };
  if (n === 1) return { index: 0, propensity: 1, probabilities: Float64Array.of(1) };
  const weights = softmaxWeights(scores, mix ? Math.max(1, Math.min(n, mix.softmaxCount)) : n, temperature, n);
  if (mix && mix.share > 0) for (let i = 0; i < n; i++) weights[i] = (1 - mix.share) * weights[i]! + mix.share / n;
  let r = random();
  let pick = n - 1;
  for (let i = 0; i < n; i++) {
    r -= weights[i]!;
    if (r < 0) {
      pick = i;
      break;
    }
  }
  return { index: pick, propensity: weights[pick]!, probabilities: weights };
}

/** Normalised softmax weights of the first k of n scores (the rest 0). */
function softmaxWeights(scores: Float64Array, k: number, temperature: number, n: number): Float64Array {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < k; i++) {
    const s = scores[i]!;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const scale = Math.max(1e-6, temperature * (max - min));
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const w = Math.exp((scores[i]! - max) / scale);
    weights[i] = w;
    total += w;
  }
  for (let i = 0; i < k; i++) weights[i] = weights[i]! / total;
  return weights;
}
