// Worker side of trainAls (src/training/als.ts): computes gram partials and solves blocks of rows with
// a few conjugate-gradient steps warm-started from the row's previous vector. Scratch buffers are
// allocated once per worker; inner loops are plain indexed loops over flat arrays.
import { parentPort, workerData } from 'node:worker_threads';
import { WOODBURY_MAX_ENTRIES, type AlsTask, type AlsWorkerData } from './als.js';
import { woodburyPays, woodburyScratch, woodburySolve } from './woodburySolve.js';

const d = workerData as AlsWorkerData;
const f = d.factors;
const indptr = [new Int32Array(d.indptr[0]), new Int32Array(d.indptr[1])] as const;
const indices = [new Int32Array(d.indices[0]), new Int32Array(d.indices[1])] as const;
const conf = [new Float32Array(d.confidence[0]), new Float32Array(d.confidence[1])] as const;
const factors = [new Float32Array(d.factorsBuf[0]), new Float32Array(d.factorsBuf[1])] as const;
const gram = new Float64Array(d.gram);
const gramInv = new Float64Array(d.gramInv);
const zeta = [new Float32Array(d.zeta[0]), new Float32Array(d.zeta[1])] as const;
const wood = woodburyScratch(WOODBURY_MAX_ENTRIES, f);
const partials = new Float64Array(d.partials);

const x = new Float64Array(f);
const r = new Float64Array(f);
const p = new Float64Array(f);
const ap = new Float64Array(f);
const acc = new Float64Array(f * f);

function computeGram(side: 0 | 1, chunk: number, start: number, end: number): void {
  const M = factors[side];
  acc.fill(0);
  for (let row = start; row < end; row++) {
    const o = row * f;
    for (let a = 0; a < f; a++) {
      const va = M[o + a]!;
      if (va === 0) continue;
      const ao = a * f;
      for (let b = a; b < f; b++) acc[ao + b]! += va * M[o + b]!;
    }
  }
  const out = chunk * f * f;
  for (let a = 0; a < f; a++) {
    for (let b = a; b < f; b++) {
      const v = acc[a * f + b]!;
      partials[out + a * f + b] = v;
      partials[out + b * f + a] = v;
    }
  }
}

/** out = gram * v */
function gramTimes(v: Float64Array, out: Float64Array): void {
  for (let a = 0; a < f; a++) {
    let s = 0;
    const ao = a * f;
    for (let b = 0; b < f; b++) s += gram[ao + b]! * v[b]!;
    out[a] = s;
  }
}

/** zeta[side] rows [start, end) = G^-1 y (G^-1 symmetric). */
function computeZeta(side: 0 | 1, start: number, end: number): void {
  const M = factors[side];
  const Z = zeta[side];
  for (let row = start; row < end; row++) {
    const o = row * f;
    for (let a = 0; a < f; a++) {
      let s = 0;
      const ao = a * f;
      for (let b = 0; b < f; b++) s += gramInv[ao + b]! * M[o + b]!;
      Z[o + a] = s;
    }
  }
}

function solve(side: 0 | 1, start: number, end: number, useWoodbury: boolean): void {
  const X = factors[side];
  const Y = factors[(1 - side) as 0 | 1];
  const ip = indptr[side];
  const ix = indices[side];
  const cf = conf[side];
  const steps = d.cgSteps;
  for (let u = start; u < end; u++) {
    const s = ip[u]!;
    const e = ip[u + 1]!;
    const xo = u * f;
    if (s === e) {
      X.fill(0, xo, xo + f);
      continue;
    }
    if (useWoodbury && woodburyPays(e - s, f, steps, WOODBURY_MAX_ENTRIES)) {
      woodburySolve(ix, cf, s, e, Y, zeta[(1 - side) as 0 | 1], f, wood, x);
      for (let k = 0; k < f; k++) X[xo + k] = x[k]!;
      continue;
    }
    for (let k = 0; k < f; k++) x[k] = X[xo + k]!;
    // r = b - A x with A = gram + sum (c-1) y y^T and b = sum_{positive} c y
    gramTimes(x, r);
    for (let k = 0; k < f; k++) r[k] = -r[k]!;
    for (let j = s; j < e; j++) {
      const yo = ix[j]! * f;
      let c = cf[j]!;
      const positive = c > 0;
      if (!positive) c = Math.max(1, -c);
      let dot = 0;
      for (let k = 0; k < f; k++) dot += Y[yo + k]! * x[k]!;
      const w = positive ? c - (c - 1) * dot : -(c - 1) * dot;
      for (let k = 0; k < f; k++) r[k]! += w * Y[yo + k]!;
    }
    let rs = 0;
    for (let k = 0; k < f; k++) {
      p[k] = r[k]!;
      rs += r[k]! * r[k]!;
    }
    for (let step = 0; step < steps; step++) {
      if (rs < 1e-20) break;
      gramTimes(p, ap);
      for (let j = s; j < e; j++) {
        const yo = ix[j]! * f;
        let c = cf[j]!;
        if (c < 0) c = Math.max(1, -c);
        let dot = 0;
        for (let k = 0; k < f; k++) dot += Y[yo + k]! * p[k]!;
        const w = (c - 1) * dot;
        for (let k = 0; k < f; k++) ap[k]! += w * Y[yo + k]!;
      }
      let pap = 0;
      for (let k = 0; k < f; k++) pap += p[k]! * ap[k]!;
      if (!(pap > 0)) break;
      const alpha = rs / pap;
      let rsNew = 0;
      for (let k = 0; k < f; k++) {
        x[k]! += alpha * p[k]!;
        r[k]! -= alpha * ap[k]!;
        rsNew += r[k]! * r[k]!;
      }
      const beta = rsNew / rs;
      for (let k = 0; k < f; k++) p[k] = r[k]! + beta * p[k]!;
      rs = rsNew;
    }
    for (let k = 0; k < f; k++) X[xo + k] = x[k]!;
  }
}

parentPort?.on('message', (task: AlsTask) => {
  if (task.op === 'gram') computeGram(task.side, task.chunk, task.start, task.end);
  else if (task.op === 'zeta') computeZeta(task.side, task.start, task.end);
  else solve(task.side, task.start, task.end, task.woodbury);
  parentPort?.postMessage(0);
});
