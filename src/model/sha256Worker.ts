// Worker side of sha256OffThread (src/model/fileHash.ts): reads a file and hashes it, off the event loop.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';

// Hashing a new bundle (4+ GB) is background work: on Linux a nice value is per thread, so this lowers the
// priority of this hashing thread only, and the serving threads of every worker keep the CPU during a swap.
try {
  os.setPriority(0, 10);
} catch {
  // not permitted or not supported here: hash at normal priority
}

const buf = Buffer.allocUnsafe(1 << 24);

parentPort?.on('message', (m: { readonly id: number; readonly file: string }) => {
  try {
    const h = createHash('sha256');
    const fd = fs.openSync(m.file, 'r');
    try {
      for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    parentPort?.postMessage({ id: m.id, digest: h.digest('hex') });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message });
  }
});
