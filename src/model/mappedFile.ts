// Memory-mapped files (native/mmap, built by `npm install`): a bundle's large arrays are mapped, not read, so
// the service's worker processes share one copy of the model in the OS page cache and a new bundle "loads"
// without copying gigabytes. When the addon is not built (or ENCORE_MMAP=0), callers read files instead.
import { createRequire } from 'node:module';

interface MmapAddon {
  mapFile(path: string): ArrayBuffer;
}

function loadAddon(): MmapAddon | null {
  if (process.env.ENCORE_MMAP === '0') return null;
  try {
    // dist/src/model/mappedFile.js -> <repo>/native/mmap/build/Release/encore_mmap.node
    return createRequire(import.meta.url)('../../../native/mmap/build/Release/encore_mmap.node') as MmapAddon;
  } catch {
    return null;
  }
}

const addon = loadAddon();

/** True when files can be memory-mapped in this process. */
export const mmapAvailable = addon !== null;

/** The whole file as a copy-on-write mapping (pages shared until written), or null without the addon. */
export function mapFile(file: string): ArrayBuffer | null {
  return addon ? addon.mapFile(file) : null;
}

/** Files at least this large are mapped when possible (smaller ones are cheaper to read). */
export const MAP_AT_LEAST = 1 << 20;
