// Memory-mapped files (native/mmap, built by `npm install`): a bundle's large arrays are mapped, not read, so
// the service's worker processes share one copy of the model in the OS page cache and a new bundle "loads"
// without copying gigabytes. When the addon is not built (or ENCORE_MMAP=0), callers read files instead.
import { optionalAddon } from './optionalAddon.js';

interface MmapAddon {
  mapFile(path: string): ArrayBuffer;
  mapFiles(paths: readonly string[]): { buffer: ArrayBuffer; offsets: number[]; sizes: number[] };
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

/** Files of one directory mapped together, by name. */
export interface MappedFiles {
  /** The file's bytes (a view of the shared mapping), or undefined when it was not mapped here. */
  view(name: string): Uint8Array | undefined;
}

/**
 * The named files of `dir` mapped into ONE buffer (native/mmap mapFiles), or null without the addon. One buffer,
 * not one per file: V8 starts a garbage collection each time a buffer's creation lifts its count of external
 * memory far enough, so a bundle mapped file by file set off a dozen collections per serving process during a
 * live swap (native/mmap/mmap.c says why the count cannot simply be kept down).
 */
export function mapTogether(dir: string, names: readonly string[]): MappedFiles | null {
  if (addon === null) return null;
  const { buffer, offsets, sizes } = addon.mapFiles(names.map((n) => `${dir}/${n}`));
  const at = new Map<string, Uint8Array>();
  names.forEach((n, i) => at.set(n, new Uint8Array(buffer, offsets[i]!, sizes[i]!)));
  return { view: (name) => at.get(name) };
}
