// Worker side of sha256OffThread (src/model/fileHash.ts): reads a file and hashes it, off the event loop, at
// most `bytesPerSecond` when that is set (a live swap: the serving processes keep the cores). This is the first
// read of the file's content on this machine (the digest cache keeps the result), so it is also where the file is
// brought into the page cache in 2 MiB folios first (native/mmap cacheInHugePages): the service then maps it with
// huge pages (native/common/huge_mapping.h says why that matters).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { cacheInHugePages } from './mappedFile.js';
import { hugeCachedBefore, markHugeCached } from './digestCache.js';

// The lowest CPU priority for this thread only (on Linux the nice value is per thread; pid 0 = the calling
// thread): while a live swap verifies gigabytes, the serving threads of this machine preempt the hashing as
// soon as they have work, instead of sharing the cores with it. Where it cannot be lowered, pacing alone holds.
try {
  os.setPriority(os.constants.priority.PRIORITY_LOW);
} catch {
  // not permitted or not supported here
}

// 1 MiB reads: paced, the hashing comes in ~1 ms bursts, short next to the scheduler's slices, instead of ~20 ms ones.
const buf = Buffer.allocUnsafe(1 << 20);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this worker thread (never the event loop) until `bytes` fit under the rate since `startedMs`. */
function pace(bytes: number, startedMs: number, bytesPerSecond: number): void {
  if (!(bytesPerSecond > 0)) return;
  const due = startedMs + (bytes / bytesPerSecond) * 1000;
  const wait = due - performance.now();
  if (wait > 0) Atomics.wait(sleeper, 0, 0, wait);
}

parentPort?.on('message', (m: { readonly id: number; readonly file: string; readonly bytesPerSecond: number }) => {
  try {
    // Once per file's bytes: a hard link of a file already cached (a new version sharing the live one's files) is not re-read.
    if (!hugeCachedBefore(m.file) && cacheInHugePages(m.file)) markHugeCached(m.file);
    const h = createHash('sha256');
    const fd = fs.openSync(m.file, 'r');
    const started = performance.now();
    let done = 0;
    try {
      for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) {
        h.update(buf.subarray(0, n));
        done += n;
        pace(done, started, m.bytesPerSecond);
      }
    } finally {
      fs.closeSync(fd);
    }
    parentPort?.postMessage({ id: m.id, digest: h.digest('hex') });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message });
  }
});
