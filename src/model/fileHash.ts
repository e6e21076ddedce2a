// sha256 of a file in a worker thread: verifying a full-scale bundle (4+ GB) or world at load must not take the
// serving event loop's CPU in turns (a live swap under load shed requests while the main thread hashed). One
// worker, started on first use; it keeps the process alive only while a hash is pending.
import { Worker } from 'node:worker_threads';
import { DigestCache } from './digestCache.js';

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (d: string) => void; reject: (e: Error) => void }>();

function hashWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./sha256Worker.js', import.meta.url));
  w.unref();
  w.on('message', (m: { id: number; digest?: string; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.digest !== undefined) p?.resolve(m.digest);
    else p?.reject(new Error(m.error ?? 'hash failed'));
  });
  w.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = null;
  });
  worker = w;
  return w;
}

let bytesPerSecond = 0;

/**
 * Runs `body` with hashing paced to at most `rate` bytes per second (0 = as fast as one core goes). A live
 * swap under load verifies gigabytes: at full speed the hashing thread takes a whole core of two from the
 * serving processes for seconds, and requests queue and are shed (measured: 1 s of 197 ms latencies and 23
 * requests shed at 200 req/s). At startup nothing is served yet, so it runs unpaced.
 */
export async function withPacedHashing<T>(rate: number, body: () => Promise<T>): Promise<T> {
  const saved = bytesPerSecond;
  bytesPerSecond = rate;
  try {
    return await body();
  } finally {
    bytesPerSecond = saved;
  }
}

/** sha256 (hex) of the file, computed in a worker thread. */
export function sha256OffThread(file: string): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const w = hashWorker();
    w.ref();
    w.postMessage({ id, file, bytesPerSecond });
  });
}

let cache: DigestCache | null = null;

/**
 * sha256 (hex) of the file, hashed off-thread at most once per machine while the file is unchanged
 * (src/model/digestCache.ts): what every serving process uses to verify bundle and world files.
 */
export function sha256Verified(file: string): Promise<string> {
  cache ??= new DigestCache();
  return cache.sha256(file, sha256OffThread);
}
