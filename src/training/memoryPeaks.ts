// Peak resident memory of this process by kind, for a training run's summary.
//
// process.resourceUsage().maxRSS (VmHWM) counts every resident page, including clean pages of files mapped
// read-only: a warm retrain maps the previous bundle's item factors (2.1 GB at 8.2M tracks) and reads them once
// to start ALS, and those pages stay resident as page cache that the kernel can drop at any time. What a run
// cannot give back is its anonymous memory (heap, typed arrays, native allocations) and shared memory. Linux
// keeps a high-water mark only for the total, so a worker thread samples /proc/self/status (RssAnon, RssShmem)
// every `intervalMs` and keeps the maxima in shared memory; `sample()` also reads it on the caller's thread at
// the end of each phase. A peak shorter than the interval can be missed: the figure is a lower bound of the
// true peak, never above it. Where /proc is absent (not Linux) every figure is null.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Slots of the shared Int32Array: kB of the peaks, then the stop flag. */
export const PEAK_ANON_KB = 0;
export const PEAK_ANON_SHMEM_KB = 1;
export const STOP_FLAG = 2;
export const SLOTS = 3;

export interface StatusMemory {
  readonly anonKb: number;
  readonly shmemKb: number;
}

/** RssAnon and RssShmem of a /proc/PID/status text, or null when the text lacks them. */
export function parseStatusMemory(text: string): StatusMemory | null {
  const anon = /^RssAnon:\s+(\d+) kB/m.exec(text);
  const shmem = /^RssShmem:\s+(\d+) kB/m.exec(text);
  if (!anon || !shmem) return null;
  return { anonKb: Number(anon[1]), shmemKb: Number(shmem[1]) };
}

export function readStatusMemory(): StatusMemory | null {
  try {
    return parseStatusMemory(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return null;
  }
}

function raiseTo(peaks: Int32Array, slot: number, kb: number): void {
  for (let cur = Atomics.load(peaks, slot); kb > cur; cur = Atomics.load(peaks, slot)) {
    if (Atomics.compareExchange(peaks, slot, cur, kb) === cur) return;
  }
}

/** Folds one reading into the shared maxima (called by the sampling thread and by `sample()`). */
export function recordPeaks(peaks: Int32Array, m: StatusMemory): void {
  raiseTo(peaks, PEAK_ANON_KB, m.anonKb);
  raiseTo(peaks, PEAK_ANON_SHMEM_KB, m.anonKb + m.shmemKb);
}

export interface MemoryPeaks {
  /** Reads the status now, on this thread. */
  sample(): void;
  /** Peak anonymous + shared memory so far, in MB (null where it cannot be read). */
  peakAnonMb(): number | null;
  stop(): Promise<void>;
}

export function startMemoryPeaks(intervalMs = 50): MemoryPeaks {
  const peaks = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  const first = readStatusMemory();
  if (first === null) return { sample: () => undefined, peakAnonMb: () => null, stop: () => Promise.resolve() };
  recordPeaks(peaks, first);
  const worker = new Worker(new URL('./memorySampleWorker.js', import.meta.url), { workerData: { peaks, intervalMs } });
  worker.unref();
  // A sampler that fails (it never should) loses precision, not the run: `sample()` still reads at phase ends.
  worker.on('error', () => undefined);
  const sample = (): void => {
    const m = readStatusMemory();
    if (m) recordPeaks(peaks, m);
  };
  return {
    sample,
    peakAnonMb: () => {
      sample();
      return Math.round(Atomics.load(peaks, PEAK_ANON_SHMEM_KB) / 1024);
    },
    stop: async () => {
      Atomics.store(peaks, STOP_FLAG, 1);
      Atomics.notify(peaks, STOP_FLAG);
      await worker.terminate();
    },
  };
}
