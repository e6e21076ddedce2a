// Exact ALS row solve for rows with few entries, by the Woodbury identity. The normal equations of a row are
// (G + Y_r^T D Y_r) x = b with G = Y^T Y + lambda I shared by all rows, D = diag(c - 1) over the row's
// entries and b = sum of c y over its positive entries. With G^-1 and Z = Y G^-1 (one row z_v = G^-1 y_v
// per vector of the other side, computed once per half-iteration) the solution is
//     g = G^-1 b = sum c z_v,   M = D^-1 + Y_r Z_r^T (n x n),   M s = Y_r g,   x = g - Z_r^T s,
// which costs about n^2 f + n^3 / 3 instead of the (steps + 1) f^2 of conjugate gradient: at full scale most
// tracks have one to three plays, so the item half of ALS stops paying f^2 per track.
// Hand-written: it runs inside the ALS worker over flat shared arrays, with scratch allocated once.
import { choleskyInPlace } from '../eval/cholesky.js';

export interface WoodburyScratch {
  readonly v: Int32Array; // other-side rows of the entries with c != 1
  readonly d: Float64Array; // their c - 1
  readonly m: Float64Array; // n x n system, then its Cholesky factor
  readonly h: Float64Array;
  readonly g: Float64Array;
}

export function woodburyScratch(maxEntries: number, f: number): WoodburyScratch {
  return { v: new Int32Array(maxEntries), d: new Float64Array(maxEntries), m: new Float64Array(maxEntries * maxEntries), h: new Float64Array(maxEntries), g: new Float64Array(f) };
}

/** True when the Woodbury solve of a row with n entries is cheaper than conjugate gradient with `steps` steps. */
export function woodburyPays(n: number, f: number, steps: number, maxEntries: number): boolean {
  return n <= maxEntries && n * n * f + (n * n * n) / 3 < (steps + 1) * f * f;
}

/**
 * Solves one row exactly into `out` (length f). Entries: other-side rows ix[s..e) with confidences cf[s..e)
 * (c > 0: preference 1 with confidence c; c < 0: preference 0 with confidence -c, at least 1).
 * Y: the other side's factors; Z: G^-1 y per other-side row (float32, same layout as Y).
 */
export function woodburySolve(
  ix: Int32Array,
  cf: Float32Array,
  s: number,
  e: number,
  Y: Float32Array,
  Z: Float32Array,
  f: number,
  sc: WoodburyScratch,
  out: Float64Array,
): void {
  const g = sc.g;
  g.fill(0);
  let n = 0;
  for (let j = s; j < e; j++) {
    const v = ix[j]!;
    let c = cf[j]!;
    const positive = c > 0;
    if (!positive) c = Math.max(1, -c);
    if (positive) {
      const zo = v * f;
      for (let k = 0; k < f; k++) g[k]! += c * Z[zo + k]!;
    }
    if (c > 1) {
      sc.v[n] = v;
      sc.d[n] = c - 1;
      n++;
    }
  }
  for (let k = 0; k < f; k++) out[k] = g[k]!;
  if (n === 0) return;
  const m = sc.m;
  const h = sc.h;
  for (let a = 0; a < n; a++) {
    const ya = sc.v[a]! * f;
    let dot = 0;
    for (let k = 0; k < f; k++) dot += Y[ya + k]! * g[k]!;
    h[a] = dot;
    for (let b = a; b < n; b++) {
      const zb = sc.v[b]! * f;
      let s2 = 0;
      for (let k = 0; k < f; k++) s2 += Y[ya + k]! * Z[zb + k]!;
      m[a * n + b] = s2;
      m[b * n + a] = s2;
    }
    m[a * n + a]! += 1 / sc.d[a]!;
  }
  choleskySolveInPlace(m, h, n);
  for (let a = 0; a < n; a++) {
    const za = sc.v[a]! * f;
    const sa = h[a]!;
    for (let k = 0; k < f; k++) out[k]! -= sa * Z[za + k]!;
  }
}

/** Solves M s = h for a symmetric positive definite n x n M (row-major); M is overwritten, h becomes s. */
function choleskySolveInPlace(m: Float64Array, h: Float64Array, n: number): void {
  choleskyInPlace(m, n);
  for (let i = 0; i < n; i++) {
    let t = h[i]!;
    for (let k = 0; k < i; k++) t -= m[i * n + k]! * h[k]!;
    h[i] = t / m[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = h[i]!;
    for (let k = i + 1; k < n; k++) t -= m[k * n + i]! * h[k]!;
    h[i] = t / m[i * n + i]!;
  }
}
