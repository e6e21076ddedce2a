// The item (track) vectors a bundle serves with, behind one accessor: float32 as ALS wrote them, or int8
// codes with one float32 scale per track (issue 11 point 3). At 8.2M tracks x 64 the float32 vectors are
// 2.1 GB, the largest thing the service maps; the int8 form is 0.56 GB and every reader (index re-scoring,
// features, reasons, radio seeds, fold-in) goes through these methods, so the serving path never cares which
// it has. Training keeps writing float32 (warm starts and carried bands read it); the service maps int8.
//
// Quantisation is symmetric per track: scale = max |y_d| / 127, code = round(y_d / scale). The error of a dot
// product q . y is at most scale / 2 * sum |q_d| (tested in test/model/itemVectors.test.ts); relative to the
// largest component that is 0.4 %, far below the score gaps the ranker and the top-k see.

export interface ItemVectors {
  readonly kind: 'f32' | 'i8';
  readonly count: number;
  readonly dim: number;
  /** q . y_t (0 when t is out of range). */
  dot(t: number, q: ArrayLike<number>): number;
  /** y_a . y_b (0 when either is out of range). */
  dotRows(a: number, b: number): number;
  /** out[i] = q . y_{tracks[i]} for i < n (0 for tracks out of range). */
  dots(tracks: ArrayLike<number>, n: number, q: ArrayLike<number>, out: Float32Array | Float64Array): void;
  /** y_t (dequantised) into out at offset; zeros when t is out of range. */
  copyRow(t: number, out: Float32Array, offset?: number): void;
  /**
   * Reads one value per cache line of each listed row, so that the rows are in cache before a loop that
   * needs them (a tight loop keeps many misses in flight; at 8.2M tracks each row is a TLB miss).
   */
  touch(tracks: ArrayLike<number>, n: number): void;
  /** Index of the first non-finite value among the first `sample` stored values (codes are always finite: scales), or -1. */
  firstNonFinite(sample: number): number;
}

/** Written by the touch loops so that they are not optimised away. */
let _touchSink = 0;

/**
 * Reads one float per 64-byte cache line of rows tracks[0..n) of a rows x stride float32 table (rows >= limit
 * skipped), so that a loop that needs them next finds them in cache: item vectors, catalog content features.
 */
export function touchFloatRows(values: Float32Array, stride: number, tracks: ArrayLike<number>, n: number, limit: number): void {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const t = tracks[i]!;
    if (!(t >= 0 && t < limit)) continue;
    const o = t * stride;
    for (let d = 0; d < stride; d += 16) sink += values[o + d]!;
  }
  _touchSink = sink;
}

export class Float32ItemVectors implements ItemVectors {
  readonly kind = 'f32' as const;
  readonly count: number;
  constructor(
    readonly values: Float32Array,
    readonly dim: number,
  ) {
    this.count = dim > 0 ? Math.floor(values.length / dim) : 0;
  }

  dot(t: number, q: ArrayLike<number>): number {
    if (!(t >= 0 && t < this.count)) return 0;
    const v = this.values;
    const o = t * this.dim;
    let s = 0;
    for (let d = 0; d < this.dim; d++) s += q[d]! * v[o + d]!;
    return s;
  }

  dotRows(a: number, b: number): number {
    if (!(a >= 0 && a < this.count && b >= 0 && b < this.count)) return 0;
    const v = this.values;
    const oa = a * this.dim;
    const ob = b * this.dim;
    let s = 0;
    for (let d = 0; d < this.dim; d++) s += v[oa + d]! * v[ob + d]!;
    return s;
  }

  dots(tracks: ArrayLike<number>, n: number, q: ArrayLike<number>, out: Float32Array | Float64Array): void {
    const v = this.values;
    const dim = this.dim;
    for (let i = 0; i < n; i++) {
      const t = tracks[i]!;
      let s = 0;
      if (t >= 0 && t < this.count) {
        const o = t * dim;
        for (let d = 0; d < dim; d++) s += q[d]! * v[o + d]!;
      }
      out[i] = s;
    }
  }

  copyRow(t: number, out: Float32Array, offset = 0): void {
    if (!(t >= 0 && t < this.count)) {
      out.fill(0, offset, offset + this.dim);
      return;
    }
    out.set(this.values.subarray(t * this.dim, (t + 1) * this.dim), offset);
  }

  touch(tracks: ArrayLike<number>, n: number): void {
    touchFloatRows(this.values, this.dim, tracks, n, this.count);
  }

  firstNonFinite(sample: number): number {
    const n = Math.min(sample, this.values.length);
    for (let i = 0; i < n; i++) if (!Number.isFinite(this.values[i]!)) return i;
    return -1;
  }
}

export class Int8ItemVectors implements ItemVectors {
  readonly kind = 'i8' as const;
  readonly count: number;
  constructor(
    readonly codes: Int8Array,
    readonly scales: Float32Array,
    readonly dim: number,
  ) {
    this.count = scales.length;
  }

  dot(t: number, q: ArrayLike<number>): number {
    if (!(t >= 0 && t < this.count)) return 0;
    const c = this.codes;
    const o = t * this.dim;
    let s = 0;
    for (let d = 0; d < this.dim; d++) s += q[d]! * c[o + d]!;
    return s * this.scales[t]!;
  }

  dotRows(a: number, b: number): number {
    if (!(a >= 0 && a < this.count && b >= 0 && b < this.count)) return 0;
    const c = this.codes;
    const oa = a * this.dim;
    const ob = b * this.dim;
    let s = 0;
    for (let d = 0; d < this.dim; d++) s += c[oa + d]! * c[ob + d]!;
    return s * this.scales[a]! * this.scales[b]!;
  }

  dots(tracks: ArrayLike<number>, n: number, q: ArrayLike<number>, out: Float32Array | Float64Array): void {
    const c = this.codes;
    const dim = this.dim;
    for (let i = 0; i < n; i++) {
      const t = tracks[i]!;
      let s = 0;
      if (t >= 0 && t < this.count) {
        const o = t * dim;
        for (let d = 0; d < dim; d++) s += q[d]! * c[o + d]!;
        s *= this.scales[t]!;
      }
      out[i] = s;
    }
  }

  copyRow(t: number, out: Float32Array, offset = 0): void {
    if (!(t >= 0 && t < this.count)) {
      out.fill(0, offset, offset + this.dim);
      return;
    }
    const c = this.codes;
    const o = t * this.dim;
    const sc = this.scales[t]!;
    for (let d = 0; d < this.dim; d++) out[offset + d] = c[o + d]! * sc;
  }

  touch(tracks: ArrayLike<number>, n: number): void {
    const c = this.codes;
    let sink = 0;
    for (let i = 0; i < n; i++) {
      const t = tracks[i]!;
      if (!(t >= 0 && t < this.count)) continue;
      const o = t * this.dim;
      for (let d = 0; d < this.dim; d += 64) sink += c[o + d]!;
    }
    _touchSink = sink;
  }

  firstNonFinite(sample: number): number {
    const n = Math.min(sample, this.scales.length);
    for (let i = 0; i < n; i++) if (!Number.isFinite(this.scales[i]!)) return i * this.dim;
    return -1;
  }
}

/** Symmetric per-row int8 quantisation of rows x dim float32 values (see the file comment). */
export function quantizeRows(values: Float32Array, dim: number): { codes: Int8Array; scales: Float32Array } {
  const rows = dim > 0 ? Math.floor(values.length / dim) : 0;
  const codes = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(values[o + d]!));
    if (!Number.isFinite(max)) {
      scales[r] = NaN; // refused by the bundle checks, as a NaN float32 vector is
      continue;
    }
    if (max === 0) continue;
    const scale = max / 127;
    scales[r] = scale;
    const inv = 1 / scale;
    for (let d = 0; d < dim; d++) codes[o + d] = Math.max(-127, Math.min(127, Math.round(values[o + d]! * inv)));
  }
  return { codes, scales };
}
