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

/**
 * Draws one item from `scores[0..n)` with probability softmax((s - max) / (temperature x spread)).
 * `random` is a seeded PRNG in [0, 1).
 */
export function drawExploration(scores: Float64Array, n: number, temperature: number, random: () => number): ExplorationChoice {
  if (n <= 0) return { index: -1, propensity: 0, probabilities: NONE };
  if (n === 1) return { index: 0, propensity: 1, probabilities: Float64Array.of(1) };
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const scale = Math.max(1e-6, temperature * (max - min));
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp((scores[i]! - max) / scale);
    weights[i] = w;
    total += w;
  }
  let r = random() * total;
  let pick = n - 1;
  for (let i = 0; i < n; i++) {
    r -= weights[i]!;
    if (r < 0) {
      pick = i;
      break;
    }
  }
  for (let i = 0; i < n; i++) weights[i] = weights[i]! / total;
  return { index: pick, propensity: weights[pick]!, probabilities: weights };
}
