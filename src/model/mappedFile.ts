// Memory-mapped files (native/mmap, built by `npm install`): a bundle's large arrays are mapped, not read, so
// the service's worker processes share one copy of the model in the OS page cache and a new bundle "loads"
// without copying gigabytes. When the addon is not built (or ENCORE_MMAP=0), callers read files instead.
import { optionalAddon } from './optionalAddon.js';

interface MmapAddon {
  mapFile(path: string): ArrayBuffer;
}

const addon = optionalAddon<MmapAddon>('mmap', 'encore_mmap', 'ENCORE_MMAP');

/** True when files can be memory-mapped in this process. */
export const mmapAvailable = addon !== null;

/** The whole file as a copy-on-write mapping (pages shared until written), or null without the addon. */
export function mapFile(file: string): ArrayBuffer | null {
  return addon ? addon.mapFile(file) : null;
}

/** Files at least this large are mapped when possible (smaller ones are cheaper to read). */
export const MAP_AT_LEAST = 1 << 20;
