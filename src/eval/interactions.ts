// A flat table of (user, item, weight, timestamp) rows with dense indices, and its CSR form.
// The shape matches what src/world/importers/delimited.ts `readInteractionsFile` returns, so the
// evaluation code can take either an imported file or MovieLens directly.

export interface InteractionTable {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly weight: Float32Array;
  /** ms since epoch, NaN when the file has no timestamp column. */
  readonly timestampMs: Float64Array;
}

/** Compressed sparse rows: row r holds columns indices[indptr[r] .. indptr[r+1]), sorted ascending. */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * Builds a CSR matrix from coordinate rows. Duplicate (row, col) pairs are summed, so a user who
 * played a track three times gets one entry of weight 3.
 */
export function toCsr(rows: number, cols: number, r: Int32Array, c: Int32Array, v: Float32Array, take?: Uint8Array): Csr {
  const n = r.length;
  const counts = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) if (!take || take[i] === 1) counts[r[i]! + 1]!++;
  for (let i = 0; i < rows; i++) counts[i + 1]! += counts[i]!;
  const fill = counts.slice(0, rows);
  const idx = new Int32Array(counts[rows]!);
  const val = new Float32Array(counts[rows]!);
  for (let i = 0; i < n; i++) {
    if (take && take[i] !== 1) continue;
    const p = fill[r[i]!]!++;
    idx[p] = c[i]!;
    val[p] = v[i]!;
  }
  // Sort each row by column and merge duplicates.
  const indptr = new Int32Array(rows + 1);
  let out = 0;
  const order: number[] = [];
  for (let row = 0; row < rows; row++) {
    const s = counts[row]!;
    const e = counts[row + 1]!;
    order.length = 0;
    for (let p = s; p < e; p++) order.push(p);
    order.sort((a, b) => idx[a]! - idx[b]!);
    const rowStart = out;
    const cs: number[] = [];
    const vs: number[] = [];
    for (let q = 0; q < order.length; q++) {
      const p = order[q]!;
      if (cs.length > 0 && cs[cs.length - 1] === idx[p]) vs[vs.length - 1]! += val[p]!;
      else {
        cs.push(idx[p]!);
        vs.push(val[p]!);
      }
    }
    for (let q = 0; q < cs.length; q++) {
      idx[rowStart + q] = cs[q]!;
      val[rowStart + q] = vs[q]!;
    }
    out = rowStart + cs.length;
    indptr[row + 1] = out;
  }
  return { rows, cols, indptr, indices: idx.slice(0, out), values: val.slice(0, out) };
}

/** Transpose of a CSR matrix (item x user from user x item). */
export function transpose(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  for (let p = 0; p < m.indices.length; p++) indptr[m.indices[p]! + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const q = fill[m.indices[p]!]!++;
      indices[q] = r;
      values[q] = m.values[p]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}

/** Same pattern with every stored value replaced by `f(value)`. */
export function mapValues(m: Csr, f: (v: number) => number): Csr {
  const values = new Float32Array(m.values.length);
  for (let p = 0; p < values.length; p++) values[p] = f(m.values[p]!);
  return { ...m, values };
}

/** The columns (items) with at least one entry, ascending. */
export function itemsWithData(m: Csr): Int32Array {
  const has = new Uint8Array(m.cols);
  for (const i of m.indices) has[i] = 1;
  let n = 0;
  for (let i = 0; i < m.cols; i++) n += has[i]!;
  const out = new Int32Array(n);
  for (let i = 0, w = 0; i < m.cols; i++) if (has[i] === 1) out[w++] = i;
  return out;
}
