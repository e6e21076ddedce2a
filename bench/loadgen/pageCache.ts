// Benchmarks measure a service in its steady state, where the OS page cache holds the world and the bundle it
// maps (a long-running service has read them long ago). On this machine several full-scale worlds and bundles do
// not fit in RAM together, so the files of the run are read once before the service starts: otherwise the first
// seconds measure disk reads of whatever another run evicted. They are read the way a service's first verification
// of a file on a machine reads it (src/model/sha256Worker.ts: cacheInHugePages, 2 MiB page-cache folios that the
// service then maps with huge pages), so the figures do not depend on who read or wrote the files last (a freshly
// trained bundle's index bands are cached in 4 KiB folios, as usearch wrote them).
import fs from 'node:fs';
import path from 'node:path';
import { cacheInHugePages, mmapAvailable } from '../../src/model/mappedFile.js';
import { markHugeCached } from '../../src/model/digestCache.js';

const CHUNK = 16 << 20;
const HUGE_PAGE = 2 << 20;

function filesUnder(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(p, out);
    else if (entry.isFile()) out.push(p);
  }
}

/** The newest complete version directory of a bundle store (the one the service serves). */
function newestBundle(bundlesDir: string): string | null {
  const versions = fs.readdirSync(bundlesDir).filter((n) => !n.startsWith('.') && fs.existsSync(path.join(bundlesDir, n, 'manifest.json'))).sort();
  return versions.length > 0 ? path.join(bundlesDir, versions[versions.length - 1]!) : null;
}

/** Reads every file of the world and of the newest bundle once (in 2 MiB folios where it can); returns bytes read and seconds. */
export function warmPageCache(world: string, bundlesDir: string): { bytes: number; seconds: number } {
  const t0 = performance.now();
  const files: string[] = [];
  filesUnder(world, files);
  const bundle = newestBundle(bundlesDir);
  if (bundle) filesUnder(bundle, files);
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  for (const file of files) {
    const size = fs.statSync(file).size;
    if (mmapAvailable && size >= HUGE_PAGE && cacheInHugePages(file)) {
      markHugeCached(file); // the service's first verification then leaves these pages as they are
      bytes += size;
      continue;
    }
    const fd = fs.openSync(file, 'r');
    try {
      for (let n = fs.readSync(fd, buf, 0, CHUNK, null); n > 0; n = fs.readSync(fd, buf, 0, CHUNK, null)) bytes += n;
    } finally {
      fs.closeSync(fd);
    }
  }
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}
