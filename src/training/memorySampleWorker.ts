// The sampling thread of startMemoryPeaks (src/training/memoryPeaks.ts): reads /proc/self/status every
// `intervalMs` into the shared maxima until the stop flag is set. Atomics.wait sleeps without a timer, so the
// thread samples on time even while it is the only one not busy with ALS.
import { workerData } from 'node:worker_threads';
import { readStatusMemory, recordPeaks, STOP_FLAG } from './memoryPeaks.js';

const { peaks, intervalMs } = workerData as { readonly peaks: Int32Array; readonly intervalMs: number };
while (Atomics.load(peaks, STOP_FLAG) === 0) {
  const m = readStatusMemory();
  if (m) recordPeaks(peaks, m);
  Atomics.wait(peaks, STOP_FLAG, 0, intervalMs);
}
