// Worker side of buildBandsInParallel (src/retrieval/buildBands.ts): builds ONE band's usearch graph with one
// thread and saves it. One thread per graph makes the graph a function of its input (usearch inserts with
// several threads in whatever order they run, so two builds of the same band differed); the parallelism is
// bands side by side instead. The worker exits when the band is saved, which frees the graph's native memory.
import { parentPort, workerData } from 'node:worker_threads';
import { newIndex } from './newIndex.js';
import type { IndexParams } from './UsearchIndex.js';

export interface BandBuildTask {
  readonly dim: number;
  readonly params: IndexParams;
  readonly file: string;
  /** Track ids of the band, in insertion order. */
  readonly tracks: Int32Array;
  /** Their vectors, row after row (tracks.length x dim). */
  readonly vectors: Float32Array;
  /** Vectors added per call (progress is posted after each). */
  readonly batch: number;
}

export type BandBuildMessage = { readonly added: number } | { readonly saved: string };

const task = workerData as BandBuildTask;
const index = newIndex(task.dim, task.params);
const keys = new BigUint64Array(Math.min(task.batch, task.tracks.length));
for (let s = 0; s < task.tracks.length; s += task.batch) {
  const count = Math.min(task.batch, task.tracks.length - s);
  for (let i = 0; i < count; i++) keys[i] = BigInt(task.tracks[s + i]!);
  index.add(keys.subarray(0, count), task.vectors.subarray(s * task.dim, (s + count) * task.dim), 1);
  parentPort!.postMessage({ added: count } satisfies BandBuildMessage);
}
index.save(task.file);
parentPort!.postMessage({ saved: task.file } satisfies BandBuildMessage);
