// Builds index bands side by side, one worker thread per band and at most `threads` at a time (see
// bandBuildWorker.ts for why each graph is built with one thread: deterministic bands for a seed).
import { Worker } from 'node:worker_threads';
import type { IndexParams } from './UsearchIndex.js';
import type { BandBuildMessage, BandBuildTask } from './bandBuildWorker.js';

export interface BandJob {
  readonly members: Int32Array;
  readonly file: string;
}

const ADD_BATCH = 65_536;

function buildOne(task: BandBuildTask, onAdded: (count: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // The band's vectors travel as a transferred copy: the worker owns them and frees them on exit.
    const w = new Worker(new URL('./bandBuildWorker.js', import.meta.url), { workerData: task, transferList: [task.vectors.buffer as ArrayBuffer, task.tracks.buffer as ArrayBuffer] });
    let saved = false;
    w.on('message', (m: BandBuildMessage) => {
      if ('added' in m) onAdded(m.added);
      else saved = true;
    });
    w.once('error', (err) => reject(new Error(`index: building ${task.file} failed: ${err.message}`)));
    w.once('exit', (code) => (saved ? resolve() : reject(new Error(`index: the build of ${task.file} stopped (worker exit code ${code})`))));
  });
}

/** Copies the members' rows of `vectors` into one flat array (the worker's input). */
function gatherRows(vectors: Float32Array, members: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(members.length * dim);
  for (let i = 0; i < members.length; i++) out.set(vectors.subarray(members[i]! * dim, (members[i]! + 1) * dim), i * dim);
  return out;
}

/** Builds every job's band into its file; resolves when all are saved (rejects on the first failure). */
export async function buildBandsInParallel(
  jobs: readonly BandJob[],
  vectors: Float32Array,
  dim: number,
  params: IndexParams,
  threads: number,
  onAdded: (count: number) => void,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    // After a failure the other lanes finish their band and take no more (the caller discards the build).
    while (next < jobs.length && !failed) {
      const job = jobs[next++]!;
      try {
        await buildOne({ dim, params, file: job.file, tracks: job.members.slice(), vectors: gatherRows(vectors, job.members, dim), batch: ADD_BATCH }, onAdded);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, jobs.length)) }, lane));
}
