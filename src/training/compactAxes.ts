// ALS only over the listeners and tracks that have interactions: at full scale 5.2M of the 8.2M tracks have
// no plays, and solving (and summing the gram over) their rows costs time and memory for vectors that stay
// zero anyway (they get content vectors later). This maps a rows x cols CSR onto its non-empty rows and
// columns, and scatters factors of the compact problem back into the full index space.

/** A rows x cols confidence matrix in CSR: the input of trainAls (src/training/als.ts). */
export interface ConfidenceMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array | Uint32Array; // rows + 1
  readonly indices: Int32Array; // column per entry
  /**
   * Confidence c per entry (>= 1 for a positive preference, typically 1 + alpha*log1p(w)).
   * A negative value -c means preference 0 with confidence c (negative evidence, e.g. an early skip).
   */
  readonly confidence: Float32Array;
}

export interface CompactMatrix {
  readonly matrix: ConfidenceMatrix;
  /** Original row of compact row r. */
  readonly rowIds: Int32Array;
  /** Original column of compact column c. */
  readonly colIds: Int32Array;
}

/** 1 for every column with at least one entry (a track with ALS evidence), 0 elsewhere. */
export function columnsWithEntries(m: Pick<ConfidenceMatrix, 'rows' | 'cols' | 'indptr' | 'indices'>): Uint8Array {
  const has = new Uint8Array(m.cols);
  const nnz = m.indptr[m.rows] as number;
  for (let j = 0; j < nnz; j++) has[m.indices[j] as number] = 1;
  return has;
}

/** The matrix restricted to rows and columns with at least one entry (order kept, so results stay deterministic). */
export function compactMatrix(m: ConfidenceMatrix): CompactMatrix {
  const nnz = m.indptr[m.rows] as number;
  const colNew = new Int32Array(m.cols).fill(-1);
  for (let j = 0; j < nnz; j++) colNew[m.indices[j] as number] = 0;
  let cols = 0;
  for (let c = 0; c < m.cols; c++) if (colNew[c] === 0) colNew[c] = cols++;
  const colIds = new Int32Array(cols);
  for (let c = 0; c < m.cols; c++) if (colNew[c]! >= 0) colIds[colNew[c]!] = c;
  let rows = 0;
  for (let r = 0; r < m.rows; r++) if ((m.indptr[r + 1] as number) > (m.indptr[r] as number)) rows++;
  const rowIds = new Int32Array(rows);
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  let w = 0;
  for (let r = 0, k = 0; r < m.rows; r++) {
    const s = m.indptr[r] as number;
    const e = m.indptr[r + 1] as number;
    if (e === s) continue;
    rowIds[k] = r;
    for (let j = s; j < e; j++) indices[w++] = colNew[m.indices[j] as number]!;
    indptr[++k] = w;
  }
  return { matrix: { rows, cols, indptr, indices, confidence: m.confidence.subarray(0, nnz) }, rowIds, colIds };
}

/** Full-size factors (n x f, zero rows where nothing was trained) from compact ones. */
export function scatterRows(compact: Float32Array, ids: Int32Array, n: number, f: number): Float32Array {
  const out = new Float32Array(n * f);
  for (let i = 0; i < ids.length; i++) out.set(compact.subarray(i * f, (i + 1) * f), ids[i]! * f);
  return out;
}
