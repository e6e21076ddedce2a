// Worker side of sha256OffThread (src/model/fileHash.ts): reads a file and hashes it, off the event loop.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

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
