// L2-regularised logistic regression on standardized features, fitted by Newton's method (IRLS).
// Hand-written: the feature count is small (~20), so each Newton step is one pass over the rows plus an
// F x F solve; no npm library offers a maintained typed-array logistic regression, and ml-matrix would
// copy the rows x F design matrix into JS arrays.

export interface LogisticModel {
  readonly weights: Float32Array; // on standardized features
  readonly bias: number;
  readonly means: Float32Array;
  readonly stds: Float32Array;
}

export interface LogisticOptions {
  readonly l2: number; // penalty on the weights (not the bias), per row-averaged loss
  readonly iterations: number;
  /** Per-row weight (e.g. to balance classes); default 1. */
  readonly rowWeights?: Float32Array;
}

/** Column means and standard deviations of a rows x f matrix (std floored so constant columns stay 0). */
export function standardization(x: Float32Array, rows: number, f: number): { means: Float32Array; stds: Float32Array } {
  const means = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let j = 0; j < f; j++) {
      const v = x[o + j]!;
      means[j]! += v;
      sq[j]! += v * v;
    }
  }
  const m = new Float32Array(f);
  const s = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    const mean = rows ? means[j]! / rows : 0;
    const variance = rows ? Math.max(0, sq[j]! / rows - mean * mean) : 0;
    m[j] = mean;
    s[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { means: m, stds: s };
}

/** Fits weights so that sigmoid(bias + w . z) predicts label, z = (x - mean) / std. */
export function fitLogistic(x: Float32Array, labels: Uint8Array, rows: number, f: number, opts: LogisticOptions): LogisticModel {
  const { means, stds } = standardization(x, rows, f);
  const d = f + 1; // last coordinate is the bias
  const w = new Float64Array(d);
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const z = new Float64Array(d);
  let totalWeight = 0;
  for (let r = 0; r < rows; r++) totalWeight += opts.rowWeights ? opts.rowWeights[r]! : 1;
  for (let it = 0; it < opts.iterations; it++) {
    grad.fill(0);
    hess.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * f;
      let s = w[f]!;
      for (let j = 0; j < f; j++) {
        z[j] = (x[o + j]! - means[j]!) / stds[j]!;
        s += w[j]! * z[j]!;
      }
      z[f] = 1;
      const p = 1 / (1 + Math.exp(-s));
      const rw = opts.rowWeights ? opts.rowWeights[r]! : 1;
      const g = (p - labels[r]!) * rw;
      const h = Math.max(p * (1 - p), 1e-9) * rw;
      for (let a = 0; a < d; a++) {
        grad[a]! += g * z[a]!;
        const za = z[a]! * h;
        for (let b = 0; b <= a; b++) hess[a * d + b]! += za * z[b]!;
      }
    }
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a]! / totalWeight + (a < f ? opts.l2 * w[a]! : 0);
      for (let b = 0; b <= a; b++) {
        const v = hess[a * d + b]! / totalWeight + (a === b && a < f ? opts.l2 : 0) + (a === b ? 1e-9 : 0);
        hess[a * d + b] = v;
        hess[b * d + a] = v;
      }
    }
    const step = solveSpd(hess, grad, d);
    let change = 0;
    for (let a = 0; a < d; a++) {
      w[a]! -= step[a]!;
      change = Math.max(change, Math.abs(step[a]!));
    }
    if (change < 1e-7) break;
  }
  const weights = new Float32Array(f);
  for (let j = 0; j < f; j++) weights[j] = w[j]!;
  return { weights, bias: w[f]!, means, stds };
}

/** Raw score (log-odds) of one row. */
export function logisticScore(m: LogisticModel, x: Float32Array, offset: number): number {
  let s = m.bias;
  const f = m.weights.length;
  for (let j = 0; j < f; j++) s += (m.weights[j]! * (x[offset + j]! - m.means[j]!)) / m.stds[j]!;
  return s;
}

/** Solves A x = b for a small symmetric positive definite A (Cholesky, copies A). */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let dsum = a[j * n + j]!;
    for (let k = 0; k < j; k++) dsum -= l[j * n + k]! * l[j * n + k]!;
    const ljj = Math.sqrt(Math.max(dsum, 1e-12));
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}
