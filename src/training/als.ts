// Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with the conjugate-gradient solver of Takács, Pilászy & Tikk
// (2011), as in the `implicit` library's `least_squares_cg`. Generic over any rows x cols confidence matrix in CSR:
// the bundle trainer feeds it listener x track confidences, the evaluation feeds it MovieLens.
//
// Why hand-written: no maintained npm package does implicit ALS; ml-matrix would allocate per row. The numeric
// work runs in worker threads (src/training/alsWorker.ts) over SharedArrayBuffers.
//
// Determinism: every row's solve reads only the other side's factors, the gram and its own previous vector, so
// results do not depend on which worker solves which block. The gram (YtY) is summed from a FIXED number of row
// chunks in chunk order, independent of the thread count. Same seed + same input => identical bytes.
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import { Errors } from '../domain/errors.js';
import { compactMatrix, scatterRows, type ConfidenceMatrix } from './compactAxes.js';
import { woodburyPays } from './woodburySolve.js';
import { invertSpdInPlace } from '../eval/cholesky.js';

export type { ConfidenceMatrix } from './compactAxes.js';

export interface AlsOptions {
  readonly factors: number;
  readonly iterations: number;
  readonly lambda: number;
  readonly cgSteps: number;
  readonly seed: number;
  /** Worker threads; 0 = one per core. */
  readonly threads: number;
}

export interface AlsProgress {
  readonly iteration: number; // 0-based
  readonly iterations: number;
  readonly side: 'users' | 'items';
  readonly rowsDone: number;
  readonly rowsTotal: number;
}

/** Warm start: factors of an earlier model in the same index space (rows x f, cols x f); zero rows = unknown. */
export interface AlsInit {
  readonly userFactors?: Float32Array | null;
  readonly itemFactors?: Float32Array | null;
}

export interface AlsResult {
  readonly userFactors: Float32Array; // rows x factors
  readonly itemFactors: Float32Array; // cols x factors
}

/** Number of fixed row chunks the gram is summed over (fixed so the float sum order never changes). */
const GRAM_CHUNKS = 16;
/** Rows per solve task handed to a worker. */
const SOLVE_BLOCK = 2048;

/** Worker message protocol (shared with alsWorker.ts). */
export type AlsTask =
  | { readonly op: 'gram'; readonly side: 0 | 1; readonly chunk: number; readonly start: number; readonly end: number }
  | { readonly op: 'zeta'; readonly side: 0 | 1; readonly start: number; readonly end: number }
  | { readonly op: 'solve'; readonly side: 0 | 1; readonly start: number; readonly end: number; readonly woodbury: boolean };

/** Rows with at most this many entries may be solved exactly by Woodbury (src/training/woodburySolve.ts). */
export const WOODBURY_MAX_ENTRIES = 32;

export interface AlsWorkerData {
  readonly factors: number;
  readonly cgSteps: number;
  /** side 0 = users (rows of the input), side 1 = items (columns). */
  readonly indptr: [SharedArrayBuffer, SharedArrayBuffer];
  readonly indices: [SharedArrayBuffer, SharedArrayBuffer];
  readonly confidence: [SharedArrayBuffer, SharedArrayBuffer];
  readonly factorsBuf: [SharedArrayBuffer, SharedArrayBuffer];
  readonly gram: SharedArrayBuffer; // f x f float64, includes lambda I
  readonly gramInv: SharedArrayBuffer; // its inverse (f x f float64), for the Woodbury solves
  /** Per side: G^-1 y for every row of that side (float32 rows x f) when the OTHER side is solved by Woodbury; else empty. */
  readonly zeta: [SharedArrayBuffer, SharedArrayBuffer];
  readonly partials: SharedArrayBuffer; // GRAM_CHUNKS x f x f float64
}

/** sfc32: a tiny seeded PRNG (no allocation, reproducible across platforms). */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Transposes a CSR matrix (rows x cols) into CSC-as-CSR (cols x rows), entries in ascending row order. */
export function transposeCsr(m: ConfidenceMatrix): { indptr: Int32Array; indices: Int32Array; confidence: Float32Array } {
  const nnz = m.indptr[m.rows] ?? 0;
  const indptr = new Int32Array(m.cols + 1);
  for (let j = 0; j < nnz; j++) indptr[(m.indices[j] as number) + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, m.cols);
  const indices = new Int32Array(nnz);
  const confidence = new Float32Array(nnz);
  for (let r = 0; r < m.rows; r++) {
    const e = m.indptr[r + 1] as number;
    for (let j = m.indptr[r] as number; j < e; j++) {
      const c = m.indices[j] as number;
      const at = cursor[c]!++;
      indices[at] = r;
      confidence[at] = m.confidence[j] as number;
    }
  }
  return { indptr, indices, confidence };
}

function shared<T extends Int32Array | Float32Array>(src: ArrayLike<number>, Ctor: new (b: SharedArrayBuffer) => T, bytes: number): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(Math.max(bytes * src.length, 8));
  const view = new Ctor(buf) as unknown as { set(a: ArrayLike<number>): void };
  view.set(src);
  return buf;
}

function validate(m: ConfidenceMatrix, o: AlsOptions): void {
  if (m.indptr.length !== m.rows + 1) throw Errors.badRequest(`als: indptr has ${m.indptr.length} entries, expected ${m.rows + 1}`);
  const nnz = m.indptr[m.rows] as number;
  if (m.indices.length < nnz || m.confidence.length < nnz) throw Errors.badRequest('als: indices/confidence shorter than indptr says');
  if (!(o.factors > 0 && o.iterations >= 0 && o.cgSteps > 0 && o.lambda >= 0)) throw Errors.badRequest('als: bad options');
}

/**
 * Trains implicit ALS. Rows (users) and columns (items) without any entry get zero vectors (they carry no
 * evidence; callers give cold items content-derived vectors instead) and are never iterated over: the solve
 * runs on the compact matrix of non-empty rows and columns (src/training/compactAxes.ts). With `init`, every
 * row that has a non-zero vector there starts from it (a warm start: a few iterations then suffice).
 */
export async function trainAls(
  matrix: ConfidenceMatrix,
  opts: AlsOptions,
  onProgress?: (p: AlsProgress) => void,
  init: AlsInit = {},
): Promise<AlsResult> {
  validate(matrix, opts);
  const c = compactMatrix(matrix);
  const f = opts.factors;
  const res = await trainCompact(c.matrix, opts, onProgress, {
    userFactors: init.userFactors ? gatherRows(init.userFactors, c.rowIds, f) : null,
    itemFactors: init.itemFactors ? gatherRows(init.itemFactors, c.colIds, f) : null,
  });
  return { userFactors: scatterRows(res.userFactors, c.rowIds, matrix.rows, f), itemFactors: scatterRows(res.itemFactors, c.colIds, matrix.cols, f) };
}

/** Rows `ids` of an n x f matrix (rows past its end read as zero: the earlier model did not know them). */
function gatherRows(src: Float32Array, ids: Int32Array, f: number): Float32Array {
  const out = new Float32Array(ids.length * f);
  const n = Math.floor(src.length / f);
  for (let i = 0; i < ids.length; i++) if (ids[i]! < n) out.set(src.subarray(ids[i]! * f, (ids[i]! + 1) * f), i * f);
  return out;
}

/** The matrix, its transpose and the factor matrices as shared memory: every worker reads and writes the same buffers. */
function sharedWorkerData(matrix: ConfidenceMatrix, t: ReturnType<typeof transposeCsr>, f: number, cgSteps: number): AlsWorkerData {
  const nnz = matrix.indptr[matrix.rows] as number;
  return {
    factors: f,
    cgSteps,
    indptr: [shared(matrix.indptr, Int32Array, 4), shared(t.indptr, Int32Array, 4)],
    indices: [shared(matrix.indices.subarray(0, nnz), Int32Array, 4), shared(t.indices, Int32Array, 4)],
    confidence: [shared(matrix.confidence.subarray(0, nnz), Float32Array, 4), shared(t.confidence, Float32Array, 4)],
    factorsBuf: [new SharedArrayBuffer(Math.max(4 * matrix.rows * f, 8)), new SharedArrayBuffer(Math.max(4 * matrix.cols * f, 8))],
    gram: new SharedArrayBuffer(8 * f * f),
    gramInv: new SharedArrayBuffer(8 * f * f),
    zeta: [new SharedArrayBuffer(8), new SharedArrayBuffer(8)],
    partials: new SharedArrayBuffer(8 * GRAM_CHUNKS * f * f),
  };
}

/**
 * Per side, whether its solves use Woodbury: it pays when the f^2 it saves on that side's sparse rows outweighs
 * computing G^-1 y for every row of the other side.
 */
function woodburySides(indptrs: readonly [ArrayLike<number>, ArrayLike<number>], sizes: readonly [number, number], f: number, cgSteps: number): [boolean, boolean] {
  return [0, 1].map((side) => {
    const ip = indptrs[side]!;
    let cheap = 0;
    for (let r = 0; r < sizes[side]!; r++) if (woodburyPays((ip[r + 1] as number) - (ip[r] as number), f, cgSteps, WOODBURY_MAX_ENTRIES)) cheap++;
    return cheap * (cgSteps + 1) > 2 * sizes[1 - side]!;
  }) as [boolean, boolean];
}

/** Same start as `implicit`: uniform [0, 0.01), unless the warm start has a vector for the row. */
function initialFactors(data: AlsWorkerData, sizes: readonly [number, number], f: number, seed: number, init: AlsInit): void {
  const rnd = sfc32(seed);
  for (let side = 0; side < 2; side++) {
    const M = new Float32Array(data.factorsBuf[side]!);
    const warm = (side === 0 ? init.userFactors : init.itemFactors) ?? null;
    for (let r = 0; r < sizes[side]!; r++) {
      let known = false;
      if (warm) for (let k = 0; k < f && !known; k++) known = warm[r * f + k] !== 0;
      for (let k = 0; k < f; k++) {
        const v = rnd() * 0.01;
        M[r * f + k] = known ? warm![r * f + k]! : v;
      }
    }
  }
}

/** gram = other^T other + lambda I, summed over fixed chunks in order (the same sum on any number of threads). */
async function sumGram(pool: WorkerPool, data: AlsWorkerData, other: 0 | 1, n: number, lambda: number): Promise<void> {
  const f = data.factors;
  const gramTasks: AlsTask[] = [];
  for (let c = 0; c < GRAM_CHUNKS; c++) {
    gramTasks.push({ op: 'gram', side: other, chunk: c, start: Math.floor((n * c) / GRAM_CHUNKS), end: Math.floor((n * (c + 1)) / GRAM_CHUNKS) });
  }
  await pool.runAll(gramTasks, () => undefined);
  const gram = new Float64Array(data.gram);
  const partials = new Float64Array(data.partials);
  gram.fill(0);
  for (let c = 0; c < GRAM_CHUNKS; c++) {
    const o = c * f * f;
    for (let k = 0; k < f * f; k++) gram[k]! += partials[o + k]!;
  }
  for (let k = 0; k < f; k++) gram[k * f + k]! += lambda;
}

async function trainCompact(
  matrix: ConfidenceMatrix,
  opts: AlsOptions,
  onProgress: ((p: AlsProgress) => void) | undefined,
  init: AlsInit,
): Promise<AlsResult> {
  const f = opts.factors;
  const t = transposeCsr(matrix);
  const sizes = [matrix.rows, matrix.cols] as const;
  const data = sharedWorkerData(matrix, t, f, opts.cgSteps);
  const woodbury = woodburySides([matrix.indptr, t.indptr], sizes, f, opts.cgSteps);
  for (const side of [0, 1] as const) if (woodbury[side]) data.zeta[1 - side] = new SharedArrayBuffer(Math.max(4 * sizes[1 - side]! * f, 8));
  initialFactors(data, sizes, f, opts.seed, init);
  const threads = Math.max(1, opts.threads > 0 ? opts.threads : cpus().length);
  const pool = await WorkerPool.start(threads, data);
  try {
    for (let it = 0; it < opts.iterations; it++) {
      for (const solveSide of [0, 1] as const) {
        const other = (1 - solveSide) as 0 | 1;
        await sumGram(pool, data, other, sizes[other]!, opts.lambda);
        if (woodbury[solveSide]) await prepareWoodbury(pool, data, other, sizes[other]!);
        const total = sizes[solveSide]!;
        const tasks: AlsTask[] = [];
        for (let s = 0; s < total; s += SOLVE_BLOCK) tasks.push({ op: 'solve', side: solveSide, start: s, end: Math.min(total, s + SOLVE_BLOCK), woodbury: woodbury[solveSide] });
        let done = 0;
        await pool.runAll(tasks, (task) => {
          done += task.end - task.start;
          onProgress?.({ iteration: it, iterations: opts.iterations, side: solveSide === 0 ? 'users' : 'items', rowsDone: done, rowsTotal: total });
        });
      }
    }
  } finally {
    await pool.close();
  }
  return { userFactors: new Float32Array(data.factorsBuf[0]), itemFactors: new Float32Array(data.factorsBuf[1]) };
}

/** G^-1 (from the gram just summed) and z = G^-1 y for every row of the `other` side, for the Woodbury solves. */
async function prepareWoodbury(pool: WorkerPool, data: AlsWorkerData, other: 0 | 1, rows: number): Promise<void> {
  const inv = new Float64Array(data.gramInv);
  inv.set(new Float64Array(data.gram));
  invertSpdInPlace(inv, data.factors);
  const tasks: AlsTask[] = [];
  for (let s = 0; s < rows; s += 4 * SOLVE_BLOCK) tasks.push({ op: 'zeta', side: other, start: s, end: Math.min(rows, s + 4 * SOLVE_BLOCK) });
  await pool.runAll(tasks, () => undefined);
}

/** A fixed set of workers pulling tasks from a queue; the result of a task never depends on which worker ran it. */
class WorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(n: number, data: AlsWorkerData): Promise<WorkerPool> {
    const url = new URL('./alsWorker.js', import.meta.url);
    const workers: Worker[] = [];
    for (let i = 0; i < n; i++) workers.push(new Worker(url, { workerData: data }));
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('online', () => resolve());
      w.once('error', reject);
    })));
    return new WorkerPool(workers);
  }

  runAll(tasks: readonly AlsTask[], onDone: (t: AlsTask) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let pending = 0;
      let failed = false;
      const feed = (w: Worker): void => {
        if (failed) return;
        const task = tasks[next++];
        if (task === undefined) {
          if (pending === 0) resolve();
          return;
        }
        pending++;
        const onMessage = (): void => {
          w.off('error', onError);
          pending--;
          onDone(task);
          feed(w);
        };
        const onError = (err: unknown): void => {
          failed = true;
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        w.once('message', onMessage);
        w.once('error', onError);
        w.postMessage(task);
      };
      if (tasks.length === 0) resolve();
      else for (const w of this.workers) feed(w);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
